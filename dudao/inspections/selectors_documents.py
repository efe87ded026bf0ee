"""The documents filed about a visit, a notice or an escalation, as the user may see them."""

from django.urls import NoReverseMatch, reverse

from dudao.documents.models import Document


def document_url(document: Document, fmt: str | None = None) -> str:
    """The document's page, or the download of its ``fmt`` ("docx"/"pdf")."""
    try:
        if fmt is None:
            return document.get_absolute_url()
        return reverse("documents:download", args=[document.pk, fmt])
    except NoReverseMatch:  # the archive's pages are not installed: its address by convention
        return f"/documents/{document.pk}/" + (f"download/{fmt}/" if fmt else "")


def subject_documents(*, user, subjects: list) -> list[dict]:
    """Documents filed about any of ``subjects`` (model instances), newest first, within the
    user's scope of documents, each with its page and download addresses."""
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
