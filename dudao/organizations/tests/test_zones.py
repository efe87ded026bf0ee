"""Zones (督学责任区): dated membership history kept (backdating splits or is refused, nothing deleted, no
overlaps), the API twin, and the zone-size warning."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain
from dudao.core.testing.factories import SchoolFactory, ZoneMembershipFactory
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.periods import CHANGES, check_overlap_refused, check_sequence
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.organizations.history import exclusion_sql, separate_overlaps
from dudao.organizations.models import Zone, ZoneMembership
from dudao.organizations.services import zone_assign_school

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SEPTEMBER = datetime.date(2025, 9, 1)  # the world's memberships start here


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def history(school):
    return list(ZoneMembership.objects.filter(school=school).order_by("valid_from")
                .values_list("zone_id", "valid_from", "valid_to"))


# ---- dated history ---------------------------------------------------------------------------

def test_move_ends_previous_membership_the_day_before(world):
    # given school 1 in zone 1 since September
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    on = TODAY - datetime.timedelta(days=10)

    # when it moves to zone 2 from ``on``
    membership = zone_assign_school(actor=fresh(world.a.users["office_admin"]), school_id=school.pk,
                                    zone_id=zone2.pk, on=on, reason="区划调整")

    # then the old membership ends the day before and the new one is open
    assert history(school) == [(zone1.pk, SEPTEMBER, on - datetime.timedelta(days=1)), (zone2.pk, on, None)]
    assert membership.zone == zone2
    event = AuditEvent.objects.get(action="organizations.zonemembership.move")
    assert event.changes == {"zone": [zone1.name, zone2.name]}
    assert event.reason == "区划调整"


def test_same_day_correction_replaces_the_new_membership(world):
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    actor = fresh(world.a.users["office_admin"])
    on = TODAY - datetime.timedelta(days=10)
    zone_assign_school(actor=actor, school_id=school.pk, zone_id=zone2.pk, on=on)
    third = Zone.objects.create(office=world.a.office, name="甲县第3责任区")

    # when the move is corrected on the same day
    zone_assign_school(actor=actor, school_id=school.pk, zone_id=third.pk, on=on)

    # then no empty one-day period is left behind
    assert history(school) == [(zone1.pk, SEPTEMBER, on - datetime.timedelta(days=1)), (third.pk, on, None)]


def test_assigning_the_current_zone_changes_nothing(world):
    school, zone1 = world.a.schools[0], world.a.zones[0]
    before = AuditEvent.objects.count()
    zone_assign_school(actor=fresh(world.a.users["office_admin"]), school_id=school.pk, zone_id=zone1.pk)
    assert history(school) == [(zone1.pk, SEPTEMBER, None)]
    assert AuditEvent.objects.count() == before


def test_taking_a_school_out_of_every_zone(world):
    school, zone1 = world.a.schools[0], world.a.zones[0]
    result = zone_assign_school(actor=fresh(world.a.users["office_admin"]), school_id=school.pk, zone_id=None, on=TODAY)
    assert result is None
    assert history(school) == [(zone1.pk, SEPTEMBER, TODAY - datetime.timedelta(days=1))]


def test_zone_of_another_office_is_refused(world):
    # a county-B zone cannot take a county-A school, even for the system administrator
    with pytest.raises(ValidationError):
        zone_assign_school(actor=fresh(world.sysadmin), school_id=world.a.schools[0].pk, zone_id=world.b.zones[0].pk)
    assert history(world.a.schools[0])[-1][2] is None


def test_city_office_sees_a_county_school_but_does_not_move_it(world):
    # the city office watches its counties' schools; the county's office draws its zones
    before = history(world.a.schools[0])
    with pytest.raises(PermissionDenied):
        zone_assign_school(actor=fresh(world.city_user), school_id=world.a.schools[0].pk, zone_id=world.a.zones[1].pk)
    assert history(world.a.schools[0]) == before


def test_zone_out_of_scope_is_not_found(world):
    with pytest.raises(Zone.DoesNotExist):
        zone_assign_school(actor=fresh(world.a.users["office_admin"]), school_id=world.a.schools[0].pk,
                           zone_id=world.b.zones[0].pk)


def test_zone_leader_may_not_move_schools(world):
    with pytest.raises(PermissionDenied):
        zone_assign_school(actor=fresh(world.a.users["zone_leader"]), school_id=world.a.schools[0].pk,
                           zone_id=world.a.zones[1].pk)


# ---- the API twin and the page ---------------------------------------------------------------

def assign_zone_url(school):
    return reverse("api:organizations-school-assign-zone", args=[school.pk])


def test_api_moves_school_with_history(world, client):
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    on = TODAY - datetime.timedelta(days=3)
    client.force_login(fresh(world.a.users["office_staff"]))

    response = client.post(assign_zone_url(school), {"zone": zone2.pk, "valid_from": on.isoformat(), "reason": "API"},
                           content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["zone"] == zone2.pk
    assert response.json()["valid_from"] == on.isoformat()
    assert history(school) == [(zone1.pk, SEPTEMBER, on - datetime.timedelta(days=1)), (zone2.pk, on, None)]


@pytest.mark.parametrize(("who", "school_of", "zone_of", "status"), [
    ("a_office_admin", "b", "b", 404),  # school out of scope
    ("a_office_admin", "a", "b", 404),  # zone out of scope
    ("a_zone_leader", "a", "a", 403),  # may see the school, may not move it
])
def test_api_refusals(world, client, who, school_of, zone_of, status):
    user = fresh(world.a.users[who.removeprefix("a_")])
    school, zone = getattr(world, school_of).schools[0], getattr(world, zone_of).zones[1]
    before = history(school)
    client.force_login(user)

    response = client.post(assign_zone_url(school), {"zone": zone.pk}, content_type="application/json")

    assert response.status_code == status
    assert history(school) == before


@pytest.mark.parametrize("role", ["office_admin", "office_staff"])
def test_page_moves_school(world, client, role):
    """Office staff hold the zone-membership permissions, so they move schools too."""
    school, zone2 = world.a.schools[0], world.a.zones[1]
    client.force_login(fresh(world.a.users[role]))
    response = client.post(reverse("organizations:school_zone_assign", args=[school.pk]),
                           {"zone": zone2.pk, "valid_from": TODAY.isoformat(), "reason": ""})
    assert response.status_code == 302
    assert history(school)[-1] == (zone2.pk, TODAY, None)


# ---- the zone-size warning --------------------------------------------------------------------

def fill_zone(world, zone, count):
    """Puts schools into ``zone`` until it holds ``count`` current schools."""
    have = ZoneMembership.objects.current().filter(zone=zone).count()
    for _ in range(count - have):
        ZoneMembershipFactory(zone=zone, school=SchoolFactory(region=world.a.township), valid_from=SEPTEMBER)


@pytest.mark.parametrize(("count", "warned"), [(20, False), (21, True)])
def test_zone_size_warning(world, client, count, warned):
    """A zone holds "一般应控制在20所以内" (教督〔2012〕7号; STANDARDS §0): 21 schools warn, 20 do not."""
    # given zone 1 with ``count`` schools and the office's default limit of 20
    zone = world.a.zones[0]
    assert zone.office.schools_per_zone == 20
    fill_zone(world, zone, count)
    client.force_login(fresh(world.a.users["office_admin"]))

    # when the zone list and the dashboard are shown
    zone_page = client.get(reverse("organizations:zone_list")).content.decode()
    dashboard = client.get(reverse("reports:dashboard")).content.decode()

    # then both warn exactly when the zone passes the limit, naming the zone and its count
    zone_warning = text_by_testid(zone_page, "zone-warnings")
    dashboard_warning = text_by_testid(dashboard, "ratio-warnings")
    if warned:
        assert zone.name in zone_warning and "21" in zone_warning
        assert zone.name in dashboard_warning and "21" in dashboard_warning
    else:
        assert zone_warning is None
        assert dashboard_warning is None or zone.name not in dashboard_warning


def test_zone_limit_is_the_offices_own(world, client):
    # given an office that sets its own, lower limit
    office = world.a.office
    office.schools_per_zone = 2
    office.save(update_fields=["schools_per_zone"])
    client.force_login(fresh(world.a.users["office_admin"]))
    # then its zone of two schools does not warn, a third school does
    assert text_by_testid(client.get(reverse("organizations:zone_list")).content.decode(), "zone-warnings") is None
    fill_zone(world, world.a.zones[0], 3)
    warning = text_by_testid(client.get(reverse("organizations:zone_list")).content.decode(), "zone-warnings")
    assert world.a.zones[0].name in warning


# ---- history is kept: backdating splits or is refused, nothing is deleted, no overlaps ----------

def rows_of(school):
    return list(ZoneMembership.objects.filter(school=school).order_by("valid_from")
                .values_list("pk", "zone_id", "valid_from", "valid_to"))


def post(client, world, school, body):
    client.force_login(fresh(world.a.users["office_admin"]))
    return client.post(reverse("api:organizations-school-assign-zone", args=[school.pk]), body,
                       content_type="application/json")


def test_api_backdated_move_before_the_current_membership_is_refused_and_deletes_nothing(world, client):
    # given school 1 in zone 1 since September
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    before, events = rows_of(school), AuditEvent.objects.count()
    assert [row[1:] for row in before] == [(zone1.pk, SEPTEMBER, None)]

    # when it is moved to zone 2 from 2000
    response = post(client, world, school, {"zone": zone2.pk, "valid_from": "2000-01-01"})

    # then the move is refused with its reason, in Chinese, and the history is as it was
    assert response.status_code == 400, response.content
    message = response.json()["valid_from"][0]
    assert "2025-09-01" in message and zone1.name in message and "已有" in message
    assert rows_of(school) == before
    assert AuditEvent.objects.count() == events


def test_api_taking_out_then_backdating_leaves_no_overlap(world, client):
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    out = post(client, world, school, {"zone": None, "valid_from": TODAY.isoformat()})
    assert out.status_code == 204, out.content

    again = post(client, world, school, {"zone": zone2.pk, "valid_from": "2000-01-01"})

    assert again.status_code == 400, again.content
    assert [row[1:] for row in rows_of(school)] == [(zone1.pk, SEPTEMBER, TODAY - DAY)]


def test_a_correction_on_the_first_day_keeps_the_row_and_audits_it(world):
    school, (zone1, zone2) = world.a.schools[0], world.a.zones
    actor = fresh(world.a.users["office_admin"])
    on = TODAY - 10 * DAY
    moved = zone_assign_school(actor=actor, school_id=school.pk, zone_id=zone2.pk, on=on)
    third = Zone.objects.create(office=world.a.office, name="甲县第3责任区")

    corrected = zone_assign_school(actor=actor, school_id=school.pk, zone_id=third.pk, on=on)

    assert corrected.pk == moved.pk
    assert [row[1:] for row in rows_of(school)] == [(zone1.pk, SEPTEMBER, on - DAY), (third.pk, on, None)]
    event = AuditEvent.objects.get(action="organizations.zonemembership.correct")
    assert event.changes == {"zone": [zone2.name, third.name]}


def test_page_shows_the_refusal_on_the_form(world, client):
    school, zone2 = world.a.schools[0], world.a.zones[1]
    before = rows_of(school)
    client.force_login(fresh(world.a.users["office_admin"]))

    response = client.post(reverse("organizations:school_zone_assign", args=[school.pk]),
                           {"zone": zone2.pk, "valid_from": "2000-01-01", "reason": ""})

    assert response.status_code == 200
    assert "历史记录予以保留" in response.content.decode()
    assert rows_of(school) == before


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
    check_overlap_refused(ZoneMembership, lambda: ZoneMembershipFactory(school=school, zone=zone2, valid_to=SEPTEMBER,
                                                                        valid_from=SEPTEMBER - DAY))


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

    assert [row[1:] for row in rows_of(school)] == [
        (zone2.pk, datetime.date(2000, 1, 1), SEPTEMBER - DAY), (zone1.pk, SEPTEMBER, SEPTEMBER + 29 * DAY),
        (zone2.pk, SEPTEMBER + 30 * DAY, None)]
    assert AuditEvent.objects.filter(action="organizations.zonemembership.separate").count() == 2
    assert verify_chain() == []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(add)
