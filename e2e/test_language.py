"""Switching the interface language: saved on the user, so it survives reloads and new sessions."""

import pytest
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser

# A word of the navigation and the dashboard heading; the zh-hans catalogue translates it.
WORD = "Dashboard"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def assert_language(page: Page, response, *, html_lang: str, content_language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", html_lang)
    assert response is not None
    assert response.headers.get("content-language") == content_language


def test_language_switch_is_saved_on_the_user(page: Page, world, browser: Browser, browser_context_args):
    word_zh = zh(WORD)
    assert word_zh != WORD, (
        f"the zh-hans catalogue has no translation for {WORD!r}: "
        "is dudao/locale/zh_Hans/LC_MESSAGES/django.mo compiled (make setup)?"
    )
    heading = page.locator(".page-title")

    login(page, "a_office_admin")
    response = page.goto("/")
    assert_language(page, response, html_lang="zh-CN", content_language="zh-hans")
    expect(heading).to_have_text(word_zh)

    with page.expect_navigation():
        page.get_by_test_id("lang-switch").click()
    response = page.reload()
    assert_language(page, response, html_lang="en", content_language="en")
    expect(heading).to_have_text(WORD)
    expect(page.get_by_test_id("lang-switch")).to_have_text("中文")

    # Saved on the account, not only in a cookie: a fresh browser (zh-CN, no cookies) gets English.
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="a_office_admin").language == "en"
    other = browser.new_context(**browser_context_args)
    try:
        other_page = other.new_page()
        login(other_page, "a_office_admin")
        response = other_page.goto("/")
        assert_language(other_page, response, html_lang="en", content_language="en")
    finally:
        other.close()

    with page.expect_navigation():
        page.get_by_test_id("lang-switch").click()
    response = page.reload()
    assert_language(page, response, html_lang="zh-CN", content_language="zh-hans")
    expect(heading).to_have_text(word_zh)
    expect(page.get_by_test_id("lang-switch")).to_have_text("English")
    assert get_user_model().objects.get(username="a_office_admin").language == "zh-hans"
