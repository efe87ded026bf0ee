"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

No browser is downloaded: ``/usr/bin/chromium`` comes from the Debian package (``make system``).
Every page is opened in a zh-CN context, as a Chinese user's browser would; the data are the
two-county world of ``dudao.core.testing.world``.
"""

import os
import shutil

import pytest
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
