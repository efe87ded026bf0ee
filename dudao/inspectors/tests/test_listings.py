"""Listings (挂牌): dated history, the API twin, and the schools-per-inspector warning."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import InspectorFactory, SchoolFactory
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.services import inspector_suspend, listing_assign

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
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
