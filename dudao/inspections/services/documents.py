"""Generating and filing the loop's documents (Word and PDF) through the document engine.

* ``visit_document_generate``: 督导通知书, 督导记录 and 督导报告 of a visit the actor can see (the
  record and the report only of a submitted visit: a draft is not filed where the school reads it);
* ``rectification_document_generate``: 整改通知书 (numbered with the notice's own number) and
  整改回执/核查记录 of a notice; ``bulletin`` there means the bulletin of its latest 通报批评;
* ``escalation_document_generate``: the 通报 on a public criticism (通报批评), office users only;
* ``notices_batch_start`` / ``run_notice_batch_job``: the notices of every notice in the user's
  filtered list as one background job, zipped with an index.

Rows are read through the actor's scope (404 outside it); ``documents.add_document`` is required
(403). The engine files each document with its template version, data and SHA-256 and writes the
audit record; generating the same document again returns the one on file. A numbered kind (the
notice of a visit, the bulletin) keeps the number it was first given for its subject, so asking
again does not use up the office's next number.
"""

import csv
import io
import re
import tempfile
import zipfile

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.core.workflow import TransitionNotAllowed
from dudao.documents.models import Document
from dudao.documents.render import cn_date
from dudao.documents.services import document_generate, document_read_verified, documents_generate_many
from dudao.inspections import documents as contexts
from dudao.inspections.models import Escalation, Rectification, Visit
from dudao.inspections.selectors import rectifications as selectors_rectifications
from dudao.inspections.selectors import visits as selectors_visits
from dudao.jobs.services import JobFailed, job_start
from dudao.organizations.selectors import office_of_school

NOTICE_BATCH_JOB = "inspections.rectification_notices"
MAX_BATCH = 5000

VISIT_BUILDERS = {
    "visit_notice": contexts.visit_notice_context,
    "visit_record": contexts.visit_record_context,
    "visit_report": contexts.visit_report_context,
}
RECTIFICATION_BUILDERS = {
    "rectification_notice": contexts.rectification_notice_context,
    "rectification_reply": contexts.rectification_reply_context,
}
TITLES = {
    "visit_notice": "督导通知书", "visit_record": "督导记录", "visit_report": "督导报告",
    "rectification_notice": "整改通知书", "rectification_reply": "整改回执及核查记录", "bulletin": "通报",
}


def _require_add(actor) -> None:
    if not actor.has_perm("documents.add_document"):
        raise PermissionDenied


def _previous_number(kind: str, subject) -> str | None:
    """The number already given to ``subject``'s document of ``kind`` (None: take the next one)."""
    subject_type = f"{subject._meta.app_label}.{subject._meta.model_name}"
    return (
        Document.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject.pk)  # scope: the number of a subject the actor reached through the scope
        .exclude(number="").order_by("-pk").values_list("number", flat=True).first()
    )


def visit_document_generate(*, actor, visit_id: int, kind: str, pdf: bool = True) -> Document:
    """Files the 督导通知书, 督导记录 or 督导报告 of a visit (404 unseen, 403, 409 a draft's record)."""
    if kind not in VISIT_BUILDERS:
        raise ValidationError({"kind": [_("This kind of document is not made from a visit.")]})
    visit = selectors_visits.visit_get(user=actor, pk=visit_id)
    _require_add(actor)
    if kind != "visit_notice" and visit.status != Visit.Status.SUBMITTED:
        raise TransitionNotAllowed(_("The record and the report are made from a submitted visit."))
    office = office_of_school(visit.school)
    context = VISIT_BUILDERS[kind](visit, office=office)
    day = visit.date if kind == "visit_record" else timezone.localdate()
    return document_generate(
        actor=actor, kind=kind, context=context, office=office, school=visit.school, inspector=visit.inspector,
        title=f"{TITLES[kind]} {visit.school.name} {cn_date(visit.date)}", date=day, subject=visit,
        number=_previous_number(kind, visit) if kind == "visit_notice" else None, pdf=pdf,
    )


def _criticism_get(*, actor, pk: int) -> Escalation:
    notices = Rectification.objects.for_user(actor, "view")
    return (
        Escalation.objects.filter(rectification__in=notices, kind=Escalation.Kind.CRITICISM)  # scope: through the notices
        .select_related("rectification__school__region", "rectification__finding__item",
                        "rectification__finding__visit")
        .get(pk=pk)
    )


def escalation_document_generate(*, actor, escalation_id: int, pdf: bool = True) -> Document:
    """Files the 通报 on a public criticism (通报批评) of a notice in scope; the office's act, so
    office users only (``inspections.escalate_rectification``)."""
    escalation = _criticism_get(actor=actor, pk=escalation_id)
    _require_add(actor)
    if not actor.has_perm("inspections.escalate_rectification"):
        raise PermissionDenied
    school = escalation.rectification.school
    office = office_of_school(school)
    return document_generate(
        actor=actor, kind="bulletin", context=contexts.bulletin_context(escalation, office=office), office=office,
        school=school, title=f"{TITLES['bulletin']} {school.name} {escalation.rectification}", date=escalation.date,
        subject=escalation, number=_previous_number("bulletin", escalation), pdf=pdf,
    )


