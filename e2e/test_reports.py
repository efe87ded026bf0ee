"""Work reports in a browser: an inspector drafts last month's report from the records, downloads the
Word draft, uploads the finished .docx; the office accepts it and sees it in the report status table."""

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser


def test_inspector_drafts_and_submits_a_report_and_the_office_accepts_it(page: Page, world, tmp_path):
    # the inspector opens the draft form: only their own report, the month field for a monthly report
    login(page, "a_inspector")
    page.goto("/reports/add/")
    expect(page.locator("#id_level option")).to_have_count(1)
    expect(page.locator("#id_zone")).to_be_hidden()
    expect(page.locator("#id_term")).to_be_hidden()
    page.select_option("#id_period_kind", "term")
    expect(page.locator("#id_term")).to_be_visible()
    expect(page.locator("#id_month")).to_be_hidden()
    page.select_option("#id_period_kind", "month")
    page.fill("#id_month", "2026-10")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    # the report's page offers the Word draft and the upload
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "draft")
    with page.expect_download() as info:
        page.get_by_test_id("download-draft-docx").click()
    finished = tmp_path / "报告.docx"
    info.value.save_as(finished)
    page.set_input_files("#id_file", str(finished))
    with page.expect_navigation():
        page.get_by_test_id("transition-submit").click()
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "submitted")
    report_url = page.url

    # the office sees it on the status table and accepts it
    page.context.clear_cookies()
    login(page, "a_office_admin")
    page.goto("/reports/status/?year=2026&term=autumn")
    expect(page.get_by_test_id("status-table").locator("td[data-state=late]")).to_have_count(1)
    expect(page.get_by_test_id("count-late")).to_have_text("1")
    page.screenshot(path=str(tmp_path / "status.png"), full_page=True)
    page.goto(report_url)
    with page.expect_navigation():
        page.get_by_test_id("transition-accept").click()
    expect(page.get_by_test_id("report-status")).to_have_attribute("data-status", "accepted")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
