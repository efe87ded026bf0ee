"""The visit form on a phone in a school corridor: typed while the signal drops, restored after a
reload without a connection, synced once the connection returns (twice, still one visit),
submitted with its photo, and read by the school's liaison."""

import re

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def phone(browser: Browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, **PHONE})
    yield context
    context.close()


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "校门口.png"
    Image.new("RGB", (64, 48), "orange").save(path, "PNG")
    return path


def visits():
    from dudao.inspections.models import Visit

    return list(Visit.objects.prefetch_related("attachments", "lessons").order_by("pk"))


def wait_synced(page: Page) -> None:
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-state", "synced", timeout=15_000)


def test_visit_survives_a_dropped_signal_and_reaches_the_school(phone, world, media, photo):
    school = world.a.schools[0]
    page = phone.new_page()
    page.set_default_timeout(15_000)
    login(page, "a_inspector")

    # the inspector opens the new-visit form; the device keeps the form for offline use
    page.goto("/inspections/visits/add/")
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    client_uuid = page.locator("input[name=client_uuid]").input_value()
    assert re.fullmatch(r"[0-9a-f-]{36}", client_uuid)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # one column, no sideways scroll

    # fills in the school, methods, two answers, a lesson and a photo
    page.select_option("select[name=school]", str(school.pk))
    page.locator("label:has([data-testid=method-campus_walk])").click()
    page.locator("label:has([data-testid=method-lesson])").click()
    page.get_by_test_id("answer-1-1").click()  # item 1: 正常
    page.get_by_test_id("answer-6-2").click()  # item 6: 存在问题
    page.get_by_test_id("note-6").fill("校门口无减速带")
    row = page.get_by_test_id("lesson-row").first
    row.locator("[name$=-class_name]").fill("三(2)班")
    row.locator("[name$=-subject]").fill("数学")
    row.locator("[name$=-teacher]").fill("王老师")
    row.locator("[name$=-rating]").select_option("good")
    page.get_by_test_id("photos").set_input_files(str(photo))
    expect(page.get_by_test_id("pending-file")).to_have_count(1)
    box = page.get_by_test_id("save-draft").bounding_box()
    assert box["height"] >= 44  # a large target

    # the signal drops; the inspector keeps typing
    phone.set_offline(True)
    assert page.evaluate("() => fetch('/inspections/visits/sync/', {method: 'POST'}).then(() => 'reached', () => 'failed')") == "failed"
    page.locator("textarea[name=problems]").fill("上下学时段校门口拥堵，缺少护导")
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-state", "offline")

    # and reloads the page, still offline: the form comes from the device with the draft restored
    page.reload()
    assert page.evaluate("() => !!navigator.serviceWorker.controller")  # served by the form's service worker
    assert page.evaluate("() => navigator.onLine") is False
    expect(page.locator("textarea[name=problems]")).to_have_value("上下学时段校门口拥堵，缺少护导")
    expect(page.locator("input[name=client_uuid]")).to_have_value(client_uuid)
    expect(page.locator("select[name=school]")).to_have_value(str(school.pk))
    expect(page.get_by_test_id("method-lesson")).to_be_checked()
    expect(page.locator("[data-testid=item-6] input[value=存在问题]")).to_be_checked()
    expect(page.get_by_test_id("note-6")).to_have_value("校门口无减速带")
    expect(page.get_by_test_id("lesson-row").first.locator("[name$=-teacher]")).to_have_value("王老师")
    expect(page.get_by_test_id("pending-file")).to_have_count(1)

    # the connection returns: the draft syncs, with its photo
    phone.set_offline(False)
    page.get_by_test_id("save-draft").click()
    wait_synced(page)
    expect(page.locator("[data-testid=pending-file][data-state=uploaded]")).to_have_count(1)
    rows = visits()
    assert len(rows) == 1
    visit = rows[0]
    assert str(visit.client_uuid) == client_uuid and visit.status == "draft"
    assert visit.problems == "上下学时段校门口拥堵，缺少护导"
    assert visit.methods == ["campus_walk", "lesson"]
    assert [lesson.teacher for lesson in visit.lessons.all()] == ["王老师"]
    assert [a.original_name for a in visit.attachments.all()] == ["校门口.png"]

    # syncing again changes nothing in number
    page.get_by_test_id("save-draft").click()
    wait_synced(page)
    assert len(visits()) == 1 and visits()[0].attachments.count() == 1

    # the inspector submits the record
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit-visit").click()
    expect(page).to_have_url(re.compile(rf"/inspections/visits/{visit.pk}/$"))
    expect(page.get_by_test_id("visit-status")).to_contain_text("已提交")
    assert visits()[0].status == "submitted"
    draft_key = f"dudao.visits.{visit.created_by_id}.draft.{client_uuid}"
    assert page.evaluate("key => localStorage.getItem(key)", draft_key) is None  # the device forgot the draft

    # the school's liaison reads the record, with the photo, on their own phone
    liaison = phone.browser.new_context(**{**PHONE, "locale": "zh-CN", "base_url": page.url.split("/inspections")[0]})
    other = liaison.new_page()
    other.set_default_timeout(15_000)
    login(other, "a_liaison")
    other.goto(f"/inspections/visits/{visit.pk}/")
    expect(other.get_by_test_id("visit-problems")).to_contain_text("上下学时段校门口拥堵")
    expect(other.get_by_test_id("visit-answers")).to_contain_text("校门口无减速带")
    expect(other.get_by_test_id("visit-lessons")).to_contain_text("王老师")
    thumb = other.locator("[data-testid=visit-photos] img")
    expect(thumb).to_have_count(1)
    other.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert other.evaluate("img => img.naturalWidth", thumb.element_handle()) == 64  # the checked download served it
    expect(other.get_by_test_id("visit-edit")).to_have_count(0)
    liaison.close()


