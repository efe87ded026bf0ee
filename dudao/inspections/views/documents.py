"""The "Word / PDF" buttons of the loop's pages: POST, the service files the document, and the
browser goes to the document's page. 404 outside the scope, 403 without the permission, 409 for
the record of a draft. The rectification list starts the job that files the notices of the
whole filtered list."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from dudao.core.views import ScopedMixin
from dudao.documents import kinds
from dudao.documents.models import Document
from dudao.documents.selectors import document_url, subject_documents
from dudao.inspections import documents as contexts
from dudao.inspections.models import Escalation, Rectification, Visit
from dudao.inspections.services import documents as services


def _done(request, document: Document):
    messages.success(request, _("{title} is filed. Download it as Word or PDF.").format(title=document.title))
    return HttpResponseRedirect(document_url(document))


class VisitDocumentView(ScopedMixin, View):
    """POST ``visits/<pk>/documents/<kind>/``: 督导通知书, 督导记录 or 督导报告 of the visit."""

    model = Visit
    http_method_names = ["post"]

    def post(self, request, pk: int, kind: str):
        if kind not in contexts.VISIT_SUBJECT_KINDS:
            raise Http404
        return _done(request, services.visit_document_generate(actor=request.user, visit_id=pk, kind=kind))


class RectificationDocumentView(ScopedMixin, View):
    """POST ``rectifications/<pk>/documents/<kind>/``: 整改通知书 or 整改回执/核查记录 of the notice."""

    model = Rectification
    http_method_names = ["post"]

    def post(self, request, pk: int, kind: str):
        if kind not in (*contexts.RECTIFICATION_SUBJECT_KINDS, *contexts.ESCALATION_SUBJECT_KINDS):
            raise Http404
        document = services.rectification_document_generate(actor=request.user, rectification_id=pk, kind=kind)
        return _done(request, document)


class EscalationDocumentView(ScopedMixin, View):
    """POST ``escalations/<pk>/documents/bulletin/``: the 通报 on a public criticism (通报批评)."""

    model = Rectification  # escalations are read through the notices in scope
    http_method_names = ["post"]

    def post(self, request, pk: int, kind: str):
        if kind not in contexts.ESCALATION_SUBJECT_KINDS:
            raise Http404
        return _done(request, services.escalation_document_generate(actor=request.user, escalation_id=pk))


class NoticesBatchView(ScopedMixin, View):
    """POST from the rectification list: a job files the notice of every listed notice and zips them."""

    model = Rectification
    http_method_names = ["post"]
    permission_action = "view"

    def post(self, request):
        query = request.POST.get("query", "")
        if not services.listed_notices(user=request.user, query=query).exists():
            messages.warning(request, _("The list holds no notices."))
            return HttpResponseRedirect(reverse("inspections:rectification_list") + (f"?{query}" if query else ""))
        job = services.notices_batch_start(actor=request.user, query=query)
        return HttpResponseRedirect(job.get_absolute_url())


# ---- what the detail pages show --------------------------------------------------------------

def _buttons(codes, url_name: str, pk: int) -> list[dict]:
    return [{"kind": code, "label": kinds.get(code).label, "url": reverse(url_name, args=[pk, code])}
            for code in codes]


def visit_documents_context(*, user, visit: Visit) -> dict:
    """The visit page's document buttons (the record and the report once submitted) and the
    documents filed about the visit."""
    codes = []
    if user.has_perm("documents.add_document"):
        codes = ["visit_notice"]
        if visit.status == Visit.Status.SUBMITTED:
            codes += ["visit_record", "visit_report"]
    return {"document_buttons": _buttons(codes, "inspections:visit_document", visit.pk),
            "filed_documents": subject_documents(user=user, subjects=[visit])}


def rectification_documents_context(*, user, notice: Rectification) -> dict:
    """The notice page's document buttons, the bulletin button of each public criticism (office
    users), and the documents filed about the notice and its criticisms."""
    can_add = user.has_perm("documents.add_document")
    criticisms = [e for e in notice.escalations.all() if e.kind == Escalation.Kind.CRITICISM]
    bulletin_urls = {}
    if can_add and user.has_perm("inspections.escalate_rectification"):
        bulletin_urls = {e.pk: reverse("inspections:escalation_document", args=[e.pk, "bulletin"]) for e in criticisms}
    codes = list(contexts.RECTIFICATION_SUBJECT_KINDS) if can_add else []
    return {"document_buttons": _buttons(codes, "inspections:rectification_document", notice.pk),
            "bulletin_urls": bulletin_urls, "bulletin_label": kinds.get("bulletin").label,
            "filed_documents": subject_documents(user=user, subjects=[notice, *criticisms])}
