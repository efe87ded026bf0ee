"""The school's timeline (资源包): the newest first, filtered by year and kind from the form at the
top of the page."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import rectification_issue
from dudao.inspections.tests.visit_fixtures import record_visit
from dudao.reports.timeline import school_timeline

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def on(day: datetime.date):
    """Records made on ``day`` (the clock stands still at ten in the morning)."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=ZONE), tick=False)


@pytest.fixture
def record(world):
    """School 0's record over two years: a visit in November 2025, a visit in March 2026 with a
    finding and a notice the next day, and a visit on 2 November 2026."""
    inspector = fresh(world.a.users["inspector"])
    school = world.a.schools[0]
    with on(datetime.date(2025, 11, 20)):
        old_visit = record_visit(inspector, school, submit=True, date=datetime.date(2025, 11, 20))
    with on(datetime.date(2026, 3, 10)):
        march_visit = record_visit(inspector, school, submit=True, date=datetime.date(2026, 3, 10))
        finding = finding_record(actor=inspector, visit_id=march_visit.pk, description="食堂留样记录不全")
    with on(datetime.date(2026, 3, 11)):
        notice = rectification_issue(actor=inspector, finding_id=finding.pk, requirements="补齐留样记录",
                                     issued_on=datetime.date(2026, 3, 11))
    with on(datetime.date(2026, 11, 2)):
        new_visit = record_visit(inspector, school, submit=True, date=datetime.date(2026, 11, 2))
    return {"old_visit": old_visit, "march_visit": march_visit, "finding": finding, "notice": notice,
            "new_visit": new_visit}


def test_timeline_shows_the_newest_first(world, record):
    with on(datetime.date(2026, 11, 16)):
        entries = school_timeline(user=fresh(world.a.users["school_liaison"]), school_id=world.a.schools[0].pk,
                                  kinds=["visit", "finding", "notice"])
    assert [(e.date, e.kind) for e in entries] == [
        (datetime.date(2026, 11, 2), "visit"),
        (datetime.date(2026, 3, 11), "notice"),
        (datetime.date(2026, 3, 10), "finding"),
        (datetime.date(2026, 3, 10), "visit"),
        (datetime.date(2025, 11, 20), "visit"),
    ]


def test_timeline_page_filters_by_year_and_kind_from_the_top(world, record, client):
    # given the school's liaison on the school's timeline
    client.force_login(fresh(world.a.users["school_liaison"]))
    url = reverse("reports:school_timeline", args=[world.a.schools[0].pk])

    # when they choose 2026 and visits only
    with on(datetime.date(2026, 11, 16)):
        response = client.get(url, {"year": "2026", "kind": "visit"})

    # then the 2026 visits are listed, the newest first, and nothing else
    entries = response.context["entries"]
    assert [(e.kind, e.url) for e in entries] == [
        ("visit", record["new_visit"].get_absolute_url()), ("visit", record["march_visit"].get_absolute_url())]
    html = response.content.decode()
    # the filter form comes before the list and shows the choice made
    assert html.index('data-testid="timeline-filter"') < html.index('data-testid="timeline"')
    assert '<option value="2026" selected>' in html and '<option value="2025">' in html
    assert 'name="kind" value="visit" checked' in html and 'name="kind" value="notice" checked' not in html
    assert html.index(record["new_visit"].get_absolute_url()) < html.index(record["march_visit"].get_absolute_url())

    # and the year 2025 holds the old visit only
    with on(datetime.date(2026, 11, 16)):
        older = client.get(url, {"year": "2025"}).context["entries"]
    assert [e.url for e in older if e.kind == "visit"] == [record["old_visit"].get_absolute_url()]
    assert not [e for e in older if e.kind in {"finding", "notice"}]
