"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

No browser is downloaded: ``/usr/bin/chromium`` comes from the Debian package (``make system``).
Every page is opened in a zh-CN context, as a Chinese user's browser would; the data are the
two-county world of ``dudao.core.testing.world``.
"""

import os
import shutil
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Page

CHROMIUM = os.environ.get("DUDAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite runs as root on CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `make system` (apt package chromium).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class SharedConnectionServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when its threads share the test's connection.

    An in-memory SQLite test database is one connection, which the live server's request threads
    share with the test. Two requests at once (a page and a fetch it starts) would then open
    transactions on the same connection and each release the other's savepoint. Each thread still
    keeps its browser connection alive; only the application is entered by one at a time."""

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = SharedConnectionServer


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    # Chromium would otherwise send Accept-Language: en-US and get the English interface.
    return {**browser_context_args, "locale": "zh-CN", "base_url": live_server.url, "accept_downloads": True}


@pytest.fixture
def world(transactional_db, live_server):
    from dudao.core.testing.world import build_world

    return build_world()


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(30_000)
    return page


# Pages report what the Content-Security-Policy blocks twice over: Chromium's console message
# ("Refused to ... violates the following Content Security Policy directive") and the document's
# securitypolicyviolation event, which this script writes to the console too.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.effectiveDirective + " " + e.blockedURI + " " +
                (e.sourceFile || "") + ":" + e.lineNumber);
});"""


@pytest.fixture(autouse=True)
def csp_violations(request, monkeypatch):
    """Every browser context of a test (the default page's and those a test opens) watches for what the
    policy blocks; the test fails if anything was blocked."""
    if "browser" not in request.fixturenames and "page" not in request.fixturenames:
        yield []
        return
    browser = request.getfixturevalue("browser")
    open_context = browser.new_context
    found: list[str] = []

    def new_context(*args, **kwargs):
        context = open_context(*args, **kwargs)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", lambda m: found.append(f"{m.page.url if m.page else ''}: {m.text}")
                   if "Content Security Policy" in m.text else None)
        return context

    monkeypatch.setattr(browser, "new_context", new_context)
    yield found
    assert found == [], "blocked by the Content-Security-Policy:\n" + "\n".join(found)
