"""The demo county: what ``dudao demo`` loads, who can sign in, and that it is repeatable."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from dudao.accounts.models import User
from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.selectors import overloaded_inspectors
from dudao.organizations.models import Office, Region, School, Zone, ZoneMembership
from dudao.reports.demo import COUNTY_CODE, DEMO_PASSWORD, NEIGHBOUR_CODE, REDRAW, USERNAMES, build_demo

pytestmark = pytest.mark.django_db


def run_demo(*args, **options) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo():
    run_demo()
    return Region.objects.get(code=COUNTY_CODE)


def county_schools(county):
    return School.objects.filter(region__path__startswith=county.path)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Region, Office, School, Zone, ZoneMembership, Inspector, Listing, User, AuditEvent)}


def fingerprint() -> list[tuple]:
    schools = School.objects.order_by("code").values_list(
        "code", "name", "kind", "enrolment_kindergarten", "enrolment_primary", "enrolment_junior",
        "enrolment_senior", "liaison_name", "liaison_phone", "principal_name",
    )
    inspectors = Inspector.objects.order_by("certificate_no").values_list("certificate_no", "name", "phone", "email")
    listings = Listing.objects.order_by("school__code", "valid_from").values_list(
        "school__code", "inspector__certificate_no", "valid_from", "valid_to")
    return [*schools, *inspectors, *listings]


class _Rollback(Exception):
    pass


def fingerprint_of(seed: int) -> list[tuple]:
    """Builds the demo with ``seed`` in a savepoint, reads its fingerprint, and rolls it back."""
    try:
        with transaction.atomic():
            build_demo(seed=seed)
            result = fingerprint()
            raise _Rollback
    except _Rollback:
        pass
    assert not Region.objects.filter(code=COUNTY_CODE).exists()
    return result


def test_loads_sixty_schools_in_five_zones_with_twelve_inspectors(demo):
    schools = county_schools(demo)
    assert 55 <= schools.count() <= 65
    assert set(schools.values_list("kind", flat=True)) == set(School.Kind.values)
    assert schools.filter(kind=School.Kind.KINDERGARTEN, ownership=School.Ownership.PRIVATE).exists()
    assert all(code.startswith(COUNTY_CODE) and len(code) == 10 for code in schools.values_list("code", flat=True))

    office = Office.objects.get(region=demo)
    zones = Zone.objects.filter(office=office)
    assert zones.count() == 5
    current = ZoneMembership.objects.filter(school__in=schools, valid_to__isnull=True)
    assert current.count() == schools.count()  # every school in exactly one zone now
    sizes = Counter(current.values_list("zone_id", flat=True))
    assert set(sizes) == set(zones.values_list("pk", flat=True))
    assert all(8 <= n <= 16 for n in sizes.values())

    inspectors = Inspector.objects.filter(office=office)
    assert inspectors.count() == 12
    assert inspectors.filter(kind=Inspector.Kind.FULL_TIME).count() == 4
    assert len(set(inspectors.values_list("name", flat=True))) == 12


def test_enrolment_matches_the_kind_of_school(demo):
    schools = county_schools(demo)
    for school in schools.filter(kind=School.Kind.TEACHING_POINT):
        assert 20 <= school.enrolment_primary <= 60 and school.enrolment_total == school.enrolment_primary
    for school in schools.filter(kind=School.Kind.KINDERGARTEN):
        assert school.enrolment_total == school.enrolment_kindergarten > 0
    for school in schools.filter(kind=School.Kind.SENIOR):
        assert school.enrolment_senior >= 800 and school.enrolment_primary == 0
    for school in schools.filter(kind=School.Kind.NINE_YEAR):
        assert school.enrolment_primary > 0 and school.enrolment_junior > 0
    assert all(school.liaison_name and len(school.liaison_phone) == 11 for school in schools)


def test_every_school_has_one_current_listing_and_one_inspector_has_six(demo):
    schools = county_schools(demo)
    per_school = Counter(Listing.objects.filter(school__in=schools, valid_to__isnull=True)
                         .values_list("school_id", flat=True))
    assert set(per_school) == set(schools.values_list("pk", flat=True))
    assert set(per_school.values()) == {1}

    per_inspector = Counter(Listing.objects.filter(school__in=schools, valid_to__isnull=True)
                            .values_list("inspector__name", flat=True))
    assert len(per_inspector) == 12
    assert sorted(per_inspector.values()).count(6) == 1
    assert all(4 <= n <= 6 for n in per_inspector.values())

    office_admin = User.objects.get(username="office_admin")
    assert [i.school_count for i in overloaded_inspectors(user=office_admin)] == [6]


def test_history_is_dated_and_audited(demo):
    schools = county_schools(demo)
    ended_memberships = ZoneMembership.objects.filter(school__in=schools, valid_to__isnull=False)
    assert ended_memberships.count() == 2
    for ended in ended_memberships:
        assert ended.valid_to == REDRAW - datetime.timedelta(days=1)
        successor = ZoneMembership.objects.get(school=ended.school, valid_to__isnull=True)
        assert successor.valid_from == REDRAW and successor.zone_id != ended.zone_id

    ended_listings = Listing.objects.filter(school__in=schools, valid_to__isnull=False)
    assert ended_listings.count() >= 1
    for ended in ended_listings:
        successor = Listing.objects.get(school=ended.school, valid_to__isnull=True)
        assert successor.valid_from == REDRAW and successor.inspector_id != ended.inspector_id

    assert AuditEvent.objects.filter(action="organizations.zonemembership.move").count() >= 62
    assert AuditEvent.objects.filter(action="inspectors.listing.assign").count() >= 61
    assert verify_chain() == []


def test_every_demo_user_signs_in_and_sees_the_dashboard(demo):
    for username in USERNAMES:
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD), username
        response = client.get("/")
        assert response.status_code == 200, username
    sysadmin = Client()
    sysadmin.login(username="sysadmin", password=DEMO_PASSWORD)
    assert sysadmin.get("/admin/").status_code == 200


def test_inspector_liaison_and_principal_share_a_school(demo):
    inspector = Inspector.objects.get(user__username="inspector")
    school = School.objects.get(user_memberships__user__username="liaison")
    assert School.objects.get(user_memberships__user__username="principal") == school
    assert Listing.objects.get(school=school, valid_to__isnull=True).inspector == inspector
    client = Client()
    client.login(username="inspector", password=DEMO_PASSWORD)
    assert school.name in client.get("/").content.decode()


def test_county_office_does_not_see_the_neighbour_but_the_city_does(demo):
    neighbour_school = School.objects.filter(region__code__startswith=NEIGHBOUR_CODE).first()
    demo_school = county_schools(demo).first()

    def page(username, url):
        client = Client()
        client.login(username=username, password=DEMO_PASSWORD)
        return client.get(url)

    county_list = page("office_admin", "/organizations/schools/?q=邻县").content.decode()
    assert neighbour_school.name not in county_list
    assert page("office_admin", neighbour_school.get_absolute_url()).status_code == 404

    city_list = page("city_admin", "/organizations/schools/?q=邻县").content.decode()
    assert neighbour_school.name in city_list
    assert page("city_admin", demo_school.get_absolute_url()).status_code == 200

    assert page("neighbour_admin", demo_school.get_absolute_url()).status_code == 404


def test_running_twice_creates_nothing_new(demo):
    before = row_counts()
    output = run_demo()
    assert row_counts() == before
    assert "already loaded" in output
    assert "office_admin" in output and DEMO_PASSWORD in output


def test_the_same_seed_gives_the_same_data():
    first = fingerprint_of(7)
    second = fingerprint_of(7)
    assert first == second
    assert len(first) > 60
    assert fingerprint_of(8) != first


@pytest.mark.django_db(transaction=True)
def test_reset_flushes_and_reloads():
    # a real flush (TRUNCATE on PostgreSQL) cannot run inside the test's transaction
    run_demo()
    before = row_counts()
    output = run_demo(reset=True, interactive=False)
    assert "--reset" in output
    assert row_counts() == before
    assert verify_chain() == []


def test_refuses_when_demo_rows_clash():
    User.objects.create(username="office_admin")
    with pytest.raises(CommandError, match="office_admin"):
        run_demo()
    assert not Region.objects.filter(code=COUNTY_CODE).exists()
