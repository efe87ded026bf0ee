"""Responsible units that are not schools (教育局股室, 乡镇教育办): the office administrator keeps them on
a page and through the API, audited; staff read them; another county sees none of them."""

import pytest
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.organizations.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def test_office_admin_adds_a_unit_on_the_page_and_it_is_audited(world, client):
    # given the county's office administrator
    client.force_login(fresh(world.a.users["office_admin"]))

    # when they add the education bureau's finance department
    response = client.post(reverse("organizations:department_add"), {
        "office": world.a.office.pk, "name": "甲县教育局计财股", "kind": "bureau_department", "number": 3,
        "is_active": "on"})

    # then it is listed for the office, with an audit record
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Department.objects.get(name="甲县教育局计财股")
    assert unit.office == world.a.office and unit.kind == Department.Kind.BUREAU_DEPARTMENT
    assert AuditEvent.objects.filter(target_id=str(unit.pk), action="organizations.department.create").exists()
    page = client.get(reverse("organizations:department_list")).content.decode()
    assert "甲县教育局计财股" in page and "教育局股室" in page


def test_a_township_outside_the_office_region_is_refused(world, client):
    client.force_login(fresh(world.a.users["office_admin"]))
    response = client.post(reverse("api:organizations-department-list"), {
        "office": world.a.office.pk, "name": "乙镇教育办", "kind": "township_office", "region": world.b.township.pk},
        content_type="application/json")
    assert response.status_code == 400
    assert not Department.objects.filter(name="乙镇教育办").exists()


def test_office_admin_renames_a_unit_through_the_api(world, client):
    unit = world.a.departments[0]
    client.force_login(fresh(world.a.users["office_admin"]))
    response = client.patch(reverse("api:organizations-department-detail", args=[unit.pk]), {"name": "甲县教育局安全稳定股"},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["kind_display"]
    unit.refresh_from_db()
    assert unit.name == "甲县教育局安全稳定股"
    event = AuditEvent.objects.get(target_id=str(unit.pk), action="organizations.department.update")
    assert event.changes["name"] == ["甲县教育局安全股", "甲县教育局安全稳定股"]


def test_staff_read_the_units_and_change_none(world, client):
    client.force_login(fresh(world.a.users["office_staff"]))
    assert client.get(reverse("organizations:department_list")).status_code == 200
    assert client.get(reverse("organizations:department_add")).status_code == 403
    response = client.patch(reverse("api:organizations-department-detail", args=[world.a.departments[0].pk]),
                            {"name": "改"}, content_type="application/json")
    assert response.status_code == 403


def test_the_unit_liaison_reads_only_their_own_unit(world, client):
    client.force_login(fresh(world.a.users["unit_liaison"]))
    listed = {row["id"] for row in client.get(reverse("api:organizations-department-list")).json()["results"]}
    assert listed == {world.a.departments[0].pk}
    assert client.get(reverse("organizations:department_detail", args=[world.a.departments[1].pk])).status_code == 404
