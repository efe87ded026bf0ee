"""Evidence files (photos, PDFs, Word and Excel files) of visits, findings and rectification reports.

Two entry points, on top of ``dudao.core.files`` (the check, the SHA-256, the verified read):

* ``attachment_store(*, actor, school, uploaded_file, visit=None, finding=None, response=None)``
  checks the file, writes it to the storage, and creates the ``Attachment`` row with its SHA-256,
  size and sniffed content type, plus an audit event. It raises ``ValidationError({"file": [...]})``
  for a refused file, ``PermissionDenied`` when the actor may not add attachments, and
  ``School.DoesNotExist`` (404) when the school is outside their scope. Callers check their own
  state rules first (e.g. a closed rectification takes no more files).
* ``attachment_read_verified(attachment, *, actor)`` returns a file holding exactly the stored
  bytes after checking them against the row, or raises ``FileCheckFailed`` when the file is gone
  (``missing``, HTTP 410) or its content changed (``altered``, HTTP 409), and audits who met the
  damaged file. The checked download page is ``inspections:attachment_download``
  (``Attachment.get_absolute_url``).

A visit's photo also keeps when it was taken and the visit's check-in, and gets a stamped copy
(``visit_photo_stamp``); pages show the copy (``attachment_read_stamped``), the original stays the
file downloaded, unchanged, with its SHA-256.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dudao.audit.services import record
from dudao.core.files import FileCheckFailed, open_verified, store_file
from dudao.inspections.models import Attachment
from dudao.inspections.watermark import capture_time, stamp
from dudao.organizations.models import School

__all__ = ["attachment_read_stamped", "attachment_read_verified", "attachment_store", "visit_photo_stamp",
           "visit_photos_stamp_missing"]


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
    attachment = store_file(Attachment, uploaded_file, user=actor, school=school, visit=visit, finding=finding,
                            response=response)
    record(actor=actor, action="inspections.attachment.add", target=attachment,
           changes={"file": [None, attachment.original_name], "sha256": [None, attachment.sha256],
                    "size": [None, attachment.size]})
    return attachment


def attachment_read_verified(attachment: Attachment, *, actor):
    """The stored bytes in a temporary file, after checking size and SHA-256 against the row
    (``dudao.core.files.open_verified``); a failed check raises ``FileCheckFailed`` and writes
    ``inspections.attachment.integrity_failure`` to the audit log (who met the damaged file, and
    how it was damaged)."""
    try:
        return open_verified(attachment)
    except FileCheckFailed as exc:
        record(actor=actor, action="inspections.attachment.integrity_failure", target=attachment, reason=exc.kind)
        raise


def stamp_lines(*, school_name: str, when, visit_id: int) -> list[str]:
    """The words on a visit photo, in the site's language (the copy is made once, for every reader)."""
    with translation.override(settings.LANGUAGE_CODE):
        return [school_name,
                _("Taken {time}").format(time=timezone.localtime(when).strftime("%Y-%m-%d %H:%M")),
                _("Visit record No. {number}").format(number=visit_id)]


def visit_photo_stamp(attachment: Attachment, *, actor, visit, uploaded_file) -> Attachment:
    """Records a visit photo's capture time (EXIF ``DateTimeOriginal``, else the upload) and the
    visit's check-in, and writes the stamped copy (school, time, visit number) with its SHA-256.
    The original row's file, size and SHA-256 are not touched."""
    attachment.captured_at = capture_time(uploaded_file) or attachment.created_at
    attachment.checkin_status = visit.checkin_status
    attachment.checkin_distance_m = visit.checkin_distance_m
    attachment.checkin_at = visit.checkin_at
    data = stamp(uploaded_file, stamp_lines(school_name=visit.school.name, when=attachment.captured_at,
                                            visit_id=visit.pk))
    attachment.stamped_sha256 = hashlib.sha256(data).hexdigest()
    stem = (attachment.original_name.rsplit(".", 1)[0] or "photo")[:80]
    attachment.stamped.save(f"{stem}-stamped.jpg", ContentFile(data), save=False)
    attachment.save(update_fields=["captured_at", "checkin_status", "checkin_distance_m", "checkin_at", "stamped",
                                   "stamped_sha256"])
    record(actor=actor, action="inspections.attachment.stamp", target=attachment,
           changes={"captured_at": [None, attachment.captured_at.isoformat()],
                    "checkin_status": [None, attachment.checkin_status],
                    "stamped_sha256": [None, attachment.stamped_sha256]})
    return attachment


def visit_photos_stamp_missing(*, actor=None) -> tuple[int, list[int]]:
    """Stamps the visit photos stored before photos were stamped, one at a time: the copy reads the
    original after checking its SHA-256; the capture time is the photo's EXIF time, else its upload.
    Returns how many were stamped and the ids of the photos whose original failed its check
    (logged as an integrity failure, left unstamped). Running it again stamps nothing new."""
    waiting = (Attachment.objects.filter(visit__isnull=False, content_type__startswith="image/", stamped="")  # scope: a maintenance job over every office
               .select_related("visit__school").order_by("pk"))
    stamped, failed = 0, []
    for attachment in waiting.iterator():
        try:
            original = attachment_read_verified(attachment, actor=actor)
        except FileCheckFailed:
            failed.append(attachment.pk)
            continue
        with original, transaction.atomic():
            visit_photo_stamp(attachment, actor=actor, visit=attachment.visit, uploaded_file=original)
        stamped += 1
    return stamped, failed


def attachment_read_stamped(attachment: Attachment) -> bytes | None:
    """The stamped copy's bytes when it is there and matches its SHA-256, else ``None`` (the page
    then shows the checked original)."""
    if not attachment.stamped or not attachment.stamped_sha256:
        return None
    try:
        with attachment.stamped.storage.open(attachment.stamped.name, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == attachment.stamped_sha256 else None
