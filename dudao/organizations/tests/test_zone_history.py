"""A school's zone history is kept: a backdated move splits the current membership or is refused
with its reason, memberships never overlap (PostgreSQL refuses them itself), nothing is deleted."""

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain
from dudao.core.periods import check_no_overlap
from dudao.core.testing.factories import SchoolFactory, ZoneMembershipFactory
from dudao.core.testing.periods import CHANGES, check_sequence
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.organizations.history import exclusion_sql, separate_overlaps
from dudao.organizations.models import Zone, ZoneMembership
from dudao.organizations.services import zone_assign_school

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SEPTEMBER = datetime.date(2025, 9, 1)  # the world's memberships start here
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def history(school):
    return list(ZoneMembership.objects.filter(school=school).order_by("valid_from")
                .values_list("pk", "zone_id", "valid_from", "valid_to"))


def post(client, world, school, body):
    client.force_login(fresh(world.a.users["office_admin"]))
    return client.post(reverse("api:organizations-school-assign-zone", args=[school.pk]), body,
                       content_type="application/json")


def test_api_backdated_move_before_the_current_membership_is_refused_and_deletes_nothing(world, client):
    # given school 1 in zone 1 since September
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    before, events = history(school), AuditEvent.objects.count()
    assert [row[1:] for row in before] == [(zone1.pk, SEPTEMBER, None)]

    # when it is moved to zone 2 from 2000
    response = post(client, world, school, {"zone": zone2.pk, "valid_from": "2000-01-01"})

    # then the move is refused with its reason, in Chinese, and the history is as it was
    assert response.status_code == 400, response.content
    message = response.json()["valid_from"][0]
    assert "2025-09-01" in message and zone1.name in message and "已有" in message
    assert history(school) == before
    assert AuditEvent.objects.count() == events


def test_api_taking_out_then_backdating_leaves_no_overlap(world, client):
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    out = post(client, world, school, {"zone": None, "valid_from": TODAY.isoformat()})
    assert out.status_code in (200, 204), out.content

    again = post(client, world, school, {"zone": zone2.pk, "valid_from": "2000-01-01"})

    assert again.status_code == 400, again.content
    assert [row[1:] for row in history(school)] == [(zone1.pk, SEPTEMBER, TODAY - DAY)]


def test_a_correction_on_the_first_day_keeps_the_row_and_audits_it(world):
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    actor = fresh(world.a.users["office_admin"])
    on = TODAY - 10 * DAY
    moved = zone_assign_school(actor=actor, school_id=school.pk, zone_id=zone2.pk, on=on)
    third = Zone.objects.create(office=world.a.office, name="甲县第3责任区")

    corrected = zone_assign_school(actor=actor, school_id=school.pk, zone_id=third.pk, on=on)

    assert corrected.pk == moved.pk
    assert [row[1:] for row in history(school)] == [(zone1.pk, SEPTEMBER, on - DAY), (third.pk, on, None)]
    event = AuditEvent.objects.get(action="organizations.zonemembership.correct")
    assert event.changes == {"zone": [zone2.name, third.name]}


def test_page_shows_the_refusal_on_the_form(world, client):
    school, zone2 = world.a.schools[0], world.a.zones[1]
    before = history(school)
    client.force_login(fresh(world.a.users["office_admin"]))

    response = client.post(reverse("organizations:school_zone_assign", args=[school.pk]),
                           {"zone": zone2.pk, "valid_from": "2000-01-01", "reason": ""})

    assert response.status_code == 200
    assert "历史记录予以保留" in response.content.decode()
    assert history(school) == before


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=CHANGES)
def test_random_backdated_moves_keep_the_history(world, changes):
    actor = fresh(world.a.users["office_admin"])
    school = SchoolFactory(region=world.a.township)
    values = [*world.a.zones, Zone.objects.get_or_create(office=world.a.office, name="甲县第3责任区")[0]]

    def apply(zone, on):
        zone_assign_school(actor=actor, school_id=school.pk, zone_id=getattr(zone, "pk", None), on=on)

    check_sequence(changes, apply=apply, model=ZoneMembership, school=school, target="zone", values=values)


def test_the_database_refuses_overlapping_memberships(world):
    school, zone2 = world.a.schools[0], world.a.zones[1]
    if connection.vendor == "postgresql":  # the exclusion constraint
        with pytest.raises(IntegrityError), transaction.atomic():
            ZoneMembershipFactory(school=school, zone=zone2, valid_from=SEPTEMBER - DAY, valid_to=SEPTEMBER)
    else:  # SQLite: the services' check, inside their transaction
        ZoneMembershipFactory(school=school, zone=zone2, valid_from=SEPTEMBER - DAY, valid_to=SEPTEMBER)
        with pytest.raises(IntegrityError):
            check_no_overlap(ZoneMembership, school)


def test_the_migration_splits_a_later_membership_around_an_earlier_one(world):
    # given a membership recorded in 2025 and, later, one backdated to 2000 left open by an older version
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    add, drop = exclusion_sql("organizations_zonemembership")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(drop)
    ZoneMembership.objects.filter(school=school).update(valid_to=SEPTEMBER + 29 * DAY)
    ZoneMembershipFactory(school=school, zone=zone2, valid_from=datetime.date(2000, 1, 1))

    assert separate_overlaps(apps, app_label="organizations", model_name="ZoneMembership", target="zone") == 2

    assert [row[1:] for row in history(school)] == [
        (zone2.pk, datetime.date(2000, 1, 1), SEPTEMBER - DAY), (zone1.pk, SEPTEMBER, SEPTEMBER + 29 * DAY),
        (zone2.pk, SEPTEMBER + 30 * DAY, None)]
    assert AuditEvent.objects.filter(action="organizations.zonemembership.separate").count() == 2
    assert verify_chain() == []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(add)
