"""``accounts.access``: the named scope decisions the other apps ask of a user."""

import pytest
from django.contrib.auth.models import AnonymousUser

from dudao.accounts import access
from dudao.accounts.models import Role
from dudao.core.testing.world import fresh, world_rolled_back

pytestmark = pytest.mark.django_db

SCHOOL_BOUND = ("zone_leader", "inspector", "school_liaison", "principal")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def test_office_users_act_for_their_office(world):
    for role in ("office_admin", "office_staff"):
        user = fresh(world.a.users[role])
        assert access.acts_for_office(user)
        assert not access.sees_everything(user)
        assert access.offices_of(user) == {world.a.office.pk}
        assert access.office_regions(user) == (world.a.region.path,)
        assert access.reference_regions(user) == ()
        assert access.schools_of(user) == frozenset() and access.zones_of(user) == frozenset()
        assert access.roles_of(user) == {role}


@pytest.mark.parametrize("role", SCHOOL_BOUND)
def test_school_bound_users_do_not_act_for_an_office(world, role):
    user = fresh(world.a.users[role])
    assert not access.acts_for_office(user) and not access.sees_everything(user)
    # they belong to the office, but administer none of its rows
    assert access.offices_of(user) == {world.a.office.pk}
    assert access.office_regions(user) == ()
    assert access.reference_regions(user) == (world.a.region.path,)
    assert not access.oversees_region(user, world.a.region.path)
    assert not access.owns_region(user, world.a.region.path)


@pytest.mark.parametrize(("role", "indexes"), [
    ("zone_leader", {0, 2}), ("inspector", {0, 2}), ("school_liaison", {0}), ("principal", {1}),
])
def test_schools_of_a_school_bound_user(world, role, indexes):
    assert access.schools_of(fresh(world.a.users[role])) == {world.a.schools[i].pk for i in indexes}


def test_zones_of_the_zone_leader(world):
    assert access.zones_of(fresh(world.a.users["zone_leader"])) == {world.a.zones[0].pk}
    assert access.zones_of(fresh(world.a.users["inspector"])) == frozenset()


def test_the_system_administrator_sees_everything_and_belongs_to_no_office(world):
    user = fresh(world.sysadmin)
    assert access.sees_everything(user) and access.acts_for_office(user)
    assert access.offices_of(user) == frozenset() and access.office_regions(user) == ()
    assert Role.SYSADMIN in access.roles_of(user)
    assert access.oversees_region(user, world.b.region.path)
    assert access.owns_region(user, world.b.region.path)


def test_a_county_office_oversees_its_county_and_not_its_neighbour(world):
    user = fresh(world.a.users["office_admin"])
    assert access.oversees_region(user, world.a.region.path)
    assert access.oversees_region(user, world.a.township.path)
    assert not access.oversees_region(user, world.b.region.path)
    assert not access.oversees_region(user, world.city.path)
    # strictly: below its own region only
    assert not access.oversees_region(user, world.a.region.path, strictly=True)
    assert access.oversees_region(user, world.a.township.path, strictly=True)


def test_a_city_office_oversees_its_counties_but_owns_only_its_own_rows(world):
    user = fresh(world.city_user)
    assert access.oversees_region(user, world.a.region.path) and access.oversees_region(user, world.b.township.path)
    assert access.owns_region(user, world.city.path)
    assert not access.owns_region(user, world.a.region.path)  # the county office's rows
    assert not access.owns_region(user, world.b.township.path)
    county = fresh(world.a.users["office_staff"])
    assert access.owns_region(county, world.a.region.path) and access.owns_region(county, world.a.township.path)
    assert not access.owns_region(county, world.b.region.path)


def test_an_anonymous_user_is_bound_to_nothing():
    user = AnonymousUser()
    assert not access.sees_everything(user) and not access.acts_for_office(user)
    assert access.offices_of(user) == frozenset() and access.schools_of(user) == frozenset()
    assert access.zones_of(user) == frozenset() and access.roles_of(user) == frozenset()
    assert access.office_regions(user) == () and access.reference_regions(user) == ()
    assert not access.oversees_region(user, "36") and not access.owns_region(user, "36")
