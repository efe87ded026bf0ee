"""``scope_for``: the one place where roles become rows; and the role backend's capabilities."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from dudao.accounts.models import Membership, Role
from dudao.accounts.roles import ROLE_PERMISSIONS
from dudao.accounts.scope import scope_for
from dudao.core.testing.factories import PASSWORD, UserFactory, make_user
from dudao.core.testing.world import fresh, world_rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def test_office_roles_reach_the_office_region(world):
    scope = scope_for(fresh(world.a.users["office_admin"]))
    assert scope.office_paths == (world.a.region.path,)
    assert not scope.unrestricted and scope.is_office
    assert scope.school_ids == frozenset()


def test_city_office_path_covers_its_counties(world):
    # given the city administrator also holding a role in county A
    user = fresh(world.city_user)
    Membership.objects.create(user=user, role=Role.OFFICE_STAFF, office=world.a.office,
                              valid_from=datetime.date(2020, 1, 1))
    # then the county path, lying inside the city's, is dropped
    assert scope_for(fresh(user)).office_paths == (world.city.path,)


@pytest.mark.parametrize(("role", "indexes"), [
    ("zone_leader", {0, 2}), ("inspector", {0, 2}), ("school_liaison", {0}), ("principal", {1}),
])
def test_school_bound_roles_reach_their_schools(world, role, indexes):
    scope = scope_for(fresh(world.a.users[role]))
    assert scope.school_ids == {world.a.schools[i].pk for i in indexes}
    assert scope.office_paths == ()
    assert scope.reference_paths == (world.a.region.path,)  # regions, zones, inspectors: read-only
    assert not scope.is_office


def test_ended_membership_gives_nothing(world):
    user = fresh(world.a.users["office_staff"])
    Membership.objects.filter(user=user).update(valid_to=timezone.localdate() - datetime.timedelta(days=1))
    scope = scope_for(fresh(user))
    assert scope.office_paths == () and scope.roles == frozenset()
    assert not fresh(user).has_perm("organizations.view_school")


def test_future_membership_gives_nothing_yet(world):
    user = fresh(world.a.users["office_staff"])
    Membership.objects.filter(user=user).update(valid_from=timezone.localdate() + datetime.timedelta(days=1))
    assert scope_for(fresh(user)).office_paths == ()


def test_inactive_user_has_no_scope_and_no_permission(world):
    user = fresh(world.a.users["office_admin"])
    user.is_active = False
    assert scope_for(user).office_paths == ()
    assert not user.has_perm("organizations.view_school")


def test_superuser_and_sysadmin_are_unrestricted(world):
    assert scope_for(fresh(world.sysadmin)).unrestricted
    superuser = UserFactory(username="root", is_superuser=True)
    assert scope_for(superuser).unrestricted
    assert superuser.has_perm("anything.at_all")


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSADMIN])
def test_backend_grants_exactly_the_role_table(world, role):
    user = make_user(f"perm_{role}", role, office=world.a.office, zone=world.a.zones[0], school=world.a.schools[0],
                     department=world.a.departments[0])
    granted = ROLE_PERMISSIONS[role]
    assert all(user.has_perm(p) for p in granted)
    for probe in ("organizations.delete_school", "audit.view_auditevent", "inspectors.change_inspector"):
        assert user.has_perm(probe) == (probe in granted), probe


def test_scope_is_cached_until_refreshed(world):
    user = fresh(world.a.users["office_staff"])
    assert user.scope.office_paths == (world.a.region.path,)
    Membership.objects.filter(user=user).delete()
    assert user.scope.office_paths == (world.a.region.path,)  # one request, one scope
    user.refresh_scope()
    assert user.scope.office_paths == ()


def test_login_with_password(world, client):
    response = client.post("/accounts/login/", {"username": "a_office_admin", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_login_with_wrong_password(world, client):
    response = client.post("/accounts/login/", {"username": "a_office_admin", "password": "wrong"})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def _tasks_sql(user) -> str:
    return str(apps.get_model("plans", "Task").objects.for_user(fresh(user)).query)


def test_rules_ored_together_read_the_few_ids_as_an_array_and_a_rule_alone_stays_a_join(world):
    # given a county office's tasks (the office's, or the user's own as an inspector: two rules
    # ORed) and an inspector's (their own: one rule)
    office, inspector = _tasks_sql(world.a.users["office_admin"]), _tasks_sql(world.a.users["inspector"])
    # then on PostgreSQL the ORed rules ask the office and inspector ids as arrays, which keeps each
    # side an index condition; the single rule stays a subquery PostgreSQL can join; other databases
    # get IN (SELECT …) for both
    if connection.vendor == "postgresql":
        assert office.count("= ANY(ARRAY(SELECT") == 2
        assert "ANY(ARRAY" not in inspector and "IN (SELECT" in inspector
    else:
        assert "ANY(ARRAY" not in office + inspector
        assert office.count("IN (SELECT") == 2


def test_an_array_of_ids_reaches_the_rows_a_subquery_does(world):
    # given the schools of county A's region subtree asked both ways
    School, Region = apps.get_model("organizations", "School"), apps.get_model("organizations", "Region")
    regions = Region.objects.filter(path__startswith=world.a.region.path).values("pk")
    as_array = set(School.objects.filter(region_id__in_array=regions).values_list("pk", flat=True))
    as_subquery = set(School.objects.filter(region_id__in=regions).values_list("pk", flat=True))
    # then they are the same rows: county A's, none of county B's
    assert as_array == as_subquery == {s.pk for s in world.a.schools}
    # and an empty subquery reaches nothing
    assert not School.objects.filter(region_id__in_array=regions.none()).exists()


def _scoped_models():
    from dudao.core.scope import ScopedQuerySet

    return [m for m in apps.get_models() if isinstance(m._default_manager.all(), ScopedQuerySet)]


def test_an_office_over_every_region_reaches_the_same_rows_without_comparing_paths(world, monkeypatch):
    from dudao.accounts.scope import Scope
    from dudao.core.testing.factories import OfficeFactory, RegionFactory

    # given the province's office, whose province is the only region at the top
    office = OfficeFactory(region=world.province, name="示范省人民政府教育督导室")
    province = make_user("province_office_admin", "office_admin", office=office)
    assert scope_for(fresh(province)).everywhere and not scope_for(fresh(world.city_user)).everywhere
    # then it reaches, for reading and for writing, the rows a comparison of paths reaches
    School = apps.get_model("organizations", "School")
    assert "LIKE" not in str(School.objects.for_user(fresh(province)).query).upper()
    reached = {(m._meta.label, action): set(m._default_manager.for_user(fresh(province), action).values_list("pk", flat=True))
               for m in _scoped_models() for action in ("view", "change")}
    monkeypatch.setattr(Scope, "everywhere", property(lambda self: False))
    compared = {(m._meta.label, action): set(m._default_manager.for_user(fresh(province), action).values_list("pk", flat=True))
                for m in _scoped_models() for action in ("view", "change")}
    assert reached == compared
    assert reached[("organizations.School", "view")] == set(School.objects.values_list("pk", flat=True))
    monkeypatch.undo()
    # and once a second province is added, the office no longer covers everything
    RegionFactory(code="37", name="另一省", level=1)
    assert not scope_for(fresh(province)).everywhere