def test_a_problem_marked_on_the_phone_becomes_a_finding_with_its_item_and_note(phone, world, media):
    school = world.a.schools[0]
    page = phone.new_page()
    page.set_default_timeout(15_000)
    login(page, "a_inspector")

    # the inspector marks item 6 存在问题 with a note; 记录问题 appears under it only then
    page.goto("/inspections/visits/add/")
    page.select_option("select[name=school]", str(school.pk))
    expect(page.get_by_test_id("record-finding-6")).to_be_hidden()
    page.get_by_test_id("answer-6-2").click()
    page.get_by_test_id("note-6").fill("校门口无减速带")
    record = page.get_by_test_id("record-finding-6")
    expect(record).to_be_visible()
    assert record.bounding_box()["height"] >= 44  # a large target
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    # and taps 记录问题: the draft syncs and the finding form opens for that answer
    record.click()
    expect(page).to_have_url(re.compile(r"/inspections/findings/add/\?visit=\d+&answer=6$"))
    visit = visits()[0]
    assert visit.status == "draft"
    assert {a.item.code: a.note for a in visit.response.answers.select_related("item")}["6"] == "校门口无减速带"
    item = page.locator("select[name=item]")
    expect(item.locator("option:checked")).to_have_text("校园及周边安全情况，学生交通安全情况")
    expect(page.locator("textarea[name=description]")).to_have_value("校门口无减速带")
    expect(page.locator("input[name=item_code]")).to_have_count(0)  # no code to type
    expect(page.get_by_test_id("finding-visit")).to_contain_text(school.name)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    # the finding is recorded as prefilled, and the notice's requirements start from it
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("finding-description")).to_have_text("校门口无减速带")
    page.get_by_test_id("issue-notice").click()
    requirements = page.locator("textarea[name=requirements]")
    expect(requirements).to_have_value(re.compile("校园及周边安全情况，学生交通安全情况.*校门口无减速带"))
