"""Evidence files (photos, PDFs, Word and Excel files) kept with their SHA-256 and size.

Shared by visits, findings and rectification reports. Two entry points:

* ``attachment_store(*, actor, school, uploaded_file, visit=None, finding=None, response=None)``
  checks the file (``validate_upload``), writes it to the storage, and creates the ``Attachment``
  row with its SHA-256, size and sniffed content type, plus an audit event. It raises
  ``ValidationError({"file": [...]})`` for a refused file, ``PermissionDenied`` when the actor may
  not add attachments, and ``School.DoesNotExist`` (404) when the school is outside their scope.
  Callers check their own state rules first (e.g. a closed rectification takes no more files).
* ``attachment_read_verified(attachment)`` reads the stored bytes back, recomputes the SHA-256 and
  returns a file holding exactly the verified bytes, or raises ``AttachmentIntegrityError`` when
  the file is gone (``missing``, HTTP 410) or its content changed (``altered``, HTTP 409). The
  checked download page is ``inspections:attachment_download`` (``Attachment.get_absolute_url``).

Accepted files (by their content, not their name): JPEG, PNG and WebP images, which must decode
with Pillow; PDF; Word ``.docx`` and Excel ``.xlsx``. At most ``MAX_UPLOAD_SIZE`` (20 MB).
"""

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from dudao.audit.services import record
from dudao.inspections.models import Attachment
from dudao.organizations.models import School

__all__ = [
    "ALLOWED_TYPES", "MAX_UPLOAD_SIZE", "AttachmentIntegrityError", "CheckedUpload",
    "attachment_read_verified", "attachment_store", "validate_upload",
]

MAX_UPLOAD_SIZE = 20 * 1024 * 1024
CHUNK = 64 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# content type -> the file name extensions that may carry it
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class CheckedUpload:
    """What ``validate_upload`` learnt about a file: its real type, size and digest."""

    content_type: str
    size: int
    sha256: str
    name: str


class AttachmentIntegrityError(Exception):
    """The stored file is gone (``missing``) or no longer matches its SHA-256 (``altered``)."""

    def __init__(self, attachment, kind: str):
        super().__init__(f"attachment {attachment.pk}: {kind}")
        self.attachment = attachment
        self.kind = kind

    @property
    def status_code(self) -> int:
        return 410 if self.kind == "missing" else 409


