"""Plans in a browser: an inspector fills the month table of a term plan and submits it; the office
approves and files it (规程 Art. 2: 报教育督导部门审核备案)."""

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser


def test_inspector_submits_a_term_plan_and_the_office_approves_it(page: Page, world):
    # the inspector starts the spring-term plan: the form offers only their own plan
    login(page, "a_inspector")
    page.goto("/plans/add/")
    expect(page.locator("#id_level option")).to_have_count(1)
    page.fill("#id_year", "2026")
    page.select_option("#id_term", "spring")
    page.fill("#id_title", "2026年春季学期责任督学工作计划")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    # the month editor has one row per month of the term, February to July
    expect(page).to_have_url(re.compile(r"/plans/\d+/edit/$"))
    rows = page.locator("[data-testid=month-editor] tbody tr")
    expect(rows).to_have_count(6)
    page.fill("#id_theme_3", "开学专项督导")
    page.fill("#id_work_3", "1、开展春季开学工作专项督导\n2、检查督学公示牌悬挂情况")
    page.fill("#id_theme_4", "校园安全")
    page.fill("#id_work_4", "深入责任区开展校园及周边安全督导")
    with page.expect_navigation():
        page.get_by_test_id("save-submit").click()

    # the plan is submitted and shows the table like the county plans: month, theme, work items
    expect(page.get_by_test_id("plan-status")).to_have_attribute("data-status", "submitted")
    table = page.get_by_test_id("month-table")
    expect(table.locator("tr[data-month='3'] td").nth(1)).to_have_text("开学专项督导")
    expect(table.locator("tr[data-month='3'] td").nth(2)).to_contain_text("检查督学公示牌悬挂情况")
    expect(page.get_by_test_id("transition-submit")).to_have_count(0)
    plan_url = page.url

    # the office reviews it and files it
    page.context.clear_cookies()
    login(page, "a_office_admin")
    page.goto(plan_url)
    expect(page.get_by_test_id("edit-plan")).to_have_count(0)
    page.get_by_test_id("review-comment").fill("同意备案。")
    with page.expect_navigation():
        page.get_by_test_id("transition-approve").click()
    expect(page.get_by_test_id("plan-status")).to_have_attribute("data-status", "approved")
    expect(page.get_by_test_id("review-card")).to_have_count(0)
