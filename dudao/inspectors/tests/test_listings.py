"""Listings (挂牌): dated history kept (backdating splits or is refused, nothing deleted, no overlaps), the
API twin, and the schools-per-inspector warning."""

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
from dudao.core.testing.factories import InspectorFactory, ListingFactory, SchoolFactory
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.periods import CHANGES, check_overlap_refused, check_sequence
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.services import inspector_dismiss, inspector_suspend, listing_assign
from dudao.organizations.history import exclusion_sql, separate_overlaps

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SEPTEMBER = datetime.date(2025, 9, 1)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def history(school):
    return list(Listing.objects.filter(school=school).order_by("valid_from")
                .values_list("inspector_id", "valid_from", "valid_to"))


def test_relisting_ends_previous_listing_the_day_before(world):
    # given school 1 listed to inspector 1 since September
    school, (first, second) = world.a.schools[0], world.a.inspectors
    on = TODAY - datetime.timedelta(days=7)

    # when inspector 2 is listed there from ``on``
    listing = listing_assign(actor=fresh(world.a.users["office_admin"]), school_id=school.pk,
                             inspector_id=second.pk, on=on, reason="轮岗")

    # then the earlier listing ends the day before; the audit says who replaced whom
    assert history(school) == [(first.pk, SEPTEMBER, on - datetime.timedelta(days=1)), (second.pk, on, None)]
    assert listing.inspector == second
    event = AuditEvent.objects.get(action="inspectors.listing.assign")
    assert event.changes == {"inspector": [first.name, second.name]}
    assert event.reason == "轮岗"


def test_same_day_correction_replaces_the_new_listing(world):
    school, (first, second) = world.a.schools[0], world.a.inspectors
    actor = fresh(world.a.users["office_admin"])
    on = TODAY - datetime.timedelta(days=7)
    third = InspectorFactory(office=world.a.office)
    listing_assign(actor=actor, school_id=school.pk, inspector_id=second.pk, on=on)

    listing_assign(actor=actor, school_id=school.pk, inspector_id=third.pk, on=on)

    assert history(school) == [(first.pk, SEPTEMBER, on - datetime.timedelta(days=1)), (third.pk, on, None)]


def test_ending_a_listing_without_successor(world):
    school, first = world.a.schools[0], world.a.inspectors[0]
    assert listing_assign(actor=fresh(world.a.users["office_admin"]), school_id=school.pk, inspector_id=None,
                          on=TODAY) is None
    assert history(school) == [(first.pk, SEPTEMBER, TODAY - datetime.timedelta(days=1))]


def test_suspended_inspector_cannot_be_listed(world):
    actor = fresh(world.a.users["office_admin"])
    second = world.a.inspectors[1]
    inspector_suspend(actor=actor, inspector_id=second.pk)
    with pytest.raises(ValidationError):
        listing_assign(actor=actor, school_id=world.a.schools[3].pk, inspector_id=second.pk)
    assert history(world.a.schools[3]) == []


def test_inspector_of_another_office_is_refused(world):
    with pytest.raises(ValidationError):
        listing_assign(actor=fresh(world.sysadmin), school_id=world.a.schools[3].pk,
                       inspector_id=world.b.inspectors[0].pk)
    assert history(world.a.schools[3]) == []


def test_city_office_sees_a_county_school_but_does_not_list_at_it(world):
    # the city office watches its counties' listings; the county's office lists its inspectors
    with pytest.raises(PermissionDenied):
        listing_assign(actor=fresh(world.city_user), school_id=world.a.schools[3].pk,
                       inspector_id=world.a.inspectors[1].pk)
    assert history(world.a.schools[3]) == []


def test_inspector_role_may_not_list(world):
    with pytest.raises(PermissionDenied):
        listing_assign(actor=fresh(world.a.users["inspector"]), school_id=world.a.schools[0].pk,
                       inspector_id=world.a.inspectors[1].pk)


