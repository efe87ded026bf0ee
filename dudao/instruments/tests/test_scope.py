"""Who reads which instruments: national ones everybody with the capability, a higher office's its
counties, a county's only itself (the matrix in core proves the last one on every surface)."""

import pytest
from django.urls import reverse

from dudao.core.testing.factories import OfficeFactory, make_user
from dudao.core.testing.world import ROLES, fresh
from dudao.instruments import selectors, services
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.tests.conftest import build_draft, national, office_admin

pytestmark = pytest.mark.django_db

READERS = ("office_admin", "office_staff", "zone_leader", "inspector")


@pytest.mark.parametrize("role", ROLES)
def test_national_instruments_are_readable_by_every_role_that_reads_instruments(world, client, role):
    user = fresh(world.a.users[role])
    client.force_login(user)
    visible = set(selectors.instrument_list(user=user).values_list("code", flat=True))
    detail = client.get(reverse("instruments:instrument_detail", args=[national().pk]))
    api = client.get(reverse("api:instruments-version-detail", args=[national().latest_published().pk]))
    if role in READERS:
        assert {"national-school-routine", "national-kindergarten-routine"} <= visible
        assert detail.status_code == 200 and api.status_code == 200
    else:  # school liaisons and principals have no instrument capability
        assert visible == set()
        assert detail.status_code == 404 and api.status_code == 403


def published_for(actor, office, code):
    version = build_draft(actor, office, code=code, name=f"{office.name}{code}")
    return services.version_publish(actor=actor, version_id=version.pk).instrument


def test_province_office_local_version_is_visible_to_its_counties(world, client):
    # given a province office (the world has the province region, not its office) and its list
    province_office = OfficeFactory(region=world.province, name="示范省人民政府教育督导室")
    actor = make_user("province_admin", "office_admin", office=province_office)
    instrument = published_for(actor, province_office, "province-kg")
    # then every county reader sees it, through the list page and the API, and may copy it, not change it
    for county in ("a", "b"):
        for role in READERS:
            user = fresh(getattr(world, county).users[role])
            assert selectors.instrument_list(user=user).filter(pk=instrument.pk).exists(), (county, role)
    client.force_login(office_admin(world))
    assert instrument.name in client.get(reverse("instruments:instrument_list")).content.decode()
    assert client.get(reverse("api:instruments-instrument-detail", args=[instrument.pk])).status_code == 200
    assert not Instrument.objects.for_user(office_admin(world), "change").filter(pk=instrument.pk).exists()
    copy = services.instrument_copy(actor=office_admin(world), source_version_id=instrument.latest_published().pk,
                                    office=world.a.office)
    assert copy.office == world.a.office
    # and the province's draft of a next version stays with the province
    draft = services.version_new_draft(actor=actor, instrument_id=instrument.pk)
    assert not InstrumentVersion.objects.for_user(office_admin(world)).filter(pk=draft.pk).exists()
    assert not Item.objects.for_user(office_admin(world)).filter(version=draft).exists()
    assert InstrumentVersion.objects.for_user(actor).filter(pk=draft.pk).exists()


def test_a_county_never_reads_its_neighbours_or_a_lower_offices_instrument(world):
    b_instrument = published_for(office_admin(world, "b"), world.b.office, "b-only")
    township_office = OfficeFactory(region=world.a.township, name="甲县城关镇督导组")
    township_admin = make_user("township_admin", "office_admin", office=township_office)
    a_township = published_for(township_admin, township_office, "town")
    a_admin = office_admin(world)
    visible = set(selectors.instrument_list(user=a_admin).values_list("pk", flat=True))
    assert b_instrument.pk not in visible
    assert a_township.pk in visible  # below the county office: its subtree, read, changed by the township only
    assert not Instrument.objects.for_user(a_admin, "change").filter(pk=a_township.pk).exists()
    assert Instrument.objects.for_user(fresh(township_admin), "change").filter(pk=a_township.pk).exists()
    # the township office sees the county's and the city's instruments, not the neighbour's
    county = published_for(a_admin, world.a.office, "county")
    township_visible = set(selectors.instrument_list(user=fresh(township_admin)).values_list("pk", flat=True))
    assert county.pk in township_visible and b_instrument.pk not in township_visible
    # the city office sees both counties'
    city_visible = set(selectors.instrument_list(user=fresh(world.city_user)).values_list("pk", flat=True))
    assert {b_instrument.pk, county.pk} <= city_visible
