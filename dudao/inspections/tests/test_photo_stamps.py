"""A visit's photos as evidence: each keeps when it was taken (EXIF DateTimeOriginal, else the
upload) and the visit's check-in; pages show a copy stamped with school, time and visit number,
while the original stays as uploaded, with its SHA-256, downloadable."""

import datetime
import hashlib
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageChops
from rest_framework.test import APIClient

from dudao.audit.models import AuditEvent
from dudao.inspections.services.visits import visit_attachment_add, visit_save_draft
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.visit_fixtures import png_bytes, record_visit, upload, user
from dudao.inspections.watermark import capture_time
from dudao.organizations.models import School

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root


def jpeg_with_exif(taken: str, size=(640, 480)) -> bytes:
    image = Image.new("RGB", size, (40, 120, 200))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = taken  # DateTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


@pytest.fixture
def draft(world):
    school = world.a.schools[0]
    School.objects.filter(pk=school.pk).update(latitude="28.682892", longitude="115.858198")
    actor = user(world, "a", "inspector")
    visit = record_visit(actor, school)
    visit, _ = visit_save_draft(actor=actor, client_uuid=visit.client_uuid, school_id=school.pk, data={},
                                checkin={"latitude": "28.683656", "longitude": "115.858198"})
    return visit


def add(world, visit, name, data, content_type):
    attachment, _ = visit_attachment_add(actor=user(world, "a", "inspector"), visit_id=visit.pk,
                                         uploaded_file=upload(name, data, content_type))
    attachment.refresh_from_db()
    return attachment


def test_exif_capture_time_is_read_in_the_sites_time_zone():
    assert capture_time(io.BytesIO(jpeg_with_exif("2025:10:14 09:30:05"))) == timezone.make_aware(
        datetime.datetime(2025, 10, 14, 9, 30, 5))
    assert capture_time(io.BytesIO(png_bytes())) is None


def test_photo_keeps_capture_time_checkin_and_a_stamped_copy(world, draft):
    original = jpeg_with_exif("2025:10:14 09:30:05")
    photo = add(world, draft, "校门口.jpg", original, "image/jpeg")

    # the original is the uploaded bytes, its SHA-256 unchanged
    assert photo.sha256 == hashlib.sha256(original).hexdigest() and photo.size == len(original)
    with photo.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == photo.sha256
    # capture time from EXIF, the check-in as it stood
    assert photo.captured_at == timezone.make_aware(datetime.datetime(2025, 10, 14, 9, 30, 5))
    assert (photo.checkin_status, photo.checkin_distance_m) == ("within", 85)

    # the stamped copy: same size, visibly different at the bottom, matching its own SHA-256
    with photo.stamped.open("rb") as handle:
        stamped_bytes = handle.read()
    assert hashlib.sha256(stamped_bytes).hexdigest() == photo.stamped_sha256 != photo.sha256
    stamped = Image.open(io.BytesIO(stamped_bytes))
    source = Image.open(io.BytesIO(original)).convert("RGB")
    assert stamped.size == source.size == (640, 480)
    difference = ImageChops.difference(stamped.convert("RGB"), source)
    box = difference.getbbox()
    assert box is not None and box[3] == 480  # the band lies along the bottom edge
    band = difference.crop((0, 400, 640, 480)).convert("L")
    assert band.getextrema()[1] > 100  # white text on a dark band, not JPEG noise
    top = difference.crop((0, 0, 640, 200)).convert("L")
    assert top.getextrema()[1] < 40  # the rest of the picture is the photo
    assert AuditEvent.objects.filter(action="inspections.attachment.stamp", target_id=str(photo.pk)).exists()


def test_photo_without_exif_is_dated_by_its_upload(world, draft):
    photo = add(world, draft, "操场.png", png_bytes((200, 150)), "image/png")
    assert photo.captured_at == photo.created_at
    assert Image.open(photo.stamped.open("rb")).size == (200, 150)


