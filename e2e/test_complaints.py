"""The public channel on a phone (390×844): the signboard's QR address opens the school's page,
an anonymous complaint with a photo is sent and followed with its tracking code, the listed
inspector handles and answers it, and the sender rates the answer."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def photo() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, format="PNG")
    return {"name": "school-gate.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_scan_write_follow_answer_and_rate_on_a_phone(page: Page, world, live_server):
    from dudao.complaints.models import Complaint
    from dudao.inspectors.signboards import public_url

    page.set_viewport_size(PHONE)
    school = world.a.schools[0]

    # given the address printed in the signboard's QR code
    url = public_url(school.pk, live_server.url)
    page.goto(url)
    expect(page.get_by_test_id("school-name")).to_have_text(school.name)
    expect(page.get_by_test_id("inspector-name")).to_have_text(world.a.inspectors[0].name)

    # when a parent writes anonymously with a photo
    page.select_option("#id_kind", "complaint")
    page.fill("#id_text", "学校门口早上车辆拥堵，孩子过马路很危险。")
    page.set_input_files("#id_photos", [photo()])
    page.get_by_test_id("complaint-submit").click()

    # then a tracking code is shown once
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert len(code.replace("-", "")) == 12
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous and complaint.photos.count() == 1

    # and the parent follows it with the code
    page.get_by_test_id("track-link").click()
    page.fill("#id_code", code)
    page.get_by_test_id("track-submit").click()
    expect(page.get_by_test_id("complaint-status")).to_be_visible()
    registered = page.get_by_test_id("complaint-status").inner_text()

    # when the listed inspector handles and answers it
    page.context.clear_cookies()
    login(page, "a_inspector")
    page.goto(complaint.get_absolute_url())
    expect(page.get_by_test_id("complaint-photo")).to_have_count(1)
    page.get_by_test_id("transition-handle").click()
    page.fill("#id_answer", "已与学校和交警沟通，上学时段增派护学岗。")
    page.get_by_test_id("transition-answer").click()
    expect(page.get_by_test_id("complaint-answer")).to_contain_text("增派护学岗")

    # then the parent reads the answer and rates it
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/p/track/")
    page.fill("#id_code", code.lower())
    page.get_by_test_id("track-submit").click()
    expect(page.get_by_test_id("complaint-answer")).to_contain_text("增派护学岗")
    assert page.get_by_test_id("complaint-status").inner_text() != registered
    page.locator("input[name=rating][value=satisfied]").check()
    page.get_by_test_id("rate-submit").click()
    expect(page.get_by_test_id("complaint-rating")).to_be_visible()
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.rating == "satisfied"
