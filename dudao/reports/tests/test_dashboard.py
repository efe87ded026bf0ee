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
