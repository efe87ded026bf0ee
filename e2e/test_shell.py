"""The shell of every page: the menu keeps to one row on a 1366 px screen in English (the longer
labels), and the phone's menu button is a finger-sized target."""

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser


def choose_english(page: Page) -> None:
    """Switches the interface to English with the language setting (saved on the account)."""
    switch = page.get_by_test_id("lang-switch")
    if switch.inner_text().strip() != "中文":
        with page.expect_navigation():
            switch.click()
    expect(page.get_by_test_id("lang-switch")).to_have_text("中文")
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("username", ["sysadmin", "a_office_admin"])
def test_english_menu_fits_one_row_at_1366_px(page: Page, world, username):
    # given a laptop screen and a user who sees the whole menu, in English
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, username)
    choose_english(page)
    page.goto("/")
    # then every top-level entry sits on the same row, inside the page's width
    entries = page.locator("#navbar-menu .navbar-nav > li").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return {text: e.innerText.split('\\n')[0].trim(),"
        " top: Math.round(r.top), right: r.right} })")
    row = page.locator("#navbar-menu .container-xl").evaluate(
        "e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);"
        " return r.right - parseFloat(s.paddingRight) }")
    assert len(entries) >= 8, entries
    assert {e["text"] for e in entries} >= {"Dashboard", "Supervision", "Public", "System"}
    assert len({e["top"] for e in entries}) == 1, entries
    assert max(e["right"] for e in entries) <= min(row, 1366) + 0.5, (entries, row)


def test_phone_menu_button_is_44_px_and_opens_the_menu(page: Page, world):
    # given a phone-sized screen
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "a_office_admin")
    toggler = page.locator(".navbar-toggler")
    # then the menu button is at least 44 × 44 px
    expect(toggler).to_be_visible()
    box = toggler.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    # and it opens the menu
    expect(page.locator("#navbar-menu")).to_be_hidden()
    toggler.click()
    expect(page.locator("#navbar-menu")).to_be_visible()
