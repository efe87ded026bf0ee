"""The demo county's balanced-development statistics, loaded on the two-county world through the
monitoring services: the last two statistics years, imported, the earlier one locked."""

import datetime
import random
import re
import zoneinfo

import pytest
import time_machine

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import SchoolFactory
from dudao.core.testing.world import build_world, fresh
from dudao.demo.balance import load_demo_balance, statistics_years
from dudao.monitoring.models import SchoolReturn, StatisticsYear

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def cv_cells(html: str, stage: str) -> list[str]:
    return re.findall(rf'data-testid="cv-{stage}-[^"]+">([^<]*)<', html)


@pytest.mark.parametrize(("today", "years"), [
    (datetime.date(2026, 12, 5), (2025, 2026)),  # this autumn's statistics are in
    (datetime.date(2026, 3, 10), (2024, 2025)),  # spring: the latest statistics are last autumn's
    (datetime.date(2026, 9, 1), (2025, 2026)),
])
def test_the_statistics_years_are_the_last_two_school_years_started(today, years):
    assert statistics_years(today) == years


def test_demo_office_opens_its_analysis_of_this_and_last_year_with_cv_values(client):
    # given county A with junior secondary, nine-year and village schools besides its four primary schools
    world = build_world()
    a = world.a
    for n, (kind, pupils) in enumerate([("junior", {"enrolment_junior": 900}), ("junior", {"enrolment_junior": 420}),
                                        ("nine_year", {"enrolment_primary": 380, "enrolment_junior": 190}),
                                        ("primary", {"enrolment_primary": 85})]):
        SchoolFactory(code=f"36010109{n:02d}", name=f"甲县学校{n}", kind=kind, region=a.township, **pupils)
    admin = fresh(a.users["office_admin"])
    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=SHANGHAI), tick=False):
        # when the demo's balance statistics are loaded
        previous, current = load_demo_balance(random.Random(7), admin=admin, office=a.office)
        # then the years 2025 (locked, reviewed) and 2026 (open) hold a return per school and stage, imported
        assert (previous.year, previous.status, current.year, current.status) == (2025, "locked", 2026, "open")
        for year in (previous, current):
            assert SchoolReturn.objects.filter(statistics_year=year).count() == 4 + 2 + 2 + 1
            assert SchoolReturn.objects.filter(statistics_year=year, stage="junior").count() == 3
        assert AuditEvent.objects.filter(action="monitoring.statisticsyear.import").count() == 2
        assert AuditEvent.objects.filter(action="monitoring.statisticsyear.lock").count() == 1
        # and the office's analysis of each year shows a CV for every indicator of both levels
        client.force_login(admin)
        for year in (previous, current):
            for method in ("quality-2017", "basic-2012"):
                html = client.get(f"/monitoring/{year.pk}/analysis/?method={method}").content.decode()
                for stage in ("primary", "junior"):
                    cells = cv_cells(html, stage)
                    assert cells and all(re.fullmatch(r"\d\.\d{3}", c.strip()) for c in cells), (year, method, cells)
        # and the trends show both years
        trends = client.get(f"/monitoring/offices/{a.office.pk}/trends/").content.decode()
        assert "2025" in trends and "2026" in trends
    assert StatisticsYear.objects.filter(office=world.b.office).count() == 0
