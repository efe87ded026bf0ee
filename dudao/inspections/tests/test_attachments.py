"""Evidence files: what is accepted (by content, not by name), the SHA-256 and size kept with each
file, and the checked download that refuses a file whose bytes changed."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from docx import Document
from openpyxl import Workbook

from dudao.audit.models import AuditEvent
from dudao.core.files import MAX_UPLOAD_SIZE
from dudao.inspections.models import Attachment
from dudao.inspections.services.attachments import attachment_store
from dudao.inspections.services.visits import visit_attachment_add
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.visit_fixtures import png_bytes, record_visit, upload, user


@pytest.fixture(autouse=True)
def _messages_in_english():
    """These tests read the wording of service errors: read them in the source language."""
    with translation.override("en"):
        yield

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("整改报告")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "台账"
    book.save(buffer)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(world):
    return record_visit(user(world, "a", "inspector"), world.a.schools[0])


def store(world, name, data, visit=None):
    return attachment_store(actor=user(world, "a", "inspector"), school=world.a.schools[0],
                            uploaded_file=upload(name, data), visit=visit)


# ---- what is accepted -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "make", "content_type"), [
    ("照片.png", png_bytes, "image/png"),
    ("现场.jpg", lambda: png_bytes(fmt="JPEG"), "image/jpeg"),
    ("现场.webp", lambda: png_bytes(fmt="WEBP"), "image/webp"),
    ("通知.pdf", lambda: PDF, "application/pdf"),
    ("报告.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_accepted_file_is_stored_with_its_sha256_size_and_real_type(world, draft, name, make, content_type):
    # given a real file of an accepted kind
    data = make()

    # when it is stored on the draft
    attachment = store(world, name, data, visit=draft)

    # then the row holds the digest, size and type of the bytes, and the storage holds the bytes
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.size == len(data)
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    with attachment.file.open("rb") as stored:
        assert stored.read() == data
    assert AuditEvent.objects.filter(action="inspections.attachment.add", target_id=str(attachment.pk)).exists()


def test_program_renamed_as_a_photo_is_refused(world, draft):
    # given a Windows program called .jpg
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"

    # when it is uploaded, then it is refused and nothing is stored
    with pytest.raises(ValidationError) as refused:
        store(world, "现场照片.jpg", exe, visit=draft)
    assert "file" in refused.value.message_dict
    assert not Attachment.objects.exists()


def test_image_that_does_not_decode_is_refused(world, draft):
    # given a PNG cut off after its header: the signature says image, the pixels are missing
    broken = png_bytes(size=(400, 300))[:60]

    with pytest.raises(ValidationError) as refused:
        store(world, "broken.png", broken, visit=draft)
    assert "cannot be read" in " ".join(refused.value.message_dict["file"])
    assert not Attachment.objects.exists()


def test_file_over_20_mb_is_refused(world, draft):
    # given a 25 MB PDF
    big = PDF + b"0" * (25 * 1024 * 1024)

    with pytest.raises(ValidationError) as refused:
        store(world, "big.pdf", big, visit=draft)
    assert "20 MB" in " ".join(refused.value.message_dict["file"])
    assert MAX_UPLOAD_SIZE == 20 * 1024 * 1024


def test_file_of_a_school_outside_the_scope_is_not_found(world):
    with pytest.raises(type(world.b.schools[0]).DoesNotExist):
        attachment_store(actor=user(world, "a", "inspector"), school=world.b.schools[0],
                         uploaded_file=upload("p.png", png_bytes()))


def test_file_on_another_schools_visit_is_refused(world, draft):
    # given a school of the inspector other than the draft's
    with pytest.raises(ValidationError):
        attachment_store(actor=user(world, "a", "inspector"), school=world.a.schools[2],
                         uploaded_file=upload("p.png", png_bytes()), visit=draft)


def test_user_without_the_capability_cannot_store(world):
    with pytest.raises(PermissionDenied):
        attachment_store(actor=user(world, "a", "office_staff"), school=world.a.schools[0],
                         uploaded_file=upload("p.png", png_bytes()))


# ---- the checked download ---------------------------------------------------------------------

def stored_photo(world, visit):
    attachment, _ = visit_attachment_add(actor=user(world, "a", "inspector"), visit_id=visit.pk,
                                         uploaded_file=upload("校门.png", png_bytes()))
    return attachment


def overwrite(attachment, data: bytes) -> None:
    with open(attachment.file.path, "wb") as f:
        f.write(data)


def test_intact_file_is_served_as_stored(world, client, draft):
    # given a photo on the draft
    attachment = stored_photo(world, draft)
    client.force_login(user(world, "a", "inspector"))

    # when it is downloaded
    response = client.get(reverse("inspections:attachment_download", args=[attachment.pk]))

    # then the bytes are those uploaded, typed by content and not sniffable as anything else
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == attachment.sha256
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_altered_file_is_refused_with_a_clear_page(world, client, draft):
    # given a stored photo whose bytes were changed on the disk afterwards
    attachment = stored_photo(world, draft)
    overwrite(attachment, png_bytes(color="blue"))
    client.force_login(user(world, "a", "inspector"))

    # when it is downloaded
    response = client.get(reverse("inspections:attachment_download", args=[attachment.pk]))

    # then 409 with a page that names the problem, and an audit event; no bytes are served
    assert response.status_code == 409
    assert b"data-testid=\"integrity-error\"" in response.content
    assert attachment.sha256.encode() in response.content
    assert AuditEvent.objects.filter(action="inspections.attachment.integrity_failure", reason="altered").exists()


def test_same_size_tampering_is_caught_by_the_digest(world, client, draft):
    # given a stored photo with one byte flipped (same size)
    attachment = stored_photo(world, draft)
    with open(attachment.file.path, "rb") as f:
        data = bytearray(f.read())
    data[-10] ^= 0xFF
    overwrite(attachment, bytes(data))
    client.force_login(user(world, "a", "inspector"))

    response = client.get(reverse("inspections:attachment_download", args=[attachment.pk]))
    assert response.status_code == 409


def test_missing_file_answers_gone(world, client, draft):
    attachment = stored_photo(world, draft)
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(user(world, "a", "inspector"))

    response = client.get(reverse("inspections:attachment_download", args=[attachment.pk]))

    assert response.status_code == 410
    assert b"integrity-error" in response.content


def test_api_download_checks_the_digest_too(world, client, draft):
    attachment = stored_photo(world, draft)
    client.force_login(user(world, "a", "inspector"))
    url = reverse("api:inspections-attachment-download", args=[attachment.pk])

    assert client.get(url).status_code == 200
    overwrite(attachment, b"\x89PNG\r\n\x1a\n" + b"0" * 40)
    response = client.get(url)
    assert response.status_code == 409
    assert response.json()["kind"] == "altered"


def test_file_of_another_county_is_not_found(world, client):
    # given a photo on a visit of county B
    from dudao.inspections.tests.visit_fixtures import record_visit as record

    b_inspector = user(world, "b", "inspector")
    b_visit = record(b_inspector, world.b.schools[0], submit=False)
    attachment, _ = visit_attachment_add(actor=b_inspector, visit_id=b_visit.pk, uploaded_file=upload("p.png", png_bytes()))

    # when county A's inspector asks for it, then 404 on the page and in the API
    client.force_login(user(world, "a", "inspector"))
    assert client.get(reverse("inspections:attachment_download", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("api:inspections-attachment-download", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("api:inspections-attachment-detail", args=[attachment.pk])).status_code == 404


def test_school_sees_the_photos_only_once_the_visit_is_submitted(world, client, draft):
    # given a photo on a draft at the liaison's school
    attachment = stored_photo(world, draft)
    client.force_login(user(world, "a", "school_liaison"))
    url = reverse("inspections:attachment_download", args=[attachment.pk])

    # then the liaison does not find it while it is a draft
    assert client.get(url).status_code == 404

    # when the inspector submits the visit, then the liaison can open it
    from dudao.inspections.services.visits import visit_submit

    visit_submit(actor=user(world, "a", "inspector"), visit_id=draft.pk)
    assert client.get(url).status_code == 200
