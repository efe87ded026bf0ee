"""Scoped reads of the archive and of the templates in use."""

import re

from django.urls import reverse

from dudao.documents import kinds
from dudao.documents.models import Document, DocumentTemplate


def document_list(*, user):
    return Document.objects.for_user(user).select_related("office", "school", "created_by")


def document_url(document: Document, fmt: str | None = None) -> str:
    """The document's page, or the download of its ``fmt`` ("docx"/"pdf")."""
    if fmt is None:
        return document.get_absolute_url()
    return reverse("documents:download", args=[document.pk, fmt])


_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def document_filename(document: Document, fmt: str) -> str:
    """The name ``document`` downloads under: its kind and its number (整改回执及核查记录-X教督〔2026〕3号.pdf)
    or, without a number, its title. A receipt quotes the number of the notice it answers, so the
    number alone would give it the notice's name."""
    stem = f"{document.kind_label}-{document.number}" if document.number else document.title
    return f"{_UNSAFE_IN_NAME.sub('-', stem).strip()}.{fmt}"


def subject_documents(*, user, subjects: list) -> list[dict]:
    """Documents filed about any of ``subjects`` (a visit, a notice, its escalations), newest
    first, within the user's scope, each with its page and download addresses."""
    query = None
    for subject in subjects:
        label = f"{subject._meta.app_label}.{subject._meta.model_name}"
        part = Document.objects.for_user(user).filter(subject_type=label, subject_id=subject.pk)
        query = part if query is None else query | part
    if query is None:
        return []
    rows = query.select_related("created_by").order_by("-created_at", "-pk")[:50]
    return [{
        "document": doc, "url": document_url(doc), "docx_url": document_url(doc, "docx"),
        "pdf_url": document_url(doc, "pdf") if doc.pdf else "",
    } for doc in rows]


def template_overview(*, user, office) -> list[dict]:
    """Per kind of document: the version in use (0 = built-in) and every version on file."""
    versions = list(
        DocumentTemplate.objects.for_user(user).filter(office=office).select_related("uploaded_by")
        .order_by("kind", "-version")
    )
    rows = []
    for kind in kinds.all_kinds():
        own = [t for t in versions if t.kind == kind.code]
        active = next((t for t in own if t.is_active), None)
        rows.append({"kind": kind, "active": active, "versions": own,
                     "number_pattern": (active.number_pattern if active and active.number_pattern
                                        else kind.default_number_pattern) if kind.numbered else ""})
    return rows
