"""A special campaign in a browser: the office creates and launches it (a two-inspector team is
warned about, 条例 第十六条), a school submits its self-check with a file, an inspector of the team
records the result on the same checklist, and a problem becomes a rectification notice."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from dudao.instruments.campaign_checklists import OPENING_CODE
from dudao.instruments.models import Instrument, Item
from e2e.helpers import login

pytestmark = pytest.mark.browser


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def test_office_launches_school_self_checks_team_records_and_a_problem_becomes_a_notice(page: Page, world):
    version = Instrument.objects.get(office__isnull=True, code=OPENING_CODE).latest_published()
    codes = list(version.items.filter(response_type=Item.ResponseType.YES_NO).order_by("position")
                 .values_list("code", flat=True))
    school = world.a.schools[0]

    # the office creates the campaign on two picked schools
    login(page, "a_office_admin")
    page.goto("/campaigns/add/")
    page.select_option("#id_office", str(world.a.office.pk))
    page.fill("#id_title", "春季开学工作专项督导")
    page.select_option("#id_theme", "opening")
    page.select_option("#id_checklist", str(version.pk))
    page.fill("#id_start_date", "2026-02-20")
    page.fill("#id_self_check_due", "2099-12-01")
    page.fill("#id_end_date", "2099-12-31")
    page.select_option("#id_rule", "schools")
    page.select_option("#id_schools", [str(school.pk), str(world.a.schools[2].pk)])
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/campaigns/\d+/$"))
    expect(page.get_by_test_id("targets").locator("tbody tr")).to_have_count(2)
    campaign_url = page.url

    # adds a team of the county's two inspectors covering both schools: warned, not blocked
    page.get_by_test_id("add-team").click()
    page.locator("[name=members]").nth(0).check()
    page.locator("[name=members]").nth(1).check()
    page.locator("[name=targets]").nth(0).check()
    page.locator("[name=targets]").nth(1).check()
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.get_by_test_id("small-team")).to_be_visible()
    expect(page.get_by_test_id("campaign-warning").first).to_contain_text("第十六条")

    # and launches it
    with page.expect_navigation():
        page.get_by_test_id("transition-launch").click()
    expect(page.get_by_test_id("campaign-status")).to_have_attribute("data-status", "launched")
    expect(page.get_by_test_id("count-notified")).to_have_text("2")

    # the school's liaison submits the self-check with a photo
    page.context.clear_cookies()
    login(page, "a_liaison")
    page.goto("/campaigns/targets/")
    page.get_by_role("link", name=school.name).click()
    for code in codes:
        page.get_by_test_id(f"self-{code}-yes").click()
    page.fill("#id_summary", "已逐项自查。")
    page.get_by_test_id("self-check-files").set_input_files(
        {"name": "自查照片.png", "mimeType": "image/png", "buffer": _png()})
    with page.expect_navigation():
        page.get_by_test_id("submit-self-check").click()
    expect(page.get_by_test_id("target-status")).to_have_attribute("data-status", "self_checked")
    expect(page.get_by_test_id("evidence")).to_contain_text("自查照片.png")
    target_url = page.url

    # the team's inspector records the result with a problem on item 2.1
    page.context.clear_cookies()
    login(page, "a_inspector")
    page.goto(target_url)
    for code in codes:
        page.get_by_test_id(f"team-{code}-{'no' if code == '2.1' else 'yes'}").click()
    page.get_by_test_id("problem-1-item").select_option("2.1")
    page.get_by_test_id("problem-1-description").fill("消防通道堆放杂物。")
    with page.expect_navigation():
        page.get_by_test_id("submit-result").click()
    expect(page.get_by_test_id("target-status")).to_have_attribute("data-status", "visited")
    expect(page.get_by_test_id("problem")).to_contain_text("消防通道堆放杂物。")

    # and the problem becomes a rectification notice of the loop
    page.get_by_test_id("notice-requirements").fill("一周内清理消防通道。")
    with page.expect_navigation():
        page.get_by_test_id("issue-notice").click()
    expect(page.get_by_test_id("target-status")).to_have_attribute("data-status", "rectifying")
    page.get_by_test_id("problem-notice").click()
    expect(page).to_have_url(re.compile(r"/inspections/rectifications/\d+/$"))

    # the office sees the campaign at a glance and the rectification list
    page.context.clear_cookies()
    login(page, "a_office_admin")
    page.goto(campaign_url)
    expect(page.get_by_test_id("count-self-checked")).to_have_text("1")
    expect(page.get_by_test_id("count-visited")).to_have_text("1")
    page.get_by_test_id("rectifications-link").click()
    expect(page.get_by_test_id("rectification-list")).to_contain_text("消防通道堆放杂物。")
