"""The landing dashboard: each role's figures, all from scoped selectors."""

import pytest
from django.urls import reverse

from dudao.core.testing.factories import SchoolFactory
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.reports.selectors import dashboard_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def user_of(world, who):
    return fresh({"city": world.city_user, "sysadmin": world.sysadmin}.get(who) or world.a.users[who])


@pytest.mark.parametrize(("who", "schools", "is_office"), [
    ("office_admin", 4, True), ("office_staff", 4, True), ("city", 8, True), ("sysadmin", 8, True),
    ("zone_leader", 2, False), ("inspector", 2, False), ("school_liaison", 1, False), ("principal", 1, False),
])
def test_school_count_follows_scope(world, client, who, schools, is_office):
    # given the world's 4 schools per county
    user = user_of(world, who)
    data = dashboard_for(user=user)
    assert data["school_count"] == schools
    assert data["is_office"] is is_office
    # and the page says the same
    client.force_login(user)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert text_by_testid(page, "school-count") == str(schools)


def test_office_figures(world):
    data = dashboard_for(user=user_of(world, "office_admin"))
    assert data["zone_count"] == 2
    assert data["inspector_count"] == 2
    # school 4 has no listed inspector
    assert data["unlisted_count"] == 1
    assert [s.pk for s in data["unlisted_schools"]] == [world.a.schools[3].pk]
    assert data["overloaded"] == [] and data["zones_over_limit"] == []


def test_inactive_school_is_not_counted(world):
    SchoolFactory(region=world.a.region, is_active=False)
    assert dashboard_for(user=user_of(world, "office_admin"))["school_count"] == 4


def test_inspector_sees_own_schools_with_their_inspector(world, client):
    user = user_of(world, "inspector")
    data = dashboard_for(user=user)
    assert {(s.pk, listing.inspector_id) for s, listing in data["my_schools"]} == {
        (world.a.schools[i].pk, world.a.inspectors[0].pk) for i in (0, 2)
    }
    assert data["is_inspector"] is True
    client.force_login(user)
    table = text_by_testid(client.get(reverse("reports:dashboard")).content.decode(), "my-schools")
    assert world.a.schools[0].name in table and world.a.schools[1].name not in table


def test_zone_leader_sees_their_zone(world):
    data = dashboard_for(user=user_of(world, "zone_leader"))
    assert [z.pk for z in data["zones"]] == [world.a.zones[0].pk]


def test_signed_out_visitor_is_sent_to_login(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_office_with_many_zones_sees_the_least_visited_first_and_the_rest_linked(world, client, monkeypatch):
    from django.utils import timezone

    from dudao.inspections.tests.visit_fixtures import record_visit

    # given an office with more zones than the dashboard lists, and a visit this month in the first zone only
    monkeypatch.setattr("dudao.reports.selectors.DASHBOARD_ZONES", 1)
    record_visit(user_of(world, "inspector"), world.a.schools[0], submit=True, date=timezone.localdate().replace(day=1))
    client.force_login(user_of(world, "office_admin"))
    page = client.get(reverse("reports:dashboard")).content.decode()
    # then the coverage card lists the zone with no visit yet, and says where the other one is
    drill = text_by_testid(page, "drill-down")
    assert world.a.zones[1].name in drill and world.a.zones[0].name not in drill
    assert "其余 1 个责任区见督导覆盖页面" in text_by_testid(page, "coverage-zones-more")
    # and the zone card lists one zone and links to all of them
    assert "另有 1 个责任区" in text_by_testid(page, "zones-more")
    assert 'href="/organizations/zones/"' in page


def test_a_city_office_sees_coverage_per_county_linked_to_the_county_s_coverage(world, client):
    from django.utils import timezone

    from dudao.inspections.tests.visit_fixtures import record_visit

    # given a visit this month at a school of county A
    record_visit(user_of(world, "inspector"), world.a.schools[0], submit=True, date=timezone.localdate().replace(day=1))
    client.force_login(user_of(world, "city"))
    page = client.get(reverse("reports:dashboard")).content.decode()
    # then the coverage card has a line per county, each linked to that county's coverage
    drill = text_by_testid(page, "drill-down")
    assert f"{world.city.name}下辖地区" in page and world.a.zones[0].name not in drill
    assert page.count('data-testid="dashboard-area"') == 2
    for county, visited in ((world.a, 1), (world.b, 0)):
        assert f'href="/inspections/coverage/?region={county.region.pk}">{county.region.name}</a>' in page
        row = page.split(f">{county.region.name}</a>")[1].split("</tr>")[0]
        assert f"{visited} / 4" in row