def test_pages_show_the_stamped_copy_and_keep_the_original_downloadable(world, draft, client):
    original = jpeg_with_exif("2025:10:14 09:30:05")
    photo = add(world, draft, "校门口.jpg", original, "image/jpeg")
    pdf = add(world, draft, "记录.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    assert not pdf.stamped and pdf.captured_at is None
    client.force_login(user(world, "a", "inspector"))
    html = client.get(draft.get_absolute_url()).content.decode()
    assert reverse("inspections:attachment_stamped", args=[photo.pk]) in html
    assert "拍摄于 2025-10-14 09:30" in html
    shown = client.get(reverse("inspections:attachment_stamped", args=[photo.pk]))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert hashlib.sha256(shown.content).hexdigest() == photo.stamped_sha256
    kept = client.get(reverse("inspections:attachment_download", args=[photo.pk]) + "?download=1")
    assert hashlib.sha256(b"".join(kept.streaming_content)).hexdigest() == hashlib.sha256(original).hexdigest()

    # a copy that was altered is not shown: the page falls back to the checked original
    with photo.stamped.storage.open(photo.stamped.name, "wb") as handle:
        handle.write(b"not the copy")
    fallback = client.get(reverse("inspections:attachment_stamped", args=[photo.pk]))
    assert fallback.status_code == 302 and fallback["Location"].endswith(
        reverse("inspections:attachment_download", args=[photo.pk]))


def test_api_carries_capture_time_and_the_stamped_copy(world, draft):
    photo = add(world, draft, "校门口.jpg", jpeg_with_exif("2025:10:14 09:30:05"), "image/jpeg")
    client = APIClient()
    client.force_authenticate(user(world, "a", "inspector"))
    data = client.get(reverse("api:inspections-attachment-detail", args=[photo.pk])).data
    assert data["checkin_status"] == "within" and data["stamped_sha256"] == photo.stamped_sha256
    copy = client.get(data["stamped_url"])
    assert copy.status_code == 200 and hashlib.sha256(copy.content).hexdigest() == photo.stamped_sha256
    outsider = APIClient()
    outsider.force_authenticate(user(world, "b", "inspector"))
    assert outsider.get(reverse("api:inspections-attachment-stamped", args=[photo.pk])).status_code == 404


def test_photos_stored_before_stamping_get_their_copy_once(world, draft):
    # given a photo stored before photos were stamped (no copy, no capture time) and one whose file was damaged
    from django.core.management import call_command

    old = add(world, draft, "old.jpg", jpeg_with_exif("2025:10:14 09:30:05"), "image/jpeg")
    damaged = add(world, draft, "damaged.png", png_bytes(), "image/png")
    for photo in (old, damaged):
        photo.stamped.delete(save=False)
    type(old).objects.filter(pk__in=[old.pk, damaged.pk]).update(stamped="", stamped_sha256="", captured_at=None)
    with damaged.file.open("wb") as handle:
        handle.write(b"not the photo any more")
    # when the operator runs the command after upgrading
    out, err = io.StringIO(), io.StringIO()
    call_command("stamp_photos", stdout=out, stderr=err)
    # then the intact photo has its stamped copy and capture time, the damaged one is reported and left as it is
    old.refresh_from_db()
    damaged.refresh_from_db()
    assert out.getvalue().strip() == "1 photo(s) stamped."
    assert f"attachment ids {damaged.pk}" in err.getvalue()
    with old.stamped.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == old.stamped_sha256
    assert old.captured_at == timezone.make_aware(datetime.datetime(2025, 10, 14, 9, 30, 5))
    assert not damaged.stamped and AuditEvent.objects.filter(
        action="inspections.attachment.integrity_failure", target_id=str(damaged.pk)).exists()
    # and running it again stamps nothing new
    out = io.StringIO()
    call_command("stamp_photos", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "0 photo(s) stamped."
