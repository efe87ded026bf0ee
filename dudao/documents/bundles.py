"""One bundle per school or office and year for an inspection from above (迎检): a zip of every
filed document and every piece of evidence the user may read, with a readable index.

The bundle is built by a background job in the scope of the user who asked for it. Every file is
checked against its SHA-256 on the way in; a file that fails is listed in the index, not packed.
Evidence files belong to the supervision loop, a layer up: they are reached by model name.
"""

import datetime
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dudao.core.excel import write_table
from dudao.documents.models import Document
from dudao.jobs.services import job_start
from dudao.organizations.models import Office, School

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class Entry:
    folder: str
    name: str
    kind: str
    title: str
    date: datetime.date | None
    sha256: str
    field: object  # the FieldFile to read
    number: str = ""
    source: object = None  # the Document or evidence row the file belongs to
    outcome: str = "ok"  # "missing" or "altered" when the file fails its check

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}"


def _safe(text: str, limit: int = 60) -> str:
    return _UNSAFE.sub("_", str(text)).strip()[:limit] or "_"


def _school_folder(school) -> str:
    return _safe(f"{school.code}-{school.name}" if getattr(school, "code", "") else school.name)


def bundle_scope(*, user, year: int, school_id: int | None = None, office_id: int | None = None):
    """The school or office of a bundle, read through the user's scope (``DoesNotExist`` → 404)."""
    if school_id is not None:
        return School.objects.for_user(user).select_related("region").get(pk=school_id)
    return Office.objects.for_user(user).select_related("region").get(pk=office_id)


def bundle_start(*, actor, year: int, school_id: int | None = None, office_id: int | None = None):
    """Starts the job that packs the year of a school (when ``school_id`` is given) or of an office,
    in the actor's scope and language; the page and the API call this. Without the right to start
    jobs: ``PermissionDenied``; a school or office out of scope: ``DoesNotExist`` (404)."""
    if not actor.has_perm("jobs.add_job"):
        raise PermissionDenied
    office_id = None if school_id is not None else office_id
    target = bundle_scope(user=actor, year=year, school_id=school_id, office_id=office_id)
    return job_start(actor=actor, kind="documents.bundle",
                     title=_("{name} {year} archive").format(name=target.name, year=year),
                     params={"year": year, "school": school_id, "office": office_id,
                             "language": translation.get_language(), "at": timezone.now().isoformat()})


def bundle_entries(*, user, year: int, school_id: int | None = None, office_id: int | None = None) -> list[Entry]:
    """Everything of the year the user may read about the school, or about the office's schools
    and the office itself, in folder order."""
    target = bundle_scope(user=user, year=year, school_id=school_id, office_id=office_id)
    documents = _of_target(Document.objects.for_user(user).filter(year=year).select_related("school"),
                           school_id=school_id, target=target, region_path="office__region__path")
    entries = []
    used: set[str] = set()
    for doc in documents.order_by("school__code", "school_id", "date", "pk"):
        top = _school_folder(doc.school) if doc.school_id and school_id is None else (
            "" if doc.school_id else _("Office"))
        folder = "/".join(p for p in (top, _("Documents"), _safe(doc.kind_label, 30)) if p)
        stem = _safe(f"{doc.date:%Y%m%d}-{doc.number or doc.title}")
        for fmt, field, digest in (("docx", doc.docx, doc.docx_sha256), ("pdf", doc.pdf, doc.pdf_sha256)):
            if not field:
                continue
            name = _unique(f"{stem}.{fmt}", folder, used)
            entries.append(Entry(folder, name, doc.kind_label, doc.title, doc.date, digest, field, doc.number, doc))
    entries.extend(_evidence(user=user, year=year, school_id=school_id, target=target, used=used))
    return entries


def _of_target(rows, *, school_id, target, region_path: str):
    """The ``rows`` of the school (``school_id``), else of the office's region and the regions below
    it (``region_path`` names the rows' region path)."""
    if school_id is not None:
        return rows.filter(school_id=target.pk)
    return rows.filter(**{f"{region_path}__startswith": target.region.path})


def _unique(name: str, folder: str, used: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while f"{folder}/{candidate}" in used:
        n += 1
        candidate = f"{stem}-{n}.{ext}" if dot else f"{name}-{n}"
    used.add(f"{folder}/{candidate}")
    return candidate


def _evidence(*, user, year, school_id, target, used) -> list[Entry]:
    if not apps.is_installed("dudao.inspections"):
        return []
    attachment = apps.get_model("inspections", "Attachment")
    rows = _of_target(attachment.objects.for_user(user).filter(created_at__year=year).select_related("school"),
                      school_id=school_id, target=target, region_path="school__region__path")
    entries = []
    for row in rows.order_by("school__code", "school_id", "created_at", "pk"):
        top = _school_folder(row.school) if school_id is None else ""
        folder = "/".join(p for p in (top, _("Evidence")) if p)
        date = timezone.localtime(row.created_at).date()
        name = _unique(_safe(f"{date:%Y%m%d}-{row.original_name}", 80), folder, used)
        entries.append(Entry(folder, name, _("Evidence"), row.original_name, date, row.sha256, row.file, source=row))
    return entries


def bundle_write(entries: list[Entry], *, heading: str, progress=None) -> bytes:
    """The zip: the files that pass their check, 索引.html and 索引.xlsx, and SHA256SUMS."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, entry in enumerate(entries, start=1):
            try:
                with entry.field.open("rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, OSError):
                entry.outcome = "missing"
            else:
                if hashlib.sha256(data).hexdigest() != entry.sha256:
                    entry.outcome = "altered"
                else:
                    archive.writestr(entry.path, data)
            if progress and (done % 20 == 0 or done == len(entries)):
                progress(done, len(entries))
        packed = [e for e in entries if e.outcome == "ok"]
        archive.writestr("SHA256SUMS", "".join(f"{e.sha256}  {e.path}\n" for e in packed))
        archive.writestr(_("index") + ".html", render_to_string("documents/bundle_index.html", {
            "heading": heading, "entries": entries, "made": timezone.localtime(), "packed": len(packed)}))
        headers = [_("Folder"), _("File"), _("Kind"), _("Title"), _("Document number"), _("Date"), "SHA-256",
                   _("Status")]
        status = {"ok": _("packed"), "missing": _("missing from storage"), "altered": _("altered: not packed")}
        rows = [[e.folder, e.name, e.kind, e.title, e.number, e.date, e.sha256, status[e.outcome]] for e in entries]
        archive.writestr(_("index") + ".xlsx", write_table(headers, rows, title=_("Index")))
    return out.getvalue()


def run_bundle_job(job, progress) -> None:
    """The ``documents.bundle`` job: builds the bundle in the scope of the user who asked for it."""
    params = job.params
    user = get_user_model().objects.get(pk=job.created_by_id)  # scope: the job owner, whose scope applies
    with translation.override(params.get("language") or translation.get_language()):
        entries = bundle_entries(user=user, year=params["year"], school_id=params.get("school"),
                                 office_id=params.get("office"))
        progress(0, len(entries))
        data = bundle_write(entries, heading=job.title, progress=progress)
    job.result_file.save(f"{_safe(job.title, 80)}.zip", ContentFile(data), save=False)
    job.message = _("{packed} of {total} files packed.").format(
        packed=sum(e.outcome == "ok" for e in entries), total=len(entries))
    job.save(update_fields=["result_file", "message"])
