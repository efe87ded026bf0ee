"""The check-in (入校签到) on the phone-sized visit form: the browser's position, granted by the
inspector, is read when the form opens, shown as the distance to the school, kept in the device
draft through an offline reload and synced with it; refused, the form asks for the reason."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from e2e.helpers import login
from e2e.test_visit_form import PHONE, wait_synced

pytestmark = pytest.mark.browser

SCHOOL = {"latitude": 28.682892, "longitude": 115.858198}
AT_THE_GATE = {"latitude": 28.683656, "longitude": 115.858198, "accuracy": 12}  # 85 m north


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def school(world):
    from dudao.organizations.models import School

    school = world.a.schools[0]
    School.objects.filter(pk=school.pk).update(latitude=Decimal(str(SCHOOL["latitude"])),
                                               longitude=Decimal(str(SCHOOL["longitude"])))
    return school


def only_visit():
    from dudao.inspections.models import Visit

    rows = list(Visit.objects.all())
    assert len(rows) == 1
    return rows[0]


def test_checkin_is_taken_when_the_form_opens_and_syncs_with_the_offline_draft(browser: Browser, browser_context_args,
                                                                              world, school, media):
    phone = browser.new_context(**{**browser_context_args, **PHONE}, permissions=["geolocation"],
                                geolocation=AT_THE_GATE)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    login(page, "a_inspector")

    # the form opens, says what it reads, and takes the position; the school gives the distance
    page.goto("/inspections/visits/add/")
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")  # the form is kept on the device
    expect(page.get_by_test_id("checkin-consent")).to_be_visible()
    expect(page.locator("input[name=checkin_latitude]")).to_have_value("28.683656")
    page.select_option("select[name=school]", str(school.pk))
    live = page.get_by_test_id("checkin-live")
    expect(live).to_have_attribute("data-status", "within")
    expect(live).to_have_text("签到 距学校 85 米")
    expect(page.locator("#checkin-reason-box")).to_be_hidden()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    # offline, the inspector goes on and reloads: the check-in comes back from the device draft
    page.locator("label:has([data-testid=method-campus_walk])").click()
    phone.set_offline(True)
    page.locator("textarea[name=problems]").fill("食堂留样记录不全")
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-state", "offline")
    phone.set_geolocation({"latitude": 30.0, "longitude": 120.0})  # the phone moves: the draft keeps its check-in
    page.reload()
    expect(page.locator("textarea[name=problems]")).to_have_value("食堂留样记录不全")
    expect(page.locator("input[name=checkin_latitude]")).to_have_value("28.683656")
    expect(page.get_by_test_id("checkin-live")).to_have_text("签到 距学校 85 米")

    # back online, the draft syncs with its check-in
    phone.set_offline(False)
    page.get_by_test_id("save-draft").click()
    wait_synced(page)
    visit = only_visit()
    assert (visit.checkin_status, visit.checkin_distance_m, visit.checkin_accuracy_m) == ("within", 85, 12)
    assert visit.checkin_latitude == Decimal("28.683656")

    # the record says where the inspector checked in
    page.goto(f"/inspections/visits/{visit.pk}/")
    expect(page.get_by_test_id("checkin")).to_contain_text("签到 距学校 85 米")
    phone.close()


def test_refused_location_asks_for_the_reason(browser: Browser, browser_context_args, world, school, media):
    phone = browser.new_context(**{**browser_context_args, **PHONE})  # no permission: the position is refused
    page = phone.new_page()
    page.set_default_timeout(15_000)
    login(page, "a_inspector")
    page.goto("/inspections/visits/add/")
    page.select_option("select[name=school]", str(school.pk))
    live = page.get_by_test_id("checkin-live")
    expect(live).to_have_attribute("data-status", "no_location")
    expect(live).to_contain_text("未获取到位置")
    reason = page.locator("input[name=checkin_reason]")
    expect(reason).to_be_visible()
    page.locator("label:has([data-testid=method-campus_walk])").click()
    reason.fill("手机定位已关闭")
    page.get_by_test_id("save-draft").click()
    wait_synced(page)
    visit = only_visit()
    assert (visit.checkin_status, visit.checkin_reason) == ("no_location", "手机定位已关闭")
    page.goto(f"/inspections/visits/{visit.pk}/")
    expect(page.get_by_test_id("checkin")).to_contain_text("未提供签到位置")
    expect(page.get_by_test_id("checkin-reason")).to_contain_text(re.compile("手机定位已关闭"))
    phone.close()


def test_school_form_takes_the_coordinates_from_the_device(browser: Browser, browser_context_args, world):
    from dudao.organizations.models import School

    school = world.a.schools[1]
    context = browser.new_context(**browser_context_args, permissions=["geolocation"], geolocation=AT_THE_GATE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, "a_office_admin")
    page.goto(f"/organizations/schools/{school.pk}/edit/")
    page.get_by_test_id("locate-school").click()
    expect(page.locator("input[name=latitude]")).to_have_value("28.683656")
    expect(page.locator("input[name=longitude]")).to_have_value("115.858198")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("school-coordinates")).to_contain_text("28.683656, 115.858198")
    school = School.objects.get(pk=school.pk)
    assert (school.latitude, school.longitude) == (Decimal("28.683656"), Decimal("115.858198"))
    context.close()
