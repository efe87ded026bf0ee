"""Templates an office uploads and documents the platform generates and files.

Every document comes from the office's active template for its kind, or the built-in one; it is
rendered strictly (complete or not at all), converted to PDF, and filed with the template
version, the data it was built from and the SHA-256 of each file.

One document asked for on a page (``document_generate``, ``document_file_upload``) is filed as .docx
at once and gets its PDF from a background job (``document_pdf_start``): LibreOffice takes seconds to
start, which the person should not wait for. Batches (``documents_generate_many``) run in jobs
already and convert there, 50 files per LibreOffice run and one run per core at once.
"""

import functools
import hashlib
import io
import json
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import oversees_region
from dudao.audit.services import record, record_many
from dudao.core.excel import UploadRefused, check_package
from dudao.documents import kinds
from dudao.documents.models import Document, DocumentTemplate
from dudao.documents.numbering import PatternError, number_next, number_of, number_pattern_check
from dudao.documents.render import (
    PdfUnavailable,
    TemplateError,
    check_template,
    docx_text,
    docx_to_pdf,
    pdf_workers,
    render_docx_and_text,
    snapshot,
)
from dudao.organizations.models import Office

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def default_template_bytes(kind: str) -> bytes:
    """The built-in template of ``kind`` as a .docx (built once per process: it never changes)."""
    out = io.BytesIO()
    kinds.get(kind).build_default().save(out)
    return out.getvalue()


def active_template(office, kind: str) -> DocumentTemplate | None:
    """The office's template in use for ``kind``; ``None`` means the built-in."""
    if office is None:
        return None
    return DocumentTemplate.objects.filter(office=office, kind=kind, is_active=True).first()


def template_source(template: DocumentTemplate | None, kind: str) -> bytes:
    if template is None:
        return default_template_bytes(kind)
    with template.file.open("rb") as handle:
        return handle.read()


# ---- templates -----------------------------------------------------------------------------------

def _office_in_change_scope(actor, office_id: int) -> Office:
    office = Office.objects.for_user(actor, "view").select_related("region").get(pk=office_id)  # 404
    if not actor.has_perm("documents.add_documenttemplate"):
        raise PermissionDenied
    if not oversees_region(actor, office.region.path):
        raise PermissionDenied
    return office


def template_upload(*, actor, office_id: int, kind: str, data: bytes, filename: str, number_pattern: str = "",
                    note: str = "") -> DocumentTemplate:
    """Files ``data`` as the office's next version of the template for ``kind`` and puts it in use.

    The file is checked against the upload limits, then filled with the kind's complete sample
    context, before the transaction: any placeholder that cannot be read or filled is named in the
    ``ValidationError`` and nothing is saved."""
    office = _office_in_change_scope(actor, office_id)
    try:
        kind_def = kinds.get(kind)
    except KeyError:
        raise ValidationError({"kind": _("Unknown kind of document.")}) from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError({"file": _("A template may be at most 10 MB.")})
    _check_docx_package(data)
    problems = check_template(data, kind_def.sample_context())
    if problems:
        raise ValidationError({"file": problems})
    with transaction.atomic():
        return _template_file(actor, office, kind, data, filename, number_pattern, note)


def _check_docx_package(data: bytes) -> None:
    """``core.excel.check_package`` for an uploaded .docx, as a ``ValidationError`` on ``file``."""
    try:
        check_package(io.BytesIO(data), kind="docx")
    except UploadRefused as refusal:
        raise ValidationError({"file": [refusal.message]}) from None


def _template_file(actor, office, kind: str, data: bytes, filename: str, number_pattern: str, note: str):
    if number_pattern:
        number_pattern_check(office=office, kind=kind, pattern=number_pattern)
    previous = (DocumentTemplate.objects.select_for_update().filter(office=office, kind=kind)
                .order_by("-version").first())
    DocumentTemplate.objects.filter(office=office, kind=kind, is_active=True).update(is_active=False)
    template = DocumentTemplate(
        office=office, kind=kind, version=(previous.version + 1) if previous else 1, original_name=filename[:200],
        sha256=sha256(data), number_pattern=number_pattern or (previous.number_pattern if previous else ""),
        note=note, uploaded_by=actor, is_active=True,
    )
    template.file.save(f"v{template.version}.docx", ContentFile(data), save=False)
    template.save()
    record(actor=actor, action="documents.template.upload", target=template,
           changes={"kind": [None, kind], "version": [None, template.version], "sha256": [None, template.sha256]})
    return template


