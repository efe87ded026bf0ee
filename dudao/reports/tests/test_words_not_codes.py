"""Every page a person reaches without arguments, in Chinese, shows words, not internal codes.

The URL walk of ``core/tests/test_conventions`` finds the pages; each is opened as the county office's
administrator, an inspector, a zone leader, a school liaison and a principal, in zh-hans, with a
little history in the audit log. The visible text must hold no dotted code
(``inspections.rectification.issue``) and no choice that reads 未知 (Unknown).
"""

import datetime
import html
import re

import pytest
import time_machine
from django.apps import apps
from django.urls import get_resolver, resolve, reverse

from dudao.audit.services import model_save
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.tests.test_conventions import walk
from dudao.inspectors.services import listing_assign

pytestmark = pytest.mark.django_db

ROLES = ("office_admin", "inspector", "zone_leader", "school_liaison", "principal")
DOTTED = re.compile(r"\b[a-z]+\.[a-z_]+\.[a-z_]+\b")
TODAY = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
# pages that are not pages: sign-out and the language switch take a POST, the API answers JSON
SKIP_NAMESPACES = {"admin", "api"}
SKIP_NAMES = {"accounts:logout", "accounts:language"}


def page_urls() -> list[str]:
    """The pages without URL arguments, outside the admin and the API."""
    urls = set()
    for path, _callback, namespaces in walk(get_resolver().url_patterns):
        if re.search(r"[<(^$\\]", path) or set(namespaces) & SKIP_NAMESPACES or path.startswith("api/"):
            continue
        url = "/" + path
        match = resolve(url)
        if match.view_name not in SKIP_NAMES:
            urls.add(url)
    return sorted(urls)


def visible_text(page: str) -> str:
    """What a person reads on the page: no scripts, styles, tags or attributes."""
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world, django_db_blocker.unblock():
        # a little history: a school's details changed, an inspector listed at another school
        school = apps.get_model("organizations", "School").objects.get(pk=world.a.schools[0].pk)
        school.liaison_name = "周晓梅"
        with time_machine.travel(TODAY, tick=False):
            model_save(actor=world.a.users["office_admin"], instance=school)
            listing_assign(actor=world.a.users["office_admin"], school_id=world.a.schools[1].pk,
                           inspector_id=world.a.inspectors[0].pk)
        yield world


def test_the_walk_finds_the_pages():
    urls = page_urls()
    assert len(urls) > 30
    assert {reverse("reports:dashboard"), reverse("audit:event_list"), reverse("complaints:complaint_list")} <= set(urls)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_shows_words_not_codes(world, client, role):
    # given a person of ``role`` reading Chinese
    user = fresh(world.a.users[role])
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client.force_login(user)
    shown, problems = 0, {}
    # when they open every page they may open
    with time_machine.travel(TODAY, tick=True):
        for url in page_urls():
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            shown += 1
            text = visible_text(response.content.decode())
            # then no page shows a dotted internal code, and no choice reads 未知
            codes = sorted(set(DOTTED.findall(text)))
            if codes or "未知" in text:
                problems[url] = codes or ["未知"]
    assert shown >= 5
    assert problems == {}
