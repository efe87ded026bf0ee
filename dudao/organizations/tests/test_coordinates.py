"""A school's coordinates (WGS-84, decimal degrees): typed on the school form, imported from the
Excel template (both or neither, in range, every bad cell reported with its row and column) and
carried by the API; the office's check-in radius sits with its other settings."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.testing.xlsx import workbook_bytes
from dudao.organizations.models import Office, School
from dudao.organizations.tests.test_imports import headers, school_row, upload  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def admin_client(world, client):
    client.force_login(fresh(world.a.users["office_admin"]))
    return client


def test_import_reports_bad_coordinates_by_row_and_column_and_writes_nothing(world, admin_client, headers):  # noqa: F811
    rows = [
        school_row(headers, "3601019201", "坐标一小", 纬度=28.682892, 经度=115.858198),  # 2: fine
        school_row(headers, "3601019202", "坐标二小", 纬度=128.5, 经度=115.8),  # 3: latitude out of range
        school_row(headers, "3601019203", "坐标三小", 纬度=28.6),  # 4: longitude missing
        school_row(headers, "3601019204", "坐标四小", 纬度="北纬28度", 经度=115.8),  # 5: not a number
        school_row(headers, "3601019205", "坐标五小", 纬度=28.6, 经度=-181),  # 6: longitude out of range
    ]
    count, events = School.objects.count(), AuditEvent.objects.count()

    response = upload(admin_client, workbook_bytes(headers, rows))

    assert response.status_code == 400
    assert {(e.row, e.column) for e in response.context["errors"]} == {
        (3, "纬度"), (4, "经度"), (5, "纬度"), (6, "经度"),
    }
    assert (School.objects.count(), AuditEvent.objects.count()) == (count, events)


def test_import_writes_coordinates_and_blank_cells_keep_them(world, admin_client, headers):  # noqa: F811
    rows = [school_row(headers, "3601019211", "坐标实验小学", 纬度="２８.６８２８９２１", 经度=115.858198)]
    assert upload(admin_client, workbook_bytes(headers, rows)).status_code == 302
    school = School.objects.get(code="3601019211")
    assert (school.latitude, school.longitude) == (Decimal("28.682892"), Decimal("115.858198"))

    # a later import without coordinates leaves them as they are
    rows = [school_row(headers, "3601019211", "坐标实验小学（改）")]
    assert upload(admin_client, workbook_bytes(headers, rows)).status_code == 302
    school.refresh_from_db()
    assert school.name == "坐标实验小学（改）"
    assert school.latitude == Decimal("28.682892")


def test_school_form_takes_coordinates_both_or_neither(world, admin_client):
    school = world.a.schools[1]
    url = reverse("organizations:school_edit", args=[school.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and b'data-testid="locate-school"' in page.content and b"locate.js" in page.content
    data = {
        "code": school.code, "name": school.name, "kind": school.kind, "ownership": school.ownership,
        "location": school.location, "region": school.region_id, "address": school.address,
        "enrolment_kindergarten": 0, "enrolment_primary": 300, "enrolment_junior": 0, "enrolment_senior": 0,
        "is_active": "on", "latitude": "28.5", "longitude": "",
    }
    assert admin_client.post(url, data).status_code == 400
    data.update(latitude="28.500001", longitude="115.900002")
    assert admin_client.post(url, data).status_code == 302
    school.refresh_from_db()
    assert (school.latitude, school.longitude) == (Decimal("28.500001"), Decimal("115.900002"))
    detail = admin_client.get(school.get_absolute_url()).content.decode()
    assert "28.500001" in detail and "WGS-84" in detail


def test_api_reads_and_writes_coordinates(world, admin_client):
    school = world.a.schools[2]
    url = f"/api/v1/organizations/schools/{school.pk}/"
    answer = admin_client.patch(url, {"latitude": 28.1, "longitude": 115.2}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["latitude"], answer.json()["longitude"]) == (28.1, 115.2)
    refused = admin_client.patch(url, {"latitude": None}, content_type="application/json")
    assert refused.status_code == 400
    assert "latitude" in refused.json()
    assert admin_client.patch(url, {"latitude": 91, "longitude": 1}, content_type="application/json").status_code == 400


def test_office_radius_defaults_to_500_and_is_an_office_setting(world, admin_client):
    office = Office.objects.get(pk=world.a.office.pk)
    assert office.checkin_radius_m == 500
    answer = admin_client.patch(f"/api/v1/organizations/offices/{office.pk}/", {"checkin_radius_m": 800},
                                content_type="application/json")
    assert answer.status_code == 200, answer.content
    office.refresh_from_db()
    assert office.checkin_radius_m == 800
    assert "800" in admin_client.get(office.get_absolute_url()).content.decode()
