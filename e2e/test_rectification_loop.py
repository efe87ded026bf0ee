"""The rectification loop on a phone (390×844): finding → notice → answer → returned → answered
again → closed, each step by the person who does it, and the notice page keeps the whole history
in order (条例 第二十二条; STANDARDS §7.2)."""

import datetime
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def png_bytes(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def photo(name: str, colour) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes(colour)}


@pytest.fixture
def visit(world):
    """A visit of county A's inspector to school 0 on the national checklist (a plain row)."""
    from django.utils import timezone

    from dudao.inspections.models import Visit
    from dudao.instruments.models import Instrument

    checklist = Instrument.objects.get(office__isnull=True, code="national-school-routine").versions.get(number=1)
    return Visit.objects.create(school=world.a.schools[0], inspector=world.a.inspectors[0],
                                date=timezone.localdate() - datetime.timedelta(days=1), checklist=checklist,
                                created_by=world.a.users["inspector"])


def sign_in_as(page: Page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def test_finding_to_closed_notice_on_a_phone(page: Page, world, visit):
    page.set_viewport_size(PHONE)

    # the inspector records a finding on the visit, with a photo
    sign_in_as(page, "a_inspector")
    page.goto(f"/inspections/findings/add/?visit={visit.pk}")
    expect(page.get_by_test_id("finding-visit")).to_contain_text(world.a.schools[0].name)
    page.select_option("#id_item", label="食堂、食品、饮水及宿舍卫生情况")  # by its name
    page.select_option("#id_severity", "serious")
    page.fill("#id_description", "食堂留样柜温度超标，留样记录缺失")
    page.set_input_files("#id_files", [photo("留样柜.png", (200, 40, 40))])
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.get_by_test_id("finding-description")).to_contain_text("留样柜温度超标")

    # … and issues a notice on it; the deadline comes from the office's default for the severity
    with page.expect_navigation():
        page.get_by_test_id("issue-notice").click()
    page.fill("#id_requirements", "三日内更换留样柜温控器，补齐留样记录，报送整改报告")
    with page.expect_navigation():
        page.get_by_test_id("issue-submit").click()
    notice_url = page.url
    number = page.get_by_test_id("notice-number").inner_text().strip()
    assert re.fullmatch(r"甲督整〔\d{4}〕1号", number), number
    expect(page.get_by_test_id("status-badge")).to_be_visible()
    expect(page.get_by_test_id("action-submit")).to_have_count(0)  # the inspector cannot answer for the school

    # the school's liaison answers with a photo
    sign_in_as(page, "a_liaison")
    page.goto(notice_url)
    form = page.get_by_test_id("action-submit")
    form.locator("textarea[name=measures]").fill("已更换温控器")
    form.locator("input[name=files]").set_input_files([photo("温控器.png", (40, 200, 40))])
    with page.expect_navigation():
        page.get_by_test_id("transition-submit").click()
    expect(page.get_by_test_id("action-submit")).to_have_count(0)

    # the inspector re-checks and returns it: the records are still missing
    sign_in_as(page, "a_inspector")
    page.goto(notice_url)
    page.get_by_test_id("return-form").locator("select[name=result]").select_option("partial")
    page.get_by_test_id("return-form").locator("textarea[name=remarks]").fill("留样记录仍未补齐")
    with page.expect_navigation():
        page.get_by_test_id("transition-return").click()
    expect(page.get_by_test_id("action-recheck")).to_have_count(0)

    # the liaison answers again
    sign_in_as(page, "a_liaison")
    page.goto(notice_url)
    form = page.get_by_test_id("action-submit")
    form.locator("textarea[name=measures]").fill("已补齐近30日留样记录并指定专人负责")
    form.locator("input[name=files]").set_input_files([photo("留样记录.png", (40, 40, 200))])
    with page.expect_navigation():
        page.get_by_test_id("transition-submit").click()

    # the inspector closes it
    sign_in_as(page, "a_inspector")
    page.goto(notice_url)
    page.get_by_test_id("close-form").locator("textarea[name=remarks]").fill("复查合格，予以销号")
    with page.expect_navigation():
        page.get_by_test_id("transition-close").click()
    expect(page.get_by_test_id("action-recheck")).to_have_count(0)
    expect(page.get_by_test_id("overdue-badge")).to_have_count(0)

    # the notice page holds the whole history, in order, with every answer's file
    entries = page.get_by_test_id("history-entry")
    expect(entries).to_have_count(5)
    kinds = [entries.nth(i).get_attribute("data-kind") for i in range(5)]
    assert kinds == ["notice", "answer", "recheck", "answer", "recheck"]
    texts = [entries.nth(i).inner_text() for i in range(5)]
    assert "已更换温控器" in texts[1] and "温控器.png" in texts[1]
    assert "留样记录仍未补齐" in texts[2]
    assert "已补齐近30日留样记录" in texts[3] and "留样记录.png" in texts[3]
    assert "复查合格" in texts[4]

    # and nothing overflows the phone's width
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the notice page is {width}px wide on a {PHONE['width']}px phone"

    from dudao.inspections.models import Rectification

    notice = Rectification.objects.get(number=number)
    assert (notice.status, notice.closed_on is not None) == ("closed", True)
    assert notice.responses.count() == 2 and notice.rechecks.count() == 2

    # the school's timeline (资源包) binds the visit, the finding and the notice's history, the newest first
    page.goto(f"/schools/{notice.school_id}/timeline/")
    events = page.get_by_test_id("timeline").locator("li[data-kind]")
    kinds = [k for k in (events.nth(i).get_attribute("data-kind") for i in range(events.count()))
             if k in {"finding", "notice", "answer", "recheck"}]
    assert kinds == ["recheck", "answer", "recheck", "answer", "notice", "finding"]
