"""Findings and notices per region: above a county a line per city or county, each as that county's
office counts itself, leading down to its zones; from a county down a line per zone, leading to the
lists; the page and its API twin, a constant number of queries whatever the counties."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from dudao.core.testing.factories import RegionFactory, SchoolFactory
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import fresh
from dudao.inspections.models import FindingMonth, NoticeCount
from dudao.inspections.selectors.rectifications import PROBLEM_COUNTS, problems_by_region
from dudao.inspections.services.findings import finding_record
from dudao.inspections.tests.rectification_fixtures import issue_notice, notice_in, other_zone_inspector, user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 16)
YEAR = TODAY.year


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
                             tick=False):
        yield


@pytest.fixture
def problems(world):
    """County A, zone 1 (schools 0 and 2): a notice overdue since 1 April, one awaiting re-check, one
    closed; zone 2 (school 1): a finding of this year and one of last year, with no notice. County
    B: one open notice, not yet due."""
    issue_notice(world, issued_on=datetime.date(YEAR, 3, 2), deadline=datetime.date(YEAR, 4, 1))
    notice_in(world, "submitted", issued_on=datetime.date(YEAR, 10, 8), deadline=datetime.date(YEAR, 12, 1))
    notice_in(world, "closed", issued_on=datetime.date(YEAR, 5, 6), deadline=datetime.date(YEAR, 6, 1))
    inspector = other_zone_inspector(world)
    for found_on in (datetime.date(YEAR, 9, 9), datetime.date(YEAR - 1, 12, 30)):
        finding_record(actor=inspector, school_id=world.a.schools[1].pk, description="消防通道堆放杂物",
                       found_on=found_on)
    issue_notice(world, county="b", issued_on=datetime.date(YEAR, 11, 2), deadline=datetime.date(YEAR, 12, 2))


def line(**counts) -> dict:
    return dict.fromkeys(PROBLEM_COUNTS, 0) | counts


def test_a_county_reads_a_line_per_zone(world, problems):
    data = problems_by_region(user=user(world, "office_admin"), year=YEAR)
    zone1, zone2 = world.a.zones
    assert data["areas"] == []
    assert data["zones"] == [
        {"id": zone1.pk, "name": zone1.name, "closed_rate": 33.3} | line(
            findings=3, notices=3, open=2, overdue=1, awaiting_recheck=1, closed=1),
        {"id": zone2.pk, "name": zone2.name, "closed_rate": None} | line(findings=1),
    ]
    assert data["total"] == {"closed_rate": 33.3} | line(findings=4, notices=3, open=2, overdue=1,
                                                            awaiting_recheck=1, closed=1)
    # last year's finding counts in last year; the notices stand as they do today
    last_year = problems_by_region(user=user(world, "office_admin"), year=YEAR - 1)
    assert last_year["total"] == {"closed_rate": 33.3} | line(findings=1, notices=3, open=2, overdue=1,
                                                                 awaiting_recheck=1, closed=1)


def test_the_zone_leader_reads_only_the_zone(world, problems):
    data = problems_by_region(user=user(world, "zone_leader"), year=YEAR)
    assert [row["id"] for row in data["zones"]] == [world.a.zones[0].pk]
    assert data["total"]["findings"] == 3


def test_a_city_reads_a_line_per_county_each_as_the_county_counts_itself(world, problems, client):
    client.force_login(fresh(world.city_user))
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert f'href="{reverse("inspections:problems_by_region")}" data-testid="problems-link"' in dashboard
    response = client.get(reverse("inspections:problems_by_region"), {"year": YEAR})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="area-problems"' in html and html.count("data-region=") == 2
    areas = {row["id"]: row for row in response.context["data"]["areas"]}
    for county in (world.a, world.b):
        own = problems_by_region(user=user(world, "office_admin", county.key), year=YEAR)["total"]
        assert {k: areas[county.region.pk][k] for k in own} == own
        assert f'?year={YEAR}&amp;region={county.region.pk}">{county.region.name}</a>' in html
    assert response.context["chart"]["xAxis"]["data"] == [world.a.region.name, world.b.region.name]
    assert response.context["data"]["total"]["open"] == 3

    # drilling down to county A: its zones, each leading to its lists, and the way back up
    html = client.get(reverse("inspections:problems_by_region"), {"year": YEAR, "region": world.a.region.pk}
                      ).content.decode()
    zone = world.a.zones[0].pk
    assert f'data-zone="{zone}"' in html and "data-region=" not in html
    assert f'{reverse("inspections:rectification_list")}?zone={zone}&amp;overdue=yes">1</a>' in html
    assert f"?zone={zone}&amp;found_after={YEAR}-01-01&amp;found_before={YEAR}-12-31" in html
    assert f'region={world.city.pk}">{world.city.name}</a>' in html and 'data-testid="problems-trail"' in html

    # a region out of sight shows the top of what it sees; a year out of range, this year
    response = client.get(reverse("inspections:problems_by_region"), {"year": "3000", "region": 10**30})
    assert {row["id"] for row in response.context["data"]["areas"]} == set(areas)
    assert response.context["year"] == YEAR


def test_the_link_lists_agree_with_the_counts(world, problems, client):
    office = user(world, "office_admin")
    client.force_login(office)
    zone = world.a.zones[0].pk
    listed = client.get(reverse("inspections:rectification_list"), {"zone": zone, "overdue": "yes"}).context
    assert listed["page_obj"].paginator.count == 1
    found = client.get(reverse("inspections:finding_list"),
                       {"zone": zone, "found_after": f"{YEAR}-01-01", "found_before": f"{YEAR}-12-31"}).context
    assert found["page_obj"].paginator.count == 3


def test_the_api_counts_as_the_page_and_refuses_what_it_cannot_read(world, problems, client):
    client.force_login(fresh(world.city_user))
    url = reverse("api:inspections-rectification-by-region")
    body = client.get(url, {"year": YEAR}).json()
    assert {row["id"] for row in body["areas"]} == {world.a.region.pk, world.b.region.pk} and body["zones"] == []
    assert body["total"]["open"] == 3 and body["year"] == YEAR and body["on"] == TODAY.isoformat()
    body = client.get(url, {"year": YEAR, "region": world.a.region.pk}).json()
    assert body["areas"] == [] and [row["id"] for row in body["zones"]] == [z.pk for z in world.a.zones]

    client.force_login(user(world, "office_admin"))
    for region in (world.b.region.pk, "x", 10**30):
        response = client.get(url, {"region": region})
        assert response.status_code == 400 and "region" in response.json()
    for year in ("1999", "二〇二六", "-1"):
        response = client.get(url, {"year": year})
        assert response.status_code == 400 and "year" in response.json()


def test_a_citys_counts_run_constant_queries_whatever_its_counties(world, client):
    client.force_login(fresh(world.city_user))

    def grow(k):
        for i in range(k):
            county = RegionFactory(level=3, parent=world.city, code=f"3601{50 + i + grow.made:02d}")
            school = SchoolFactory(region=county)
            FindingMonth.objects.create(school=school, month=datetime.date(YEAR, 3, 1), item_key=0, findings=2)
            NoticeCount.objects.create(school=school, status="issued", deadline=datetime.date(YEAR, 4, 1), notices=1)
        grow.made += k
    grow.made = 0

    def fetch():
        response = client.get(reverse("inspections:problems_by_region"), {"year": YEAR})
        assert response.status_code == 200
        assert response.context["data"]["total"]["overdue"] == grow.made

    assert_constant_queries(fetch, grow, n=2, m=12)
