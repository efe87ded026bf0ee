"""A listing's history is kept: a backdated change splits the current listing or is refused with
its reason, periods never overlap (PostgreSQL refuses them itself) and nothing is deleted."""

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
from dudao.core.testing.factories import InspectorFactory, ListingFactory, SchoolFactory
from dudao.core.testing.periods import CHANGES, check_sequence
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspectors.models import Listing
from dudao.inspectors.services import inspector_dismiss, listing_assign
from dudao.organizations.history import exclusion_sql, separate_overlaps

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SEPTEMBER = datetime.date(2025, 9, 1)  # the world's listings start here
DAY = datetime.timedelta(days=1)
ASSIGN = "api:inspectors-listing-assign"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def history(school):
    return list(Listing.objects.filter(school=school).order_by("valid_from")
                .values_list("pk", "inspector_id", "valid_from", "valid_to"))


def post(client, world, body):
    client.force_login(fresh(world.a.users["office_admin"]))
    return client.post(reverse(ASSIGN), body, content_type="application/json")


def test_api_backdating_before_the_current_listing_is_refused_and_deletes_nothing(world, client):
    # given school 1 listed to inspector 1 since September
    school, (first, second) = world.a.schools[0], world.a.inspectors
    before, events = history(school), AuditEvent.objects.count()
    assert [row[1:] for row in before] == [(first.pk, SEPTEMBER, None)]

    # when inspector 2 is listed there from 2000
    response = post(client, world, {"school": school.pk, "inspector": second.pk, "valid_from": "2000-01-01"})

    # then the change is refused with its reason, in Chinese, and the history is as it was
    assert response.status_code == 400, response.content
    message = response.json()["valid_from"][0]
    assert "2025-09-01" in message and first.name in message and "已有" in message
    assert history(school) == before
    assert AuditEvent.objects.count() == events


def test_api_ending_then_backdating_leaves_no_overlap(world, client):
    school, (first, second) = world.a.schools[0], world.a.inspectors
    ended = post(client, world, {"school": school.pk, "inspector": None, "valid_from": TODAY.isoformat()})
    assert ended.status_code == 204, ended.content

    again = post(client, world, {"school": school.pk, "inspector": second.pk, "valid_from": "2000-01-01"})
    twice = post(client, world, {"school": school.pk, "inspector": None, "valid_from": TODAY.isoformat()})

    assert (again.status_code, twice.status_code) == (400, 400)
    assert [row[1:] for row in history(school)] == [(first.pk, SEPTEMBER, TODAY - DAY)]


def test_backdating_into_a_past_listing_is_refused(world):
    school, second = world.a.schools[0], world.a.inspectors[1]
    actor = fresh(world.a.users["office_admin"])
    listing_assign(actor=actor, school_id=school.pk, inspector_id=second.pk, on=SEPTEMBER + 30 * DAY)
    before = history(school)
    with pytest.raises(Exception, match="2025-09-01") as refused:
        listing_assign(actor=actor, school_id=school.pk, inspector_id=second.pk, on=SEPTEMBER + 10 * DAY)
    assert "valid_from" in refused.value.message_dict
    assert history(school) == before


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
    assert [row[1:] for row in history(school)] == [
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
    before = history(school)
    with pytest.raises(Exception, match="cannot end|不能") as refused:
        listing_assign(actor=actor, school_id=school.pk, inspector_id=None, on=TODAY)
    assert "valid_from" in refused.value.message_dict
    assert history(school) == before


def test_page_shows_the_refusal_on_the_form(world, client):
    school, second = world.a.schools[0], world.a.inspectors[1]
    before = history(school)
    client.force_login(fresh(world.a.users["office_admin"]))

    response = client.post(reverse("inspectors:school_listing_assign", args=[school.pk]),
                           {"inspector": second.pk, "valid_from": "2000-01-01", "reason": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "2025-09-01" in page and "历史" in page
    assert history(school) == before


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
    if connection.vendor == "postgresql":  # the exclusion constraint
        with pytest.raises(IntegrityError), transaction.atomic():
            ListingFactory(school=school, inspector=second, valid_from=SEPTEMBER + DAY, valid_to=SEPTEMBER + DAY)
    else:  # SQLite: the services' check, inside their transaction
        ListingFactory(school=school, inspector=second, valid_from=SEPTEMBER + DAY, valid_to=SEPTEMBER + DAY)
        with pytest.raises(IntegrityError):
            check_no_overlap(Listing, school)


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
    assert [row[1:] for row in history(school)] == [
        (second.pk, datetime.date(2000, 1, 1), SEPTEMBER - DAY), (first.pk, SEPTEMBER, october - DAY),
        (second.pk, october, None)]
    assert late.pk in {row[0] for row in history(school)}
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
