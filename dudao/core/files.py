"""Uploaded files kept with their SHA-256: one check, one way to store, one way to read them back.

Every model that keeps an uploaded file inherits ``dudao.core.models.StoredFile`` (the file, its
name, size, real content type, SHA-256, uploader and upload time). Three functions serve them all:

* ``validate_upload(uploaded_file, model=None)`` checks size, real type (by content, not by name),
  the extension against the content and, for photos, that Pillow decodes the image; it returns
  what it learnt (``CheckedUpload``: type, size, SHA-256, name) or raises
  ``ValidationError({"file": [...]})``. A model narrows what it takes with ``accepts`` (a
  ``FileKinds``) and ``upload_limit()``; forms call it in ``clean`` to report errors early.
* ``store_file(model_or_row, uploaded_file, *, user, **fields)`` checks the file, writes the bytes
  to the storage and saves the row with the facts checked. The bytes are written at once: a
  rolled-back transaction can leave an unused file behind, never a row without its file.
* ``open_verified(stored)`` reads the stored bytes back and compares size and SHA-256 with the row:
  it returns a file holding exactly the bytes verified (served by the download views), or raises
  ``FileCheckFailed`` (``missing``: 410, ``altered``: 409). ``verify_file(stored)`` answers the
  same question as a yes or no.

The bytes live in the default storage (``STORAGES["default"]``): a folder, or an S3-compatible
object store (``DUDAO_MEDIA_STORAGE=s3``). Code reads and writes them through the storage API
(``FieldFile.open()``, ``default_storage``), never through a path; ``media_on_disk()`` says whether
the folder-only tools (the disk space check, the backup's folder walk) apply.

Accepted by default: JPEG, PNG and WebP photos, PDF, Word ``.docx`` and Excel ``.xlsx``, at most
``MAX_UPLOAD_SIZE`` (20 MB).
"""

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_SIZE = 20 * 1024 * 1024
CHUNK = 64 * 1024
MB = 1024 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# content type -> the file name extensions that may carry it
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class FileKinds:
    """The content types a kind of stored file accepts, and the words refusing any other
    (``{name}`` is the file's name)."""

    types: frozenset[str]
    refusal: str


ANY_FILE = FileKinds(frozenset(EXTENSIONS), gettext_lazy(
    "{name}: only JPEG, PNG or WebP photos, PDF, Word (.docx) and Excel (.xlsx) files are accepted."))
PHOTOS = FileKinds(IMAGE_TYPES, gettext_lazy("{name}: only JPEG, PNG or WebP photos are accepted."))


@dataclass(frozen=True)
class CheckedUpload:
    """What ``validate_upload`` learnt about a file: its real type, size and digest."""

    content_type: str
    size: int
    sha256: str
    name: str


class FileCheckFailed(Exception):
    """The stored file is gone (``missing``) or no longer matches its SHA-256 (``altered``)."""

    def __init__(self, stored, kind: str):
        super().__init__(f"{stored._meta.label} {stored.pk}: {kind}")
        self.stored = stored
        self.kind = kind

    @property
    def status_code(self) -> int:
        return 410 if self.kind == "missing" else 409


def media_on_disk(storage=None) -> bool:
    """Whether the stored files are in a folder of this machine (or a shared one), not an object store."""
    return isinstance(storage or default_storage, FileSystemStorage)


def sniff(uploaded_file) -> str | None:
    """The content type the bytes say, whatever the file is called (``None``: none we know)."""
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
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


def validate_upload(uploaded_file, model=None) -> CheckedUpload:
    """Checks size, real type, extension and (for photos) decoding against what ``model`` (a
    ``StoredFile``) accepts, any kind of at most 20 MB without one; returns the facts or raises
    ``ValidationError({"file": [...]})``."""
    accepts = model.accepts if model is not None else ANY_FILE
    limit = model.upload_limit() if model is not None else MAX_UPLOAD_SIZE
    name = os.path.basename(getattr(uploaded_file, "name", "") or "file")
    size = uploaded_file.size
    if size is None or size > limit:
        raise ValidationError({"file": [_("{name}: the file is larger than {limit} MB.").format(
            name=name, limit=f"{round(limit / MB, 1):g}")]})
    if size == 0:
        raise ValidationError({"file": [_("{name}: the file is empty.").format(name=name)]})
    content_type = sniff(uploaded_file)
    if content_type not in accepts.types:
        raise ValidationError({"file": [accepts.refusal.format(name=name)]})
    extension = os.path.splitext(name)[1].lower()
    photo_extensions = {e for t in IMAGE_TYPES & accepts.types for e in EXTENSIONS[t]}
    renamed_photo = content_type in IMAGE_TYPES and extension in photo_extensions  # e.g. a PNG saved as .jpg
    if extension not in EXTENSIONS[content_type] and not renamed_photo:
        raise ValidationError({"file": [_("{name}: the file name does not match its content.").format(name=name)]})
    if content_type in IMAGE_TYPES and not _image_decodes(uploaded_file, content_type):
        raise ValidationError({"file": [_("{name}: the image cannot be read.").format(name=name)]})
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in iter(lambda: uploaded_file.read(CHUNK), b""):
        digest.update(chunk)
    uploaded_file.seek(0)
    return CheckedUpload(content_type=content_type, size=size, sha256=digest.hexdigest(), name=name)


def store_file(model_or_row, uploaded_file, /, *, user, checked: CheckedUpload | None = None, **fields):
    """Stores ``uploaded_file`` as a ``StoredFile`` row and returns it.

    ``model_or_row`` is the model (the row is made of ``fields``) or an unsaved row; ``user`` is the
    uploader (``None`` for the public). The file is checked against what the model accepts, unless
    the caller passes ``checked``, the ``validate_upload`` of this same file, having checked it
    before changing anything. Raises ``ValidationError({"file": [...]})`` for a refused file."""
    row = model_or_row(**fields) if isinstance(model_or_row, type) else model_or_row
    checked = checked or validate_upload(uploaded_file, type(row))
    row.original_name = checked.name[:200]
    row.content_type, row.size, row.sha256 = checked.content_type, checked.size, checked.sha256
    row.uploaded_by = user
    uploaded_file.seek(0)
    row.file.save(get_valid_filename(checked.name) or "file", uploaded_file, save=False)
    row.save()
    return row


def _read_checked(stored, copy=None) -> None:
    """Reads the stored bytes (into ``copy``, if given) and compares size and SHA-256 with the row."""
    storage = stored.file.storage
    if not stored.file.name or not storage.exists(stored.file.name):
        raise FileCheckFailed(stored, "missing")
    digest = hashlib.sha256()
    size = 0
    try:
        with storage.open(stored.file.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                if copy is not None:
                    copy.write(chunk)
    except OSError:
        raise FileCheckFailed(stored, "missing")
    if size != stored.size or digest.hexdigest() != stored.sha256:
        raise FileCheckFailed(stored, "altered")


def open_verified(stored):
    """The stored bytes in a temporary file, after checking size and SHA-256 against the row.

    The caller serves the returned file (positioned at 0) and closes it; the bytes served are the
    bytes verified, even if the storage changes meanwhile. Raises ``FileCheckFailed``."""
    copy = tempfile.SpooledTemporaryFile(max_size=2 * MB)  # noqa: SIM115 (returned to the caller)
    try:
        _read_checked(stored, copy)
    except FileCheckFailed:
        copy.close()
        raise
    copy.seek(0)
    return copy


def verify_file(stored) -> bool:
    """Whether the stored bytes are still there and still match the row's size and SHA-256."""
    try:
        _read_checked(stored)
    except FileCheckFailed:
        return False
    return True
