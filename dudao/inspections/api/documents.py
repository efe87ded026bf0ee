"""API twins of the "Word / PDF" buttons: ``POST inspections/visits/{id}/documents/{kind}/`` and
``POST inspections/rectifications/{id}/documents/{kind}/`` file the document (or return the one
on file) and answer its id, addresses and SHA-256s. 404 outside the scope or for a kind the
object does not make, 403 without ``documents.add_document``, 409 for the record of a draft."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.core.permissions import ServiceCheckedMixin
from dudao.documents.selectors import document_url
from dudao.inspections import documents as contexts
from dudao.inspections.services import documents as services


class GeneratedDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField()
    url = serializers.CharField(help_text="The document's page in the archive.")
    docx_url = serializers.CharField()
    pdf_url = serializers.CharField(allow_blank=True)
    docx_sha256 = serializers.CharField()
    pdf_sha256 = serializers.CharField(allow_blank=True)


def document_json(document) -> dict:
    return {
        "id": document.pk, "kind": document.kind, "title": document.title, "number": document.number,
        "url": document_url(document), "docx_url": document_url(document, "docx"),
        "pdf_url": document_url(document, "pdf") if document.pdf else "",
        "docx_sha256": document.docx_sha256, "pdf_sha256": document.pdf_sha256,
    }


class _DocumentActionMixin(ServiceCheckedMixin):
    """The ``documents`` action needs only the view permission of the model here: the service
    checks ``documents.add_document`` (403) after the scope (404)."""

    service_checked = frozenset({"documents"})


class VisitDocumentsMixin(_DocumentActionMixin):
    @extend_schema(request=None, responses=GeneratedDocumentSerializer,
                   description="visit_notice (督导通知书), visit_record (督导记录) or visit_report (督导报告).")
    @action(detail=True, methods=["post"], url_path=r"documents/(?P<kind>[a-z_]+)", url_name="documents")
    def documents(self, request, pk=None, kind=None):
        """Files the visit's notice, record or report as Word and PDF."""
        if kind not in contexts.VISIT_SUBJECT_KINDS:
            raise Http404
        visit = self.get_object()
        document = services.visit_document_generate(actor=request.user, visit_id=visit.pk, kind=kind)
        return Response(GeneratedDocumentSerializer(document_json(document)).data)


class RectificationDocumentsMixin(_DocumentActionMixin):
    @extend_schema(request=None, responses=GeneratedDocumentSerializer,
                   description="rectification_notice (整改通知书), rectification_reply (整改回执/核查记录) or "
                               "bulletin (通报 of the notice's latest public criticism).")
    @action(detail=True, methods=["post"], url_path=r"documents/(?P<kind>[a-z_]+)", url_name="documents")
    def documents(self, request, pk=None, kind=None):
        """Files the notice's 整改通知书, reply and re-check record, or bulletin as Word and PDF."""
        if kind not in (*contexts.RECTIFICATION_SUBJECT_KINDS, *contexts.ESCALATION_SUBJECT_KINDS):
            raise Http404
        notice = self.get_object()
        document = services.rectification_document_generate(actor=request.user, rectification_id=notice.pk,
                                                             kind=kind)
        return Response(GeneratedDocumentSerializer(document_json(document)).data)