def rectification_document_generate(*, actor, rectification_id: int, kind: str, pdf: bool = True) -> Document:
    """Files the 整改通知书 or 整改回执/核查记录 of a notice; ``bulletin``: the 通报 of its latest
    public criticism (404 when it has none)."""
    if kind == "bulletin":
        notice = selectors_rectifications.rectification_get(user=actor, pk=rectification_id)
        latest = notice.escalations.filter(kind=Escalation.Kind.CRITICISM).order_by("-date", "-pk").first()  # scope: of a notice in scope
        if latest is None:
            raise Escalation.DoesNotExist
        return escalation_document_generate(actor=actor, escalation_id=latest.pk, pdf=pdf)
    if kind not in RECTIFICATION_BUILDERS:
        raise ValidationError({"kind": [_("This kind of document is not made from a rectification notice.")]})
    notice = selectors_rectifications.rectification_get(user=actor, pk=rectification_id)
    _require_add(actor)
    office = office_of_school(notice.school)
    context = RECTIFICATION_BUILDERS[kind](notice, office=office)
    day = notice.issued_on if kind == "rectification_notice" else timezone.localdate()
    return document_generate(
        actor=actor, kind=kind, context=context, office=office, school=notice.school,
        title=f"{TITLES[kind]} {notice}", date=day, subject=notice, number=notice.number or "", pdf=pdf,
    )


# ---- the notices of a whole list, as one job -----------------------------------------------------

def notices_batch_start(*, actor, query: str = ""):
    """Starts the job that files the 整改通知书 of every notice in the actor's list filtered by
    ``query`` (the list page's query string) and zips them."""
    _require_add(actor)
    if not actor.has_perm("jobs.add_job"):
        raise PermissionDenied
    params = QueryDict(query, mutable=True)
    for key in ("page", "export"):
        params.pop(key, None)
    return job_start(actor=actor, kind=NOTICE_BATCH_JOB, title=_("Rectification notices (Word and PDF)"),
                     params={"query": params.urlencode()})


def listed_notices(*, user, query: str):
    """The notices of the list page for ``user`` with the filters and sorting of ``query``: exactly
    the rows the page showed."""
    return selectors_rectifications.rectifications_listed(user=user, params=QueryDict(query)).select_related(
        "finding__item", "finding__visit", "school__region")


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_")[:80]


def run_notice_batch_job(job, progress) -> None:
    """The job: one 整改通知书 per listed notice (Word and PDF, through ``documents_generate_many``),
    then one zip with both files of each and ``index.csv`` (number, school, deadline, SHA-256)."""
    user = get_user_model().objects.get(pk=job.created_by_id)  # scope: the job's owner, whose scope the list applies
    if not user.has_perm("documents.add_document"):
        raise JobFailed(_("You may not generate documents."))
    notices = list(listed_notices(user=user, query=job.params.get("query", "")))
    total = len(notices)
    if not total:
        raise JobFailed(_("The list holds no notices."))
    if total > MAX_BATCH:
        raise JobFailed(_("At most {n} notices at once: narrow the list with its filters.").format(n=MAX_BATCH))
    progress(0, total)
    offices: dict[str, object] = {}
    items = []
    for notice in notices:
        path = notice.school.region.path
        if path not in offices:
            offices[path] = office_of_school(notice.school)
        office = offices[path]
        items.append({
            "kind": "rectification_notice", "office": office, "school": notice.school,
            "context": contexts.rectification_notice_context(notice, office=office),
            "title": f"{TITLES['rectification_notice']} {notice}", "date": notice.issued_on, "subject": notice,
            "number": notice.number or "",
        })
    documents = documents_generate_many(actor=user, items=items, pdf=True, progress=progress)
    with tempfile.TemporaryFile() as handle:
        _write_zip(handle, notices, documents)
        handle.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        job.result_file.save(f"rectification-notices-{stamp}.zip", File(handle), save=False)
    job.message = _("{count} notices, each as Word and PDF, with index.csv.").format(count=total)
    job.save(update_fields=["result_file", "message"])
    progress(total, total)


def _write_zip(handle, notices, documents) -> None:
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(["序号", "通知书编号", "学校", "学校代码", "下发日期", "整改期限", "Word 文件", "Word SHA-256",
                     "PDF 文件", "PDF SHA-256", "文档编号"])
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for position, (notice, document) in enumerate(zip(notices, documents, strict=True), start=1):
            stem = _safe(f"{position:04d}-{notice.number or notice.pk}-{notice.school.name}")
            # .docx and PDF are compressed already: stored as they are, the zip costs no second compression
            archive.writestr(f"{stem}.docx", document_read_verified(document, "docx"), zipfile.ZIP_STORED)
            pdf_name = ""
            if document.pdf:
                pdf_name = f"{stem}.pdf"
                archive.writestr(pdf_name, document_read_verified(document, "pdf"), zipfile.ZIP_STORED)
            writer.writerow([position, notice.number, notice.school.name, notice.school.code,
                             notice.issued_on.isoformat(), notice.deadline.isoformat(), f"{stem}.docx",
                             document.docx_sha256, pdf_name, document.pdf_sha256, document.pk])
        archive.writestr("index.csv", "\ufeff" + index.getvalue())  # BOM: Excel opens it as UTF-8