# ---- the API twin and the page ---------------------------------------------------------------

ASSIGN = "api:inspectors-listing-assign"


def test_api_relists_school_with_history(world, client):
    school, (first, second) = world.a.schools[0], world.a.inspectors
    on = TODAY - datetime.timedelta(days=2)
    client.force_login(fresh(world.a.users["office_staff"]))

    response = client.post(reverse(ASSIGN), {"school": school.pk, "inspector": second.pk,
                                             "valid_from": on.isoformat()}, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["inspector"] == second.pk
    assert history(school) == [(first.pk, SEPTEMBER, on - datetime.timedelta(days=1)), (second.pk, on, None)]


@pytest.mark.parametrize(("role", "school_of", "inspector_of", "status"), [
    ("office_admin", "b", "a", 404),  # school out of scope
    ("office_admin", "a", "b", 404),  # inspector out of scope
    ("inspector", "a", "a", 403),  # sees the school, may not re-list it
])
def test_api_refusals(world, client, role, school_of, inspector_of, status):
    school = getattr(world, school_of).schools[0]
    inspector = getattr(world, inspector_of).inspectors[1]
    before = history(school)
    client.force_login(fresh(world.a.users[role]))

    response = client.post(reverse(ASSIGN), {"school": school.pk, "inspector": inspector.pk},
                           content_type="application/json")

    assert response.status_code == status
    assert history(school) == before


def test_page_relists_school(world, client):
    school, second = world.a.schools[0], world.a.inspectors[1]
    client.force_login(fresh(world.a.users["office_admin"]))
    response = client.post(reverse("inspectors:school_listing_assign", args=[school.pk]),
                           {"inspector": second.pk, "valid_from": TODAY.isoformat(), "reason": ""})
    assert response.status_code == 302
    assert history(school)[-1] == (second.pk, TODAY, None)


# ---- the ratio warning ------------------------------------------------------------------------

def list_at_schools(world, inspector, count):
    """Lists ``inspector`` at new schools of county A until they hold ``count`` current listings."""
    actor = fresh(world.a.users["office_admin"])
    have = Listing.objects.current().filter(inspector=inspector).count()
    for _ in range(count - have):
        school = SchoolFactory(region=world.a.township)
        listing_assign(actor=actor, school_id=school.pk, inspector_id=inspector.pk, on=SEPTEMBER)


@pytest.mark.parametrize(("count", "warned"), [(5, False), (6, True)])
def test_schools_per_inspector_warning(world, client, count, warned):
    """One responsible inspector for "5所左右学校" (挂牌督导办法 2013 第一条; STANDARDS §0):
    the office's ratio defaults to 5, and an inspector listed at 6 schools is flagged."""
    # given inspector 2 listed at ``count`` schools and the office's default ratio of 5
    inspector = Inspector.objects.get(pk=world.a.inspectors[1].pk)
    assert inspector.office.schools_per_inspector == 5
    list_at_schools(world, inspector, count)
    client.force_login(fresh(world.a.users["office_admin"]))

    # when the inspector list and the dashboard are shown
    list_warning = text_by_testid(client.get(reverse("inspectors:inspector_list")).content.decode(), "ratio-warnings")
    dashboard_warning = text_by_testid(client.get(reverse("reports:dashboard")).content.decode(), "ratio-warnings")

    # then both name the inspector and the count exactly when the ratio is passed
    if warned:
        assert inspector.name in list_warning and "6" in list_warning
        assert inspector.name in dashboard_warning and "6" in dashboard_warning
    else:
        assert list_warning is None
        assert dashboard_warning is None


def test_ratio_is_the_offices_own(world, client):
    # given an office that allows 6 schools per inspector
    office = world.a.office
    office.schools_per_inspector = 6
    office.save(update_fields=["schools_per_inspector"])
    inspector = world.a.inspectors[1]
    list_at_schools(world, inspector, 6)
    client.force_login(fresh(world.a.users["office_admin"]))
    # then 6 schools are within it
    assert text_by_testid(client.get(reverse("inspectors:inspector_list")).content.decode(), "ratio-warnings") is None
    # and a seventh is not
    list_at_schools(world, inspector, 7)
    warning = text_by_testid(client.get(reverse("inspectors:inspector_list")).content.decode(), "ratio-warnings")
    assert inspector.name in warning


def test_ended_listings_do_not_count(world, client):
    # given six listings, one of which ended yesterday
    inspector = world.a.inspectors[1]
    list_at_schools(world, inspector, 6)
    school = Listing.objects.filter(inspector=inspector, valid_to__isnull=True).first().school
    listing_assign(actor=fresh(world.a.users["office_admin"]), school_id=school.pk, inspector_id=None, on=TODAY)
    client.force_login(fresh(world.a.users["office_admin"]))
    # then five current listings do not warn
    assert text_by_testid(client.get(reverse("inspectors:inspector_list")).content.decode(), "ratio-warnings") is None


def test_api_ending_a_listing_without_successor_answers_no_content_as_the_schema_says(world, client):
    school, first = world.a.schools[0], world.a.inspectors[0]
    on = TODAY - datetime.timedelta(days=2)
    client.force_login(fresh(world.a.users["office_staff"]))

    response = client.post(reverse(ASSIGN), {"school": school.pk, "inspector": None, "valid_from": on.isoformat()},
                           content_type="application/json")

    assert response.status_code == 204 and response.content == b""
    assert history(school) == [(first.pk, SEPTEMBER, on - datetime.timedelta(days=1))]
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    answers = schema["paths"]["/api/v1/inspectors/listings/assign/"]["post"]["responses"]
    assert answers["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Listing")
    assert "204" in answers and "content" not in answers["204"]


# ---- history is kept: backdating splits or is refused, nothing is deleted, no overlaps ----------

def rows_of(school):
    return list(Listing.objects.filter(school=school).order_by("valid_from")
                .values_list("pk", "inspector_id", "valid_from", "valid_to"))


def post(client, world, body):
    client.force_login(fresh(world.a.users["office_admin"]))
    return client.post(reverse(ASSIGN), body, content_type="application/json")


def test_api_backdating_before_the_current_listing_is_refused_and_deletes_nothing(world, client):
    # given school 1 listed to inspector 1 since September
    school, (first, second) = world.a.schools[0], world.a.inspectors
    before, events = rows_of(school), AuditEvent.objects.count()
    assert [row[1:] for row in before] == [(first.pk, SEPTEMBER, None)]

    # when inspector 2 is listed there from 2000
    response = post(client, world, {"school": school.pk, "inspector": second.pk, "valid_from": "2000-01-01"})

    # then the change is refused with its reason, in Chinese, and the history is as it was
    assert response.status_code == 400, response.content
    message = response.json()["valid_from"][0]
    assert "2025-09-01" in message and first.name in message and "已有" in message
    assert rows_of(school) == before
    assert AuditEvent.objects.count() == events


def test_api_ending_then_backdating_leaves_no_overlap(world, client):
    school, (first, second) = world.a.schools[0], world.a.inspectors
    ended = post(client, world, {"school": school.pk, "inspector": None, "valid_from": TODAY.isoformat()})
    assert ended.status_code == 204, ended.content

    again = post(client, world, {"school": school.pk, "inspector": second.pk, "valid_from": "2000-01-01"})
    twice = post(client, world, {"school": school.pk, "inspector": None, "valid_from": TODAY.isoformat()})

    assert (again.status_code, twice.status_code) == (400, 400)
    assert [row[1:] for row in rows_of(school)] == [(first.pk, SEPTEMBER, TODAY - DAY)]


def test_backdating_into_a_past_listing_is_refused(world):
    school, second = world.a.schools[0], world.a.inspectors[1]
    actor = fresh(world.a.users["office_admin"])
    listing_assign(actor=actor, school_id=school.pk, inspector_id=second.pk, on=SEPTEMBER + 30 * DAY)
    before = rows_of(school)
    with pytest.raises(Exception, match="2025-09-01") as refused:
        listing_assign(actor=actor, school_id=school.pk, inspector_id=second.pk, on=SEPTEMBER + 10 * DAY)
    assert "valid_from" in refused.value.message_dict
    assert rows_of(school) == before


def test_a_gap_between_two_listings_can_be_filled(world):
    # given a school listed in September, without a listing in October, listed again from November
    school, (first, second) = world.a.schools[0], world.a.inspectors
    actor = fresh(world.a.users["office_admin"])
    october, november = datetime.date(2025, 10, 1), datetime.date(2025, 11, 1)
    listing_assign(actor=actor, school_id=school.pk, inspector_id=None, on=october)
    listing_assign(actor=actor, school_id=school.pk, inspector_id=first.pk, on=november)

    # when inspector 2 is recorded from 10 October
    filled = listing_assign(actor=actor, school_id=school.pk, inspector_id=second.pk, on=october + 9 * DAY)

    # then the listing runs until the day before November's
    assert (filled.valid_from, filled.valid_to) == (october + 9 * DAY, november - DAY)
    assert [row[1:] for row in rows_of(school)] == [
        (first.pk, SEPTEMBER, october - DAY), (second.pk, october + 9 * DAY, november - DAY), (first.pk, november, None)]


def test_a_correction_on_the_first_day_keeps_the_row_and_audits_it(world):
    school, second = world.a.schools[0], world.a.inspectors[1]
    actor = fresh(world.a.users["office_admin"])
    on = TODAY - 7 * DAY
    listed = listing_assign(actor=actor, school_id=school.pk, inspector_id=second.pk, on=on)
    third = InspectorFactory(office=world.a.office)

    corrected = listing_assign(actor=actor, school_id=school.pk, inspector_id=third.pk, on=on, reason="录错了")

    assert corrected.pk == listed.pk
    event = AuditEvent.objects.get(action="inspectors.listing.correct")
    assert (event.target_id, event.changes, event.reason) == (str(listed.pk), {"inspector": [second.name, third.name]}, "录错了")
    ended = AuditEvent.objects.get(action="inspectors.listing.end")
    assert ended.changes == {"valid_to": [None, (on - DAY).isoformat()]}


def test_ending_a_listing_on_its_first_day_is_refused(world):
    school, second = world.a.schools[0], world.a.inspectors[1]
    actor = fresh(world.a.users["office_admin"])
    listing_assign(actor=actor, school_id=school.pk, inspector_id=second.pk, on=TODAY)
    before = rows_of(school)
    with pytest.raises(Exception, match="cannot end|不能") as refused:
        listing_assign(actor=actor, school_id=school.pk, inspector_id=None, on=TODAY)
    assert "valid_from" in refused.value.message_dict
    assert rows_of(school) == before


def test_page_shows_the_refusal_on_the_form(world, client):
    school, second = world.a.schools[0], world.a.inspectors[1]
    before = rows_of(school)
    client.force_login(fresh(world.a.users["office_admin"]))

    response = client.post(reverse("inspectors:school_listing_assign", args=[school.pk]),
                           {"inspector": second.pk, "valid_from": "2000-01-01", "reason": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2025-09-01" in page and "历史" in page
    assert rows_of(school) == before


def test_dismissal_ends_the_listings_with_an_audit_record(world):
    first = world.a.inspectors[0]
    listings = list(Listing.objects.filter(inspector=first, valid_to__isnull=True).values_list("pk", flat=True))
    inspector_dismiss(actor=fresh(world.a.users["office_admin"]), inspector_id=first.pk, reason="调离")
    ended = AuditEvent.objects.filter(action="inspectors.listing.end")
    assert sorted(int(e.target_id) for e in ended) == sorted(listings) != []
    assert all(e.changes == {"valid_to": [None, TODAY.isoformat()]} for e in ended)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=CHANGES)
def test_random_backdated_changes_keep_the_history(world, changes):
    actor = fresh(world.a.users["office_admin"])
    school = SchoolFactory(region=world.a.township)
    third = world.a.inspectors[0]
    values = [*world.a.inspectors, third]

    def apply(inspector, on):
        listing_assign(actor=actor, school_id=school.pk, inspector_id=getattr(inspector, "pk", None), on=on)

    check_sequence(changes, apply=apply, model=Listing, school=school, target="inspector", values=values)


def test_the_database_refuses_overlapping_listings(world):
    school, second = world.a.schools[0], world.a.inspectors[1]
    check_overlap_refused(Listing, lambda: ListingFactory(school=school, inspector=second, valid_from=SEPTEMBER + DAY,
                                                          valid_to=SEPTEMBER + DAY))


def without_constraint():
    add, drop = exclusion_sql("inspectors_listing")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(drop)
    return add


def test_the_migration_separates_overlaps_left_by_older_versions_without_deleting(world):
    # given what older versions left: listed from September, ended in October, then "listed" from 2000
    school, (first, second) = world.a.schools[0], world.a.inspectors
    add = without_constraint()
    october = datetime.date(2025, 10, 1)
    Listing.objects.filter(school=school).update(valid_to=october - DAY)
    late = ListingFactory(school=school, inspector=second, valid_from=datetime.date(2000, 1, 1))

    # when the migration runs
    assert separate_overlaps(apps, app_label="inspectors", model_name="Listing", target="inspector") == 2

    # then the listing recorded first keeps its days; the later one keeps the rest, in two rows
    assert [row[1:] for row in rows_of(school)] == [
        (second.pk, datetime.date(2000, 1, 1), SEPTEMBER - DAY), (first.pk, SEPTEMBER, october - DAY),
        (second.pk, october, None)]
    assert late.pk in {row[0] for row in rows_of(school)}
    events = AuditEvent.objects.filter(action="inspectors.listing.separate").order_by("seq")
    assert [e.changes["valid_to"] for e in events] == [[None, (SEPTEMBER - DAY).isoformat()], [None, None]]
    assert verify_chain() == []
    # and PostgreSQL accepts the constraint on the separated history
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(add)
    assert separate_overlaps(apps, app_label="inspectors", model_name="Listing", target="inspector") == 0


def test_the_migration_refuses_a_listing_it_could_only_delete(world):
    school, second = world.a.schools[0], world.a.inspectors[1]
    without_constraint()
    inside = ListingFactory(school=school, inspector=second, valid_from=SEPTEMBER + DAY, valid_to=SEPTEMBER + 9 * DAY)
    with pytest.raises(RuntimeError, match=f"inspectors.Listing {inside.pk} of school {school.pk}"):
        separate_overlaps(apps, app_label="inspectors", model_name="Listing", target="inspector")


def test_overloaded_inspectors_are_those_over_their_own_office_s_ratio(world):
    from dudao.inspectors.selectors import overloaded_inspectors

    # given county A's office allowing one school per inspector and county B's two; inspector A1 is
    # listed at two schools, B1 at two as well
    world.a.office.schools_per_inspector, world.b.office.schools_per_inspector = 1, 2
    world.a.office.save(update_fields=["schools_per_inspector"])
    world.b.office.save(update_fields=["schools_per_inspector"])
    # then the city sees only A1 overloaded, with its count; county B sees nobody
    found = overloaded_inspectors(user=fresh(world.city_user))
    assert [(i.pk, i.school_count) for i in found] == [(world.a.inspectors[0].pk, 2)]
    assert overloaded_inspectors(user=fresh(world.b.users["office_admin"])) == []
