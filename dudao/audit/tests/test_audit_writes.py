"""Every create, update and delete through the pages and the API leaves an audit event with the
values before and after (STYLE §7.8), and the chain stays intact."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain
from dudao.core.testing.world import fresh, world_rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@dataclass(frozen=True)
class Spec:
    """How to create, change and delete one kind of row through the pages and the API."""

    model: str  # app_label.model_name, as in the audit codes
    ui: str | None  # URL name prefix, e.g. "organizations:school"
    api: str  # router basename
    data: Any  # world -> form / API data for a new row
    change: tuple[str, str]  # field, new value
    ui_delete: bool = True

    def __str__(self) -> str:
        return self.model


SPECS = [
    Spec("organizations.region", "organizations:region", "organizations-region",
         lambda w: {"code": "360101188", "name": "甲县新区", "level": 4, "parent": w.a.region.pk},
         ("name", "甲县新城区")),
    Spec("organizations.office", "organizations:office", "organizations-office",
         lambda w: {"name": "甲县城关镇督导组", "region": w.a.township.pk, "hotline": "0791-1",
                    "email": "", "address": "", "schools_per_inspector": 5, "schools_per_zone": 20,
                    "checkin_radius_m": 500},
         ("hotline", "0791-2"), ui_delete=False),
    Spec("organizations.school", "organizations:school", "organizations-school",
         lambda w: {"code": "3601019901", "name": "甲县新建小学", "kind": "primary", "ownership": "public",
                    "location": "rural", "region": w.a.township.pk, "address": "新区路1号",
                    "enrolment_kindergarten": 0, "enrolment_primary": 480, "enrolment_junior": 0,
                    "enrolment_senior": 0, "liaison_name": "王老师", "liaison_phone": "13800000001",
                    "principal_name": "李校长", "is_active": True},
         ("enrolment_primary", 520)),
    Spec("organizations.zone", "organizations:zone", "organizations-zone",
         lambda w: {"office": w.a.office.pk, "name": "甲县第9责任区", "number": 9, "description": "",
                    "is_active": True},
         ("description", "新划片")),
    Spec("inspectors.inspector", "inspectors:inspector", "inspectors-inspector",
         lambda w: {"office": w.a.office.pk, "name": "新督学", "gender": "female", "kind": "full_time",
                    "certificate_no": "DX-NEW-1", "employer": "教研室", "phone": "13900000009", "email": ""},
         ("employer", "教育局")),
]


def last_event(action_suffix: str, spec: Spec) -> AuditEvent:
    return AuditEvent.objects.filter(action=f"{spec.model}.{action_suffix}").latest("seq")


def form_data(data: dict) -> dict:
    # an unticked checkbox is absent from a real form post
    return {k: v for k, v in data.items() if v is not False}


def assert_created(event, data, actor):
    assert event.actor_id == actor.pk
    for field, value in data.items():
        key = field if field in event.changes else f"{field}_id"
        assert event.changes.get(field, event.changes.get(key)) == [None, value], field


@pytest.mark.parametrize("spec", [s for s in SPECS if s.ui], ids=str)
def test_pages_audit_create_update_delete(world, client, spec):
    actor = fresh(world.a.users["office_admin"])
    client.force_login(actor)
    data = spec.data(world)

    # when a row is created through its page
    response = client.post(reverse(f"{spec.ui}_add"), form_data(data))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = last_event("create", spec)
    assert_created(created, data, actor)
    pk = int(created.target_id)

    # when one field is changed through the edit page
    field, new = spec.change
    response = client.post(reverse(f"{spec.ui}_edit", args=[pk]), form_data({**data, field: new}))
    assert response.status_code == 302
    updated = last_event("update", spec)
    assert updated.target_id == str(pk)
    assert updated.changes[field] == [data[field], new]
    assert set(updated.changes) <= {field, "sort_key"}

    # when the row is deleted through its page
    if spec.ui_delete:
        response = client.post(reverse(f"{spec.ui}_delete", args=[pk]))
        assert response.status_code == 302
        deleted = last_event("delete", spec)
        assert deleted.target_id == str(pk)
        assert deleted.changes[field] == [new, None]

    # then the chain holds every one of them
    assert verify_chain() == []


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_api_audits_create_update_delete(world, client, spec):
    actor = fresh(world.a.users["office_admin"])
    client.force_login(actor)
    data = spec.data(world)
    field, new = spec.change

    response = client.post(reverse(f"api:{spec.api}-list"), data, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    created = last_event("create", spec)
    assert created.target_id == str(pk)
    assert_created(created, data, actor)

    response = client.patch(reverse(f"api:{spec.api}-detail", args=[pk]), {field: new},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert last_event("update", spec).changes[field] == [data[field], new]

    response = client.delete(reverse(f"api:{spec.api}-detail", args=[pk]))
    assert response.status_code == 204, response.content
    deleted = last_event("delete", spec)
    assert deleted.target_id == str(pk)
    assert deleted.changes[field] == [new, None]

    assert verify_chain() == []


def test_refused_write_leaves_no_event(world, client):
    # given county A's staff, who may not delete schools
    client.force_login(fresh(world.a.users["office_staff"]))
    before = AuditEvent.objects.count()
    # when they try through the API and the page
    school = world.a.schools[0]
    assert client.delete(reverse("api:organizations-school-detail", args=[school.pk])).status_code == 403
    assert client.post(reverse("organizations:school_delete", args=[school.pk])).status_code == 403
    # then nothing is audited, because nothing happened
    assert AuditEvent.objects.count() == before


def test_create_outside_scope_is_rolled_back_with_its_event(world, client):
    # given county A's administrator posting a school into county B's region through the API
    client.force_login(fresh(world.a.users["office_admin"]))
    before = AuditEvent.objects.count()
    data = {**SPECS[2].data(world), "region": world.b.region.pk}
    response = client.post(reverse("api:organizations-school-list"), data, content_type="application/json")
    # then the region is not even offered, and neither the school nor an event is written
    assert response.status_code == 400
    assert AuditEvent.objects.count() == before
