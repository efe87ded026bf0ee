"""Stored files: the one check of an upload (real type, size, decoding), the SHA-256 kept with the
bytes written, and the read-back that notices a file changed or lost after upload."""

import hashlib
import io
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from dudao.core.files import MAX_UPLOAD_SIZE, FileCheckFailed, open_verified, store_file, validate_upload, verify_file
from dudao.core.testing.factories import SchoolFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _messages_in_english():
    """These tests read the wording of the refusals: read them in the source language."""
    with translation.override("en"):
        yield


def png_bytes(size=(16, 12), color="red", fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refusal(name: str, data: bytes, model=None) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload(name, data), model)
    return " ".join(refused.value.message_dict["file"])


# ---- the check ------------------------------------------------------------------------------------

def test_a_photo_passes_with_its_real_type_size_and_digest():
    data = png_bytes()
    checked = validate_upload(upload("校门.png", data))
    assert (checked.content_type, checked.size, checked.name) == ("image/png", len(data), "校门.png")
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_a_program_called_a_photo_is_refused_as_no_photo():
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
    message = refusal("现场照片.jpg", exe)
    assert message.startswith("现场照片.jpg: only JPEG, PNG or WebP photos, PDF, Word")


def test_a_photo_that_does_not_decode_is_refused():
    # the PNG signature is there, the pixels are not
    assert refusal("broken.png", png_bytes(size=(400, 300))[:60]) == "broken.png: the image cannot be read."


def test_a_file_over_20_mb_is_refused_with_the_limit():
    big = PDF + b"0" * (MAX_UPLOAD_SIZE - len(PDF) + 1)
    assert refusal("big.pdf", big) == "big.pdf: the file is larger than 20 MB."
    assert validate_upload(upload("full.pdf", big[:MAX_UPLOAD_SIZE])).size == MAX_UPLOAD_SIZE


def test_zip_that_is_not_an_office_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.sh", "echo hi")
    assert "only JPEG, PNG or WebP photos" in refusal("report.docx", buffer.getvalue())


def test_pdf_named_as_word_is_refused():
    assert refusal("report.docx", PDF) == "report.docx: the file name does not match its content."


def test_empty_file_is_refused():
    assert refusal("empty.pdf", b"") == "empty.pdf: the file is empty."


def test_each_model_keeps_its_own_kinds_and_limit(settings):
    photo, case_file = apps.get_model("complaints", "ComplaintPhoto"), apps.get_model("inspectors", "CaseAttachment")
    # a complaint takes photos only, up to DUDAO_COMPLAINT_PHOTO_MAX_BYTES; a case takes no WebP
    assert refusal("notes.pdf", PDF, photo) == "notes.pdf: only JPEG, PNG or WebP photos are accepted."
    settings.DUDAO_COMPLAINT_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    big_photo = png_bytes() + b"\0" * (5 * 1024 * 1024)
    assert refusal("big.png", big_photo, photo) == "big.png: the file is larger than 5 MB."
    assert "only JPEG or PNG photos" in refusal("现场.webp", png_bytes(fmt="WEBP"), case_file)
    assert validate_upload(upload("现场.webp", png_bytes(fmt="WEBP"))).content_type == "image/webp"


# ---- storing and reading back -----------------------------------------------------------------------

@pytest.fixture
def stored(db):
    """A real file stored as a school's evidence file (the simplest owner of a ``StoredFile``)."""
    return store_file(apps.get_model("inspections", "Attachment"), upload("附件.pdf", PDF), user=UserFactory(),
                      school=SchoolFactory())


def test_a_stored_file_keeps_the_sha256_of_the_bytes_written(stored):
    row = type(stored).objects.get(pk=stored.pk)
    with row.file.open("rb") as handle:
        written = handle.read()
    assert written == PDF and row.sha256 == hashlib.sha256(written).hexdigest()
    assert (row.original_name, row.size, row.content_type) == ("附件.pdf", len(PDF), "application/pdf")
    assert row.uploaded_by_id is not None and row.uploaded_at == row.created_at
    assert verify_file(row)
    with open_verified(row) as copy:
        assert copy.read() == PDF


def test_verify_notices_a_file_changed_after_upload(stored):
    with open(stored.file.path, "r+b") as handle:  # one byte flipped: the size stays the same
        handle.seek(-3, io.SEEK_END)
        handle.write(b"X")
    assert not verify_file(stored)
    with pytest.raises(FileCheckFailed) as failed:
        open_verified(stored)
    assert (failed.value.kind, failed.value.status_code) == ("altered", 409)


def test_verify_notices_a_file_gone_from_the_storage(stored):
    stored.file.storage.delete(stored.file.name)
    assert not verify_file(stored)
    with pytest.raises(FileCheckFailed) as failed:
        open_verified(stored)
    assert (failed.value.kind, failed.value.status_code) == ("missing", 410)
