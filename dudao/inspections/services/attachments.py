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
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dudao.audit.services import record
from dudao.core.files import FileCheckFailed, open_verified, store_file
from dudao.inspections.models import Attachment
from dudao.organizations.models import School

__all__ = ["attachment_read_verified", "attachment_store"]


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
