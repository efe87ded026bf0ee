"""An office adapts the national school checklist: copy, edit an item, publish, and the version is frozen."""

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser


def test_office_copies_edits_and_publishes_the_national_checklist(page: Page, world):
    from dudao.instruments.models import Instrument

    national = Instrument.objects.get(office__isnull=True, code="national-school-routine")
    login(page, "a_office_admin")

    # the national list is read-only: no edit buttons, only "copy to my office"
    page.goto(f"/instruments/{national.pk}/")
    expect(page.get_by_test_id("item-1")).to_contain_text("校务管理和制度执行情况。")
    expect(page.get_by_test_id("item-edit-1")).to_have_count(0)
    page.get_by_test_id("copy").click()
    page.fill("#id_name", "甲县中小学校经常性督导事项")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    # the copy is a draft of the county's own instrument: edit item 1
    expect(page.get_by_test_id("draft-notice")).to_be_visible()
    page.get_by_test_id("item-edit-1").click()
    page.fill("#id_text", "校务管理、制度执行和依法办学情况。")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.get_by_test_id("item-1")).to_contain_text("校务管理、制度执行和依法办学情况。")

    # publish (after the confirmation) and the version page shows it frozen, without edit buttons
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("frozen-notice")).to_be_visible()
    expect(page.get_by_test_id("status-1").first).to_have_text(national.versions.get().get_status_display())
    for control in ("item-edit-1", "add-item", "publish", "discard"):
        expect(page.get_by_test_id(control)).to_have_count(0)
    expect(page.get_by_test_id("item-1")).to_contain_text("校务管理、制度执行和依法办学情况。")

    # the national list itself is untouched
    page.goto(f"/instruments/{national.pk}/")
    expect(page.get_by_test_id("item-1")).to_contain_text("校务管理和制度执行情况。")