@transaction.atomic
def template_activate(*, actor, template_id: int) -> DocumentTemplate:
    """Puts an earlier version back in use (or keeps the current one)."""
    template = DocumentTemplate.objects.for_user(actor, "view").select_related("office__region").get(pk=template_id)
    _office_in_change_scope(actor, template.office_id)
    before = (DocumentTemplate.objects.select_for_update().filter(office=template.office, kind=template.kind,
                                                                  is_active=True).first())
    if before is not None and before.pk == template.pk:
        return template
    DocumentTemplate.objects.filter(office=template.office, kind=template.kind, is_active=True).update(is_active=False)
    template.is_active = True
    template.save(update_fields=["is_active", "updated_at"])
    record(actor=actor, action="documents.template.activate", target=template,
           changes={"version": [before.version if before else 0, template.version]})
    return template


@transaction.atomic
def template_use_default(*, actor, office_id: int, kind: str) -> None:
    """Goes back to the built-in template for ``kind``; the office's versions stay on file."""
    office = _office_in_change_scope(actor, office_id)
    current = DocumentTemplate.objects.select_for_update().filter(office=office, kind=kind, is_active=True).first()
    if current is None:
        return
    current.is_active = False
    current.save(update_fields=["is_active", "updated_at"])
    record(actor=actor, action="documents.template.activate", target=current, changes={"version": [current.version, 0]})


# ---- documents -----------------------------------------------------------------------------------

def _prepare(item: dict, templates: dict) -> dict | Document:
    """Renders one document's .docx (strictly) and works out what is filed with it; returns the
    document on file instead when the same subject was filed from the same template and data.
    ``templates`` keeps each office's template in use for a kind, and its file, for the batch."""
    kind = kinds.get(item["kind"])
    office = item["office"]
    key = (office.pk if office else None, kind.code)
    if key not in templates:
        template = active_template(office, kind.code)
        templates[key] = template, template_source(template, kind.code)
    template, source = templates[key]
    date = item.get("date") or timezone.localdate()
    context = dict(item["context"])
    subject = item.get("subject")
    subject_type = f"{subject._meta.app_label}.{subject._meta.model_name}" if subject is not None else ""
    # the fingerprint leaves the number out: a numbered document filed before keeps its number
    fingerprint = snapshot({k: v for k, v in context.items() if k != "number"})
    data_sha = sha256(json.dumps(fingerprint, sort_keys=True, ensure_ascii=False).encode())
    number = item.get("number")  # given: quoted from what the document answers, nothing drawn
    if number is None and kind.numbered and subject is not None:
        number = number_of(office=office, kind=kind.code, subject=subject)  # filed again: keeps its number
    if subject is not None:
        found = Document.objects.filter(
            kind=kind.code, subject_type=subject_type, subject_id=subject.pk, template=template,
            template_version=template.version if template else 0, data_sha256=data_sha,
        ).order_by("-pk").first()
        # the document on file, unless it was printed with a number since replaced (renumbered)
        if found is not None and (number is None or found.data.get("number") == number):
            return found
    if number is None and kind.numbered:
        pattern = (template.number_pattern if template and template.number_pattern
                   else kind.default_number_pattern)
        try:
            number = number_next(office=office, year=date.year, pattern=pattern, kind=kind.code, subject=subject)
        except PatternError:  # a pattern saved before patterns were checked as they are now
            number = number_next(office=office, year=date.year, pattern=kind.default_number_pattern,
                                 kind=kind.code, subject=subject)
    if number:
        context["number"] = number
    context.setdefault("number", "")
    docx, text = render_docx_and_text(source, context)
    return {
        "kind": kind.code, "title": item["title"][:200], "number": context["number"] or "", "office": office,
        "school": item.get("school"), "zone": item.get("zone"), "inspector": item.get("inspector"),
        "year": date.year, "date": date, "template": template, "template_version": template.version if template else 0,
        "data": snapshot(context), "data_sha256": data_sha, "docx": docx, "text": text[:100_000], "subject_type": subject_type,
        "subject_id": subject.pk if subject is not None else None,
    }


def _file(actor, prepared: dict, pdf: bytes | None) -> Document:
    docx = prepared.pop("docx")
    document = Document(**prepared, docx_sha256=sha256(docx), created_by=actor)
    stem = f"{prepared['kind']}-{timezone.now():%Y%m%d%H%M%S%f}"
    document.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    if pdf is not None:
        document.pdf_sha256 = sha256(pdf)
        document.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def _attach_pdf(document: Document, pdf: bytes) -> None:
    document.pdf_sha256 = sha256(pdf)
    document.pdf.save(f"{Path(document.docx.name).stem}.pdf", ContentFile(pdf), save=False)
    document.save(update_fields=["pdf", "pdf_sha256", "updated_at"])


