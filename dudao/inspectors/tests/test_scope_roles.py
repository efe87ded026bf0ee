"""School-bound roles see exactly their schools (STYLE §7.7): the inspector the schools listed to
them, the zone leader the schools of their zone, the liaison and the principal their school."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.testing.xlsx import sheet_text
from dudao.inspectors.services import listing_assign
from dudao.organizations.selectors import school_list

pytestmark = pytest.mark.django_db
SURFACES = ["ui_list", "export", "api_list", "selector"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def inspector_with_extra_school(world):
    """The county-A inspector, listed at schools 1 and 3 (zone 1), now also at school 4 (zone 2).

    The extra listing makes the inspector's set differ from the zone leader's.
    """
    listing_assign(actor=fresh(world.a.users["office_admin"]), school_id=world.a.schools[3].pk,
                   inspector_id=world.a.inspectors[0].pk)
    return world


def school_codes(surface, client, user, world) -> set[str]:
    """The codes of the world's schools (both counties) that a surface shows to ``user``."""
    codes = [s.code for county in (world.a, world.b) for s in county.schools]
    client.force_login(user)
    if surface == "ui_list":
        response = client.get(reverse("organizations:school_list"))
        assert response.status_code == 200
        return {code for code in codes if code in response.content.decode()}
    if surface == "export":
        response = client.get(reverse("organizations:school_list") + "?export=xlsx")
        assert response.status_code == 200
        text = sheet_text(response.content)
        return {code for code in codes if code in text}
    if surface == "api_list":
        response = client.get(reverse("api:organizations-school-list") + "?page_size=500")
        assert response.status_code == 200
        return {item["code"] for item in response.json()["results"]}
    if surface == "selector":
        return {s.code for s in school_list(user=user)}
    raise ValueError(surface)


def codes_of(county, *indexes) -> set[str]:
    return {county.schools[i].code for i in indexes}


@pytest.mark.parametrize("surface", SURFACES)
def test_inspector_sees_exactly_listed_schools(inspector_with_extra_school, client, surface):
    world = inspector_with_extra_school
    user = fresh(world.a.users["inspector"])
    assert school_codes(surface, client, user, world) == codes_of(world.a, 0, 2, 3)


@pytest.mark.parametrize("surface", SURFACES)
def test_zone_leader_sees_exactly_zone_schools(inspector_with_extra_school, client, surface):
    world = inspector_with_extra_school
    user = fresh(world.a.users["zone_leader"])
    # zone 1 holds schools 1 and 3; the inspector's extra school 4 lies in zone 2
    assert school_codes(surface, client, user, world) == codes_of(world.a, 0, 2)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(("role", "index"), [("school_liaison", 0), ("principal", 1)])
def test_school_user_sees_exactly_own_school(world, client, surface, role, index):
    user = fresh(world.a.users[role])
    assert school_codes(surface, client, user, world) == codes_of(world.a, index)


def test_ended_listing_no_longer_opens_the_school(world, client):
    """Scope follows today's listings: a school re-listed to someone else drops out."""
    # given school 3 re-listed to the second inspector since yesterday
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    listing_assign(actor=fresh(world.a.users["office_admin"]), school_id=world.a.schools[2].pk,
                   inspector_id=world.a.inspectors[1].pk, on=yesterday)
    user = fresh(world.a.users["inspector"])

    # then the first inspector's user keeps only school 1, and school 3 answers 404
    assert school_codes("api_list", client, user, world) == codes_of(world.a, 0)
    assert client.get(reverse("organizations:school_detail", args=[world.a.schools[2].pk])).status_code == 404


def test_zone_move_changes_the_zone_leaders_schools(world, client):
    from dudao.organizations.services import zone_assign_school

    # given school 2 moved into zone 1 today
    zone_assign_school(actor=fresh(world.a.users["office_admin"]), school_id=world.a.schools[1].pk,
                       zone_id=world.a.zones[0].pk)
    user = fresh(world.a.users["zone_leader"])

    # then the zone leader sees it from today
    assert school_codes("selector", client, user, world) == codes_of(world.a, 0, 1, 2)
