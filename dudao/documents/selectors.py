"""Scoped reads of the archive and of the templates in use."""

from dudao.documents import kinds
from dudao.documents.models import Document, DocumentTemplate


def document_list(*, user):
    return Document.objects.for_user(user).select_related("office", "school", "created_by")


def documents_about(*, user, subject) -> list[Document]:
    """The documents filed about one record (a visit, a notice), newest first."""
    return list(
        Document.objects.for_user(user)
        .filter(subject_type=f"{subject._meta.app_label}.{subject._meta.model_name}", subject_id=subject.pk)
        .select_related("created_by").order_by("-pk")
    )


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
