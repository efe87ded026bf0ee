"""Every asset is vendored: a page loads completely with all other hosts unreachable."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser


def test_school_list_needs_no_other_host(page: Page, world, live_server):
    own = urlsplit(live_server.url).netloc
    foreign: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own:
            foreign.append(url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    failed: list[str] = []
    # a request cancelled because the page navigated on (the previous page's favicon, say) is
    # ERR_ABORTED and says nothing about the network; requests to other hosts are caught above
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}") if "ERR_ABORTED" not in (r.failure or "")
            else None)
    broken: list[str] = []
    page.on("response", lambda r: broken.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    login(page, "a_office_admin")
    page.goto("/organizations/schools/", wait_until="load")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=object-table] tbody tr")).to_have_count(4)

    assert foreign == [], f"requests to other hosts: {foreign}"
    assert failed == [], f"failed requests: {failed}"
    assert broken == [], f"error responses: {broken}"
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("() => !!(window.htmx && window.htmx.version)")
    tabler_rules = page.evaluate(
        """() => Array.from(document.styleSheets)
                 .filter(s => (s.href || '').includes('tabler.min.css'))
                 .map(s => s.cssRules.length)"""
    )
    assert tabler_rules and tabler_rules[0] > 100, f"Tabler CSS not loaded: {tabler_rules}"
    primary = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--tblr-primary')")
    assert primary.strip(), "Tabler's CSS variables are not defined"