def _sniff(head: bytes, uploaded_file) -> str | None:
    """The content type the bytes say, whatever the file is called."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        uploaded_file.seek(0)
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


def _image_decodes(uploaded_file, content_type: str) -> bool:
    """Pillow must open, verify and fully decode the image (a renamed or truncated file fails)."""
    try:
        uploaded_file.seek(0)
        with Image.open(uploaded_file) as img:
            if img.format != PILLOW_FORMATS[content_type]:
                return False
            img.verify()
        uploaded_file.seek(0)
        with Image.open(uploaded_file) as img:
            img.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def validate_upload(uploaded_file) -> CheckedUpload:
    """Checks size, real type, extension and (for images) decoding; returns the facts or raises
    ``ValidationError({"file": [...]})``. Forms may call it in ``clean`` to report errors early."""
    name = os.path.basename(getattr(uploaded_file, "name", "") or "file")
    size = uploaded_file.size
    if size is None or size > MAX_UPLOAD_SIZE:
        raise ValidationError({"file": [_("{name}: the file is larger than {limit} MB.").format(
            name=name, limit=MAX_UPLOAD_SIZE // (1024 * 1024))]})
    if size == 0:
        raise ValidationError({"file": [_("{name}: the file is empty.").format(name=name)]})
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    content_type = _sniff(head, uploaded_file)
    if content_type is None:
        raise ValidationError({"file": [_(
            "{name}: only JPEG, PNG or WebP photos, PDF, Word (.docx) and Excel (.xlsx) files are accepted."
        ).format(name=name)]})
    extension = os.path.splitext(name)[1].lower()
    image_extensions = {e for t in IMAGE_TYPES for e in ALLOWED_TYPES[t]}
    renamed_photo = content_type in IMAGE_TYPES and extension in image_extensions  # e.g. a PNG saved as .jpg
    if extension not in ALLOWED_TYPES[content_type] and not renamed_photo:
        raise ValidationError({"file": [_("{name}: the file name does not match its content.").format(name=name)]})
    if content_type in IMAGE_TYPES and not _image_decodes(uploaded_file, content_type):
        raise ValidationError({"file": [_("{name}: the image cannot be read.").format(name=name)]})
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in iter(lambda: uploaded_file.read(CHUNK), b""):
        digest.update(chunk)
    uploaded_file.seek(0)
    return CheckedUpload(content_type=content_type, size=size, sha256=digest.hexdigest(), name=name)


def _parent_school_id(visit, finding, response) -> int | None:
    if visit is not None:
        return visit.school_id
    if finding is not None:
        return finding.school_id
    if response is not None:
        return response.rectification.school_id
    return None


@transaction.atomic
def attachment_store(*, actor, school, uploaded_file, visit=None, finding=None, response=None) -> Attachment:
    """Stores an evidence file of ``school``, attached to at most one of visit, finding or response.

    The bytes are written to the storage at once (a rolled-back transaction can leave an unused
    file behind, never a row without its file).
    """
    if not actor.has_perm("inspections.add_attachment"):
        raise PermissionDenied
    school = School.objects.get_for_change(actor, getattr(school, "pk", school), permission="inspections.add_attachment")
    if sum(parent is not None for parent in (visit, finding, response)) > 1:
        raise ValidationError(_("A file belongs to one visit, finding or report."))
    parent_school = _parent_school_id(visit, finding, response)
    if parent_school is not None and parent_school != school.pk:
        raise ValidationError(_("The file belongs to another school than the record."))
    checked = validate_upload(uploaded_file)
    stored_name = get_valid_filename(checked.name) or "file"
    attachment = Attachment(
        school=school, visit=visit, finding=finding, response=response,
        original_name=checked.name[:200], content_type=checked.content_type, size=checked.size,
        sha256=checked.sha256, uploaded_by=actor,
    )
    uploaded_file.seek(0)
    attachment.file.save(stored_name, uploaded_file, save=False)
    attachment.save()
    record(actor=actor, action="inspections.attachment.add", target=attachment,
           changes={"file": [None, checked.name], "sha256": [None, checked.sha256], "size": [None, checked.size]})
    return attachment


def attachment_read_verified(attachment: Attachment, *, actor=None):
    """The stored bytes in a temporary file, after checking size and SHA-256 against the row.

    The caller serves the returned file (positioned at 0) and closes it; the bytes served are the
    bytes verified, even if the storage changes meanwhile. A failed check raises
    ``AttachmentIntegrityError`` and, with an ``actor``, writes ``inspections.attachment.integrity_failure``
    to the audit log (who met the damaged file, and how it was damaged).
    """
    try:
        return _read_verified(attachment)
    except AttachmentIntegrityError as exc:
        if actor is not None:
            record(actor=actor, action="inspections.attachment.integrity_failure", target=attachment,
                   reason=exc.kind)
        raise


def _read_verified(attachment: Attachment):
    storage = attachment.file.storage
    if not attachment.file.name or not storage.exists(attachment.file.name):
        raise AttachmentIntegrityError(attachment, "missing")
    digest = hashlib.sha256()
    size = 0
    copy = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)  # noqa: SIM115 (returned to the caller)
    try:
        with storage.open(attachment.file.name, "rb") as stored:
            for chunk in iter(lambda: stored.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                copy.write(chunk)
    except OSError:
        copy.close()
        raise AttachmentIntegrityError(attachment, "missing")
    if size != attachment.size or digest.hexdigest() != attachment.sha256:
        copy.close()
        raise AttachmentIntegrityError(attachment, "altered")
    copy.seek(0)
    return copy
