"""``recipients``: who is told about a school or an office, the same for every app."""

import datetime

import pytest

from dudao.accounts.models import Membership, Role
from dudao.accounts.recipients import office_people, school_contacts, school_inspector_users, zone_leaders
from dudao.core.testing.world import world_rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def test_a_school_s_contacts_listed_inspector_zone_leader_and_office_are_told(world):
    a, school = world.a, world.a.schools[0]
    assert school_contacts(school.pk) == [a.users["school_liaison"]]
    assert school_inspector_users(school.pk) == [a.users["inspector"]]
    assert zone_leaders(school.pk) == [a.users["zone_leader"]]
    assert office_people(a.office) == office_people(a.office.pk) == [a.users["office_admin"], a.users["office_staff"]]
    assert office_people(None) == []
    # nobody of the neighbouring county, and nobody at a school of the other zone
    assert zone_leaders(a.schools[1].pk) == [] and school_contacts(a.schools[2].pk) == []


def test_someone_holding_two_roles_at_a_school_is_told_once(world):
    liaison, school = world.a.users["school_liaison"], world.a.schools[0]
    Membership.objects.create(user=liaison, role=Role.PRINCIPAL, office=world.a.office, school=school,
                              valid_from=datetime.date(2020, 1, 1))
    assert school_contacts(school.pk) == [liaison]


def test_a_deactivated_account_or_an_ended_role_is_not_told(world):
    principal, school = world.a.users["principal"], world.a.schools[1]
    assert school_contacts(school.pk) == [principal]
    assert school_contacts(school.pk, on=datetime.date(2019, 12, 31)) == []
    principal.is_active = False
    principal.save(update_fields=["is_active"])
    assert school_contacts(school.pk) == []