def document_generate(*, actor, kind: str, context: dict, office, title: str, school=None, zone=None, inspector=None,
                      date=None, subject=None, number: str | None = None, pdf: bool = True) -> Document:
    """Generates one document from the office's template for ``kind`` and files it in the archive;
    with ``pdf`` its PDF follows from a background job (``document_pdf_start``).

    The same kind, subject, template version and data filed before return the document on file."""
    document = documents_generate_many(actor=actor, items=[{
        "kind": kind, "context": context, "office": office, "title": title, "school": school, "zone": zone,
        "inspector": inspector, "date": date, "subject": subject, "number": number,
    }], pdf=False)[0]
    if pdf:
        document_pdf_start(actor=actor, document=document)
    return document


def documents_generate_many(*, actor, items: list[dict], pdf: bool = True, progress=None, chunk: int = 50
                            ) -> list[Document]:
    """Generates and files many documents (a county's notices, its signboards) ``chunk`` at a time.

    Each chunk is rendered and its .docx filed in one transaction (a failure files nothing of it);
    with ``pdf``, its PDFs are then made by LibreOffice while the next chunks are rendered, up to
    ``pdf_workers()`` chunks at once, and filed in a transaction of their own, audited as the PDF
    of a single document is. A run that stops keeps what it filed: a second run finds the documents
    on file and makes only the PDFs they lack."""
    documents: list[Document] = []
    templates: dict = {}
    pending: deque[tuple[list[Document], list[Document], Future | None]] = deque()

    def attach_oldest():
        found, missing, conversion = pending.popleft()
        if missing:
            with transaction.atomic():
                for document, data in zip(missing, conversion.result(), strict=True):
                    _attach_pdf(document, data)
                record_many(actor=actor, entries=[
                    ("documents.document.pdf", doc, {"pdf_sha256": [None, doc.pdf_sha256]}, "") for doc in missing])
        documents.extend(found)
        if progress:
            progress(len(documents), len(items))

    with ThreadPoolExecutor(max_workers=pdf_workers()) as pool:
        for start in range(0, len(items), chunk):
            with transaction.atomic():
                prepared = [_prepare(item, templates) for item in items[start:start + chunk]]
                found = [p if isinstance(p, Document) else _file(actor, p, None) for p in prepared]
                record_many(actor=actor, entries=[
                    ("documents.document.generate", doc, {"kind": [None, doc.kind], "docx_sha256": [None, doc.docx_sha256]}, "")
                    for doc, p in zip(found, prepared, strict=True) if p is not doc])
            # the new documents, and those on file without their PDF (filed as .docx only)
            missing = [doc for doc in found if pdf and not doc.pdf]
            conversion = None
            if missing:
                while len(pending) > pdf_workers():  # one chunk waits its turn: LibreOffice is never idle
                    attach_oldest()
                conversion = pool.submit(docx_to_pdf, [document_read_verified(doc, "docx") for doc in missing], chunk=chunk)
            pending.append((found, missing, conversion))
        while pending:
            attach_oldest()
    return documents


def document_read_verified(document: Document, fmt: str) -> bytes:
    """The bytes of the .docx or PDF, checked against the SHA-256 filed with it."""
    field, expected = (document.docx, document.docx_sha256) if fmt == "docx" else (document.pdf, document.pdf_sha256)
    if not field:
        raise FileNotFoundError(fmt)
    with field.open("rb") as handle:
        data = handle.read()
    if sha256(data) != expected:
        raise DocumentIntegrityError(fmt)
    return data


class DocumentIntegrityError(Exception):
    """A filed file no longer matches its SHA-256."""


# ---- documents people wrote ----------------------------------------------------------------------

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DocxUpload:
    """An uploaded Word document, read and checked before any transaction: its bytes and its text."""

    data: bytes
    text: str


