"""Every list page and list API runs the same number of queries for 2 rows and for 200 (STYLE §7.9).

Rows are added in county A; the county's office administrator fetches the list. Each check also
keeps an absolute ceiling, so a constant but wasteful page still fails.
"""

import itertools

import pytest
from django.urls import reverse

from dudao.audit.services import record
from dudao.core.testing.factories import (
    InspectorFactory,
    ListingFactory,
    OfficeFactory,
    RegionFactory,
    SchoolFactory,
    ZoneFactory,
    ZoneMembershipFactory,
    make_user,
)
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import build_world, fresh

pytestmark = pytest.mark.django_db

UI_CEILING = 30
API_CEILING = 15
_codes = itertools.count(1)


def new_school(world):
    """A school of county A in a zone and with a listed inspector, so every column has data."""
    school = SchoolFactory(region=world.a.township)
    ZoneMembershipFactory(zone=world.a.zones[0], school=school)
    ListingFactory(inspector=world.a.inspectors[1], school=school)
    return school


def grow_schools(world, k):
    for _ in range(k):
        new_school(world)


def grow_regions(world, k):
    for _ in range(k):
        RegionFactory(code=f"360101{next(_codes):06d}", level=4, parent=world.a.region)


def grow_offices(world, k):
    for _ in range(k):
        OfficeFactory(region=RegionFactory(code=f"360101{next(_codes):06d}", level=4, parent=world.a.region))


def grow_zones(world, k):
    for _ in range(k):
        zone = ZoneFactory(office=world.a.office)
        ZoneMembershipFactory(zone=zone, school=SchoolFactory(region=world.a.township))


def grow_inspectors(world, k):
    for _ in range(k):
        inspector = InspectorFactory(office=world.a.office)
        ListingFactory(inspector=inspector, school=SchoolFactory(region=world.a.township))


def grow_listings(world, k):
    for _ in range(k):
        ListingFactory(inspector=world.a.inspectors[1], school=SchoolFactory(region=world.a.township))


def grow_memberships(world, k):
    for _ in range(k):
        ZoneMembershipFactory(zone=world.a.zones[1], school=SchoolFactory(region=world.a.township))


def grow_events(world, k):
    actor = world.a.users["office_admin"]
    for i in range(k):
        record(actor=actor, action="organizations.school.update", target=world.a.schools[i % 4],
               changes={"liaison_name": [str(i), str(i + 1)],  # the log names the regions: one query for all
                        "region": [world.a.township.pk, world.a.region.pk]}, reason="计数")


def grow_roles(world, k):
    for _ in range(k):
        make_user(f"staff{next(_codes)}", "office_staff", office=world.a.office)


UI_LISTS = {
    "organizations:school_list": grow_schools,
    "organizations:region_list": grow_regions,
    "organizations:office_list": grow_offices,
    "organizations:zone_list": grow_zones,
    "inspectors:inspector_list": grow_inspectors,
    "inspectors:listing_list": grow_listings,
    "audit:event_list": grow_events,
    "accounts:membership_list": grow_roles,
}
API_LISTS = {
    "api:organizations-school-list": grow_schools,
    "api:organizations-region-list": grow_regions,
    "api:organizations-office-list": grow_offices,
    "api:organizations-zone-list": grow_zones,
    "api:organizations-zonemembership-list": grow_memberships,
    "api:inspectors-inspector-list": grow_inspectors,
    "api:inspectors-listing-list": grow_listings,
    "api:audit-auditevent-list": grow_events,
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("url_name", UI_LISTS)
def test_ui_list_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries, url_name):
    # given county A's administrator
    client.force_login(fresh(world.a.users["office_admin"]))
    counts = []

    def fetch():
        response = client.get(reverse(url_name))
        assert response.status_code == 200
        counts.append(text_by_testid(response.content.decode(), "result-count"))

    # when the list is shown with 2 and with 200 more rows, then the query count is the same ...
    assert_constant_queries(fetch, lambda k: UI_LISTS[url_name](world, k))
    # ... the page really grew, and it stays under the ceiling
    assert counts[-1] != counts[0]
    with django_assert_max_num_queries(UI_CEILING):
        fetch()


@pytest.mark.parametrize("url_name", API_LISTS)
def test_api_list_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries, url_name):
    client.force_login(fresh(world.a.users["office_admin"]))
    sizes = []

    def fetch():
        response = client.get(reverse(url_name) + "?page_size=500")
        assert response.status_code == 200
        sizes.append(len(response.json()["results"]))

    assert_constant_queries(fetch, lambda k: API_LISTS[url_name](world, k))
    assert sizes[-1] >= sizes[0] + 198
    with django_assert_max_num_queries(API_CEILING):
        fetch()


def test_dashboard_queries_do_not_grow_with_schools(world, client, django_assert_max_num_queries):
    client.force_login(fresh(world.a.users["office_admin"]))

    def fetch():
        assert client.get(reverse("reports:dashboard")).status_code == 200

    assert_constant_queries(fetch, lambda k: grow_schools(world, k))
    with django_assert_max_num_queries(UI_CEILING):
        fetch()
