"""A directive (督办事项) in a browser: on a desktop the office registers it, gives two schools their
items (one already past its deadline) and assigns them; the board shows the late unit, whom the office
urges with a numbered notice; on a phone (390×844) the liaison reports its part done with a photo; back on the
desktop the office accepts it and the board and its Excel sheet count it done."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def _day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 120, 30)).save(out, format="PNG")
    return out.getvalue()


def _add_item(page: Page, school, content: str, deadline: str) -> None:
    page.select_option("#id_school", str(school.pk))
    page.fill("#id_content", content)
    page.fill("#id_deadline", deadline)
    with page.expect_navigation():
        page.get_by_test_id("item-submit").click()


def test_office_assigns_and_urges_unit_reports_on_a_phone_office_accepts(page: Page, world):
    mine, late = world.a.schools[0], world.a.schools[1]  # the liaison's school, the principal's

    # the office registers the directive on a desktop
    page.set_viewport_size(DESKTOP)
    login(page, "a_office_admin")
    page.goto("/directives/add/")
    page.select_option("#id_office", str(world.a.office.pk))
    page.fill("#id_title", "校园周边安全隐患排查整治")
    page.select_option("#id_source", "meeting")
    page.fill("#id_source_text", "县政府常务会议纪要")
    page.fill("#id_decided_on", _day(-10))
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/directives/\d+/$"))
    directive_url = page.url
    expect(page.get_by_test_id("directive-status")).to_have_attribute("data-status", "registered")

    # gives two schools their items, one already past its deadline, and assigns them
    _add_item(page, mine, "设置校门口警示标志", _day(10))
    _add_item(page, late, "清理校园周边占道经营", _day(-2))
    expect(page.get_by_test_id("items").locator("tbody tr")).to_have_count(2)
    with page.expect_navigation():
        page.get_by_test_id("transition-assign").click()
    expect(page.get_by_test_id("directive-status")).to_have_attribute("data-status", "assigned")
    expect(page.locator("[data-stage=plan]")).to_have_attribute("data-done", "1")
    expect(page.locator("[data-count=late]")).to_have_text("1")
    expect(page.get_by_test_id("unit-board").locator(f"tr[data-unit='{late.name}']")).to_contain_text("1")

    # urges the late unit: a numbered 督办通知单 is filed
    page.get_by_test_id("items").locator(f"tr[data-unit='{late.name}'] a").click()
    expect(page.get_by_test_id("item-status")).to_have_attribute("data-board", "late")
    page.fill("#id_note", "请于3日内报送办结情况。")
    with page.expect_navigation():
        page.get_by_test_id("urge-submit").click()
    expect(page.get_by_test_id("urge-number")).to_contain_text("号")
    expect(page.get_by_test_id("filed-documents")).to_contain_text("督办通知单")

    # the liaison reports its part done on a phone
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    login(page, "a_liaison")
    page.goto(directive_url)
    expect(page.get_by_test_id("items").locator("tbody tr")).to_have_count(1)  # only its own school's item
    page.get_by_test_id("items").locator(f"tr[data-unit='{mine.name}'] a").click()
    page.fill("#id_text", "警示标志和减速带均已设置到位。")
    page.set_input_files("#id_files", {"name": "减速带.png", "mimeType": "image/png", "buffer": _png()})
    page.check("#id_is_final")
    with page.expect_navigation():
        page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("item-status")).to_have_attribute("data-status", "reported")
    expect(page.get_by_test_id("reports")).to_contain_text("警示标志和减速带均已设置到位。")
    expect(page.get_by_test_id("report-file")).to_have_text("减速带.png")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scroll
    item_url = page.url

    # the office accepts it on the desktop; the board and its sheet count it done
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    login(page, "a_office_admin")
    page.goto(item_url)
    with page.expect_navigation():
        page.get_by_test_id("accept-submit").click()
    expect(page.get_by_test_id("item-status")).to_have_attribute("data-status", "accepted")
    page.goto(directive_url)
    page.get_by_test_id("board-link").click()
    expect(page.locator("[data-count=done]")).to_have_text("1")
    expect(page.locator("[data-count=late]")).to_have_text("1")
    with page.expect_download() as download:
        page.get_by_test_id("export-board").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    states = {row[1]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert states == {mine.name: "已办结", late.name: "逾期"}
