"""Recording findings (问题): who may, at which school, against which checklist item, with files."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import world_rolled_back
from dudao.inspections.models import Attachment, Finding, Visit
from dudao.inspections.services.findings import finding_record
from dudao.inspections.tests.rectification_fixtures import days_ago, png_file, user
from dudao.instruments.models import Instrument, Item
from dudao.organizations.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def national_checklist():
    return Instrument.objects.get(office__isnull=True, code="national-school-routine").versions.get(number=1)


@pytest.fixture
def visit(world):
    """A visit of county A's inspector to school 0 on the national checklist (a plain row)."""
    return Visit.objects.create(school=world.a.schools[0], inspector=world.a.inspectors[0], date=days_ago(2),
                                checklist=national_checklist(), created_by=user(world, "inspector"))


def test_inspector_records_a_finding_at_a_listed_school_with_a_photo(world):
    # given county A's inspector, listed at school 0, and a photo
    photo = png_file("食堂.png")
    content = photo.read()
    photo.seek(0)

    # when they record a finding with it
    finding = finding_record(actor=user(world, "inspector"), school_id=world.a.schools[0].pk, severity="serious",
                             description="食堂操作间地面湿滑", item_code="7", files=[photo])

    # then the finding, its file with SHA-256 and size, and one audit event exist
    assert (finding.school, finding.severity, finding.item_code) == (world.a.schools[0], "serious", "7")
    attachment = Attachment.objects.get(finding=finding)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content)
    event = AuditEvent.objects.get(action="inspections.finding.create", target_id=str(finding.pk))
    assert event.changes["severity"] == [None, "serious"]
    assert event.school_id == world.a.schools[0].pk


def test_school_the_inspector_is_not_listed_at_is_not_found(world):
    # school 1 is listed to the other inspector
    with pytest.raises(School.DoesNotExist):
        finding_record(actor=user(world, "inspector"), school_id=world.a.schools[1].pk, description="x")
    assert not Finding.objects.filter(school=world.a.schools[1]).exists()


@pytest.mark.parametrize("role", ["office_admin", "office_staff", "school_liaison"])
def test_roles_without_add_finding_are_refused(world, role):
    with pytest.raises(PermissionDenied):
        finding_record(actor=user(world, role), school_id=world.a.schools[0].pk, description="x")


def test_item_must_belong_to_the_visit_checklist_version(world, visit):
    # given an item of the kindergarten checklist, which is not the visit's version
    kindergarten_item = Item.objects.filter(version__instrument__code="national-kindergarten-routine").first()
    own_item = national_checklist().items.get(code="6")

    # when a finding of the visit names the foreign item, then it is refused
    with pytest.raises(ValidationError) as refused:
        finding_record(actor=user(world, "inspector"), visit_id=visit.pk, item_id=kindergarten_item.pk,
                       description="x")
    assert "item" in refused.value.message_dict

    # and with the visit's own item the finding takes the school, date and item code of the visit
    finding = finding_record(actor=user(world, "inspector"), visit_id=visit.pk, item_id=own_item.pk,
                             description="上下学交通秩序混乱")
    assert (finding.school_id, finding.found_on, finding.item_code) == (visit.school_id, visit.date, "6")


def test_finding_of_a_visit_cannot_name_another_school(world, visit):
    with pytest.raises(ValidationError) as refused:
        finding_record(actor=user(world, "inspector"), visit_id=visit.pk, school_id=world.a.schools[2].pk,
                       description="x")
    assert "school" in refused.value.message_dict


def test_future_date_and_empty_description_are_refused(world):
    import datetime

    from django.utils import timezone

    with pytest.raises(ValidationError) as refused:
        finding_record(actor=user(world, "inspector"), school_id=world.a.schools[0].pk, description="x",
                       found_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "found_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        finding_record(actor=user(world, "inspector"), school_id=world.a.schools[0].pk, description="  ")
    assert "description" in refused.value.message_dict


# ---- page and API --------------------------------------------------------------------------------

def test_add_page_with_a_visit_offers_its_checklist_items_and_fixes_the_school(world, client, visit):
    client.force_login(user(world, "inspector"))

    response = client.get(reverse("inspections:finding_add") + f"?visit={visit.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert text_by_testid(html, "finding-visit").startswith(world.a.schools[0].name)
    form = response.context["form"]
    assert set(form.fields["item"].queryset.values_list("code", flat=True)) == set("123456789")
    assert form.fields["school"].disabled


def test_add_page_records_the_finding_with_files(world, client, visit):
    client.force_login(user(world, "inspector"))
    item = national_checklist().items.get(code="3")

    response = client.post(reverse("inspections:finding_add") + f"?visit={visit.pk}", {
        "visit": visit.pk, "item": item.pk, "severity": "general", "description": "推门听课：教案未更新",
        "found_on": visit.date.isoformat(), "files": [png_file("教案.png")],
    })

    finding = Finding.objects.get(description="推门听课：教案未更新")
    assert response.status_code == 302
    assert response["Location"] == finding.get_absolute_url()
    assert (finding.visit, finding.item, finding.school) == (visit, item, visit.school)
    assert finding.attachments.count() == 1


def test_add_page_shows_a_refused_file_on_the_files_field(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user(world, "inspector"))
    response = client.post(reverse("inspections:finding_add"), {
        "school": world.a.schools[0].pk, "severity": "general", "description": "x",
        "found_on": days_ago(0).isoformat(),
        "files": [SimpleUploadedFile("a.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")],
    })
    assert response.status_code == 400
    assert response.context["form"].errors["files"]
    assert not Finding.objects.filter(description="x").exists()


def test_add_page_for_an_unseen_visit_is_not_found(world, client, visit):
    from dudao.inspections.tests.rectification_fixtures import other_zone_inspector

    client.force_login(other_zone_inspector(world))
    assert client.get(reverse("inspections:finding_add") + f"?visit={visit.pk}").status_code == 404


def test_api_creates_a_finding_through_the_service(world, client):
    client.force_login(user(world, "inspector"))

    response = client.post(reverse("api:inspections-finding-list"), {
        "school": world.a.schools[2].pk, "severity": "urgent", "description": "围墙开裂有倒塌隐患",
        "files": [png_file("围墙.png")],
    })

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["severity"] == "urgent" and body["school"] == world.a.schools[2].pk
    assert len(body["attachments"]) == 1 and len(body["attachments"][0]["sha256"]) == 64
    assert AuditEvent.objects.filter(action="inspections.finding.create", target_id=str(body["id"])).exists()


def test_api_create_at_an_unseen_school_is_not_found_and_office_is_forbidden(world, client):
    client.force_login(user(world, "inspector"))
    url = reverse("api:inspections-finding-list")
    assert client.post(url, {"school": world.b.schools[0].pk, "description": "x"}).status_code == 404
    client.force_login(user(world, "office_admin"))
    assert client.post(url, {"school": world.a.schools[0].pk, "description": "x"}).status_code == 403


def test_finding_list_filters_by_severity(world, client):
    inspector = user(world, "inspector")
    finding_record(actor=inspector, school_id=world.a.schools[0].pk, severity="urgent", description="消防通道堵塞")
    finding_record(actor=inspector, school_id=world.a.schools[0].pk, severity="minor", description="公示栏破损")
    client.force_login(inspector)

    html = client.get(reverse("inspections:finding_list") + "?severity=urgent").content.decode()

    assert "消防通道堵塞" in html and "公示栏破损" not in html