def read_docx_upload(uploaded_file, *, limit: int = MAX_UPLOAD_BYTES) -> DocxUpload:
    """An uploaded Word document with its text, or ``ValidationError`` when it is not one python-docx
    opens (a .doc, a PDF, a renamed picture, a macro document) or is larger than ``limit``. Call it
    outside the transaction that files the document: reading a large document takes a while."""
    if uploaded_file is None:
        raise ValidationError({"file": [_("Choose the finished report (.docx).")]})
    too_large = ValidationError({"file": [_("The file may be at most {mb} MB.").format(mb=limit // (1024 * 1024))]})
    if getattr(uploaded_file, "size", None) is not None and uploaded_file.size > limit:
        raise too_large
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise too_large
    not_docx = ValidationError({"file": [_("The file is not a Word .docx document; save it as .docx and upload it again.")]})
    _check_docx_package(data)
    try:
        text = docx_text(data)
    except Exception as exc:  # python-docx raises several kinds for a damaged or foreign package
        raise not_docx from exc
    return DocxUpload(data=data, text=text[:100_000])


def document_file_upload(*, actor, kind: str, upload: DocxUpload, filename: str, office, title: str, school=None,
                         zone=None, inspector=None, date=None, subject=None, pdf: bool = True) -> Document:
    """Files a .docx a person finished in Word or WPS (read by ``read_docx_upload``) as a
    document of ``kind`` about ``subject``, with no template version; with ``pdf`` its PDF follows
    from a background job."""
    data = upload.data
    date = date or timezone.localdate()
    meta = {"uploaded_name": filename[:200], "uploaded_by": actor.pk}
    document = Document(
        kind=kind, title=title[:200], office=office, school=school, zone=zone, inspector=inspector, year=date.year,
        date=date, template=None, template_version=0, data=meta,
        data_sha256=sha256(json.dumps(meta, sort_keys=True).encode()), docx_sha256=sha256(data),
        text=upload.text, created_by=actor,
        subject_type=f"{subject._meta.app_label}.{subject._meta.model_name}" if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
    )
    document.docx.save(f"{kind}-{timezone.now():%Y%m%d%H%M%S%f}.docx", ContentFile(data), save=False)
    document.save()
    record(actor=actor, action="documents.document.upload", target=document,
           changes={"kind": [None, kind], "docx_sha256": [None, document.docx_sha256]})
    if pdf:
        document_pdf_start(actor=actor, document=document)
    return document


# ---- the PDF of one document, in the background --------------------------------------------------

PDF_JOB = "documents.pdf"


def document_pdf_job(document: Document):
    """The latest job making ``document``'s PDF (the document's page shows it), or ``None``."""
    from dudao.jobs.models import Job

    # scope: the document is in the caller's scope; its PDF job's state is part of the document
    return Job.objects.filter(kind=PDF_JOB, params__document=document.pk).order_by("-pk").first()


def document_pdf_start(*, actor, document: Document):
    """Queues the job that converts the document's .docx to PDF (run by ``dudao worker`` after the
    transaction commits); nothing when it has its PDF, the job already queued when one is waiting."""
    from dudao.jobs.models import Job
    from dudao.jobs.services import job_start

    if document.pdf:
        return None
    waiting = document_pdf_job(document)
    if waiting is not None and waiting.status in (Job.Status.QUEUED, Job.Status.RUNNING):
        return waiting
    return job_start(actor=actor, kind=PDF_JOB, title=_("PDF of {title}").format(title=document.title)[:200],
                     params={"document": document.pk})


def run_document_pdf_job(job, progress) -> None:
    """The job: the filed .docx (checked against its SHA-256) through LibreOffice, the PDF filed with
    its own SHA-256 and audited, as a batch files it."""
    from django.contrib.auth import get_user_model

    from dudao.jobs.services import JobFailed

    user = get_user_model().objects.get(pk=job.created_by_id)  # scope: the job's owner, who asked for it
    progress(0, 1)
    document = Document.objects.for_user(user).get(pk=job.params["document"])
    if not document.pdf:
        try:
            pdf = docx_to_pdf([document_read_verified(document, "docx")])[0]
        except DocumentIntegrityError:
            raise JobFailed(_("The Word file no longer matches its SHA-256; no PDF was made.")) from None
        except PdfUnavailable as exc:
            raise JobFailed(str(exc)) from None
        with transaction.atomic():
            document = Document.objects.select_for_update().get(pk=document.pk)
            if not document.pdf:
                _attach_pdf(document, pdf)
                record(actor=user, action="documents.document.pdf", target=document,
                       changes={"pdf_sha256": [None, document.pdf_sha256]})
    progress(1, 1)


__all__ = [
    "TemplateError", "active_template", "default_template_bytes", "document_generate", "document_pdf_job",
    "document_pdf_start", "document_read_verified",
    "document_file_upload", "documents_generate_many", "read_docx_upload", "template_activate", "template_upload", "template_use_default",
]
