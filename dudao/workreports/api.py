"""API twins of the work-report pages under ``/api/v1/reports/``.

* ``reports/``: list (the page's filters), retrieve; ``POST reports/`` drafts a report from the
  records (or drafts it again while it is a draft or returned);
* ``POST reports/{id}/submit/`` (multipart ``file`` = the finished .docx, optional ``comment``),
  ``…/return/`` (``reason``, required), ``…/accept/`` (optional ``reason``);
* ``GET reports/status/?office=&year=&term=``: the office's table of reports on time, late, due,
  overdue and not yet due.

409 wrong state, 403 no permission, 404 outside the scope, 400 invalid input.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dudao.accounts.access import offices_of
from dudao.core.api import (
    ScopedModelSerializer,
    ScopedViewSet,
    UploadActionsMixin,
    reread,
    transition_action,
    validated,
)
from dudao.core.choices import is_year, year_message
from dudao.core.permissions import ServiceCheckedMixin
from dudao.workreports import selectors, services
from dudao.workreports.filters import ReportFilterSet
from dudao.workreports.models import Level, PeriodKind, Report


def _file_urls(report: Report, which: str) -> dict:
    document = getattr(report, which)
    if document is None:
        return {}
    out = {"docx": reverse("workreports:report_file", args=[report.pk, which, "docx"]), "document": document.pk}
    if document.pdf:
        out["pdf"] = reverse("workreports:report_file", args=[report.pk, which, "pdf"])
    return out


class ReportSerializer(ScopedModelSerializer):
    # a plain string: the same choices as a plan's level would make the schema's enum names collide
    level = serializers.CharField(read_only=True, help_text="office, zone or inspector (whose report)")
    owner = serializers.CharField(source="owner_name", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    late = serializers.BooleanField(source="is_late", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    draft_files = serializers.SerializerMethodField()
    submitted_files = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "title", "level", "office", "zone", "inspector", "owner", "period_kind", "period_start",
                  "period_end", "period", "due_on", "status", "late", "overdue", "draft", "draft_files", "submitted",
                  "submitted_files", "submitted_at", "reviewed_by", "reviewed_at", "review_comment", "author"]
        read_only_fields = fields

    def get_draft_files(self, obj) -> dict:
        return _file_urls(obj, "draft")

    def get_submitted_files(self, obj) -> dict:
        return _file_urls(obj, "submitted")


class ReportDraftInputSerializer(serializers.Serializer):
    # plain strings checked below: a second enum of the same values would collide in the schema
    level = serializers.CharField(help_text="inspector, zone or office (whose report)")
    period_kind = serializers.CharField(help_text="month, term or year")
    period_start = serializers.DateField(help_text="any day of the period")
    office = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    zone = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    inspector = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                         help_text="default: the caller's own inspector record")

    def validate_level(self, value):
        if value not in Level.values:
            raise serializers.ValidationError(f"One of {', '.join(Level.values)}.")
        return value

    def validate_period_kind(self, value):
        if value not in PeriodKind.values:
            raise serializers.ValidationError(f"One of {', '.join(PeriodKind.values)}.")
        return value


class ReportSubmitInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="the finished report as .docx")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReportReviewInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


_TRANSITION = {"id_kwarg": "report_id", "input": ReportReviewInputSerializer, "output": ReportSerializer}


class ReportViewSet(ServiceCheckedMixin, UploadActionsMixin, ScopedViewSet):
    """Work reports (督导工作报告): drafted from the records, submitted as a finished .docx, returned
    or accepted by the office."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    select_related = selectors.REPORT_RELATED
    ordering_fields = ["period_start", "due_on", "status", "submitted_at"]
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    upload_actions = frozenset({"submit"})

    service_checked = frozenset({"submit", "return_", "accept", "status_table"})

    @extend_schema(request=ReportDraftInputSerializer, responses=ReportSerializer)
    def create(self, request, *args, **kwargs):
        """Drafts a report from the records (again, when the report exists as a draft or returned)."""
        v = validated(ReportDraftInputSerializer, request)
        report = services.report_draft(actor=request.user, level=v["level"], period_kind=v["period_kind"],
                                       period_start=v["period_start"], office_id=v.get("office"),
                                       zone_id=v.get("zone"), inspector_id=v.get("inspector"))
        return reread(self, report, status.HTTP_201_CREATED)

    submit = transition_action(
        "submit", services.report_submit, request_schema={"multipart/form-data": ReportSubmitInputSerializer},
        arguments=lambda v, request: {"uploaded_file": v["file"], "comment": v["comment"]},
        doc="Submits the finished report (.docx) to the office.",
        **{**_TRANSITION, "input": ReportSubmitInputSerializer})
    return_ = transition_action("return", services.REPORT_TRANSITION_SERVICES, attr="return_", url_name="return",
                                doc="Returns a submitted report to its author with the reason (required).",
                                **_TRANSITION)
    accept = transition_action("accept", services.REPORT_TRANSITION_SERVICES, doc="Accepts a submitted report.",
                               **_TRANSITION)

    @extend_schema(
        parameters=[OpenApiParameter("office", int, description="the office (default: the caller's own)"),
                    OpenApiParameter("year", int, description="the year (of the term's start)"),
                    OpenApiParameter("term", str, enum=["spring", "autumn"], description="a term, or the whole year")],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"], url_path="status", url_name="status", filterset_class=None,
            pagination_class=None)
    def status_table(self, request):
        """Reports of the office's inspectors and zones per period: on_time, late, due, overdue, not_due."""
        today = timezone.localdate()
        params = request.query_params
        try:
            year = int(params.get("year", today.year))
            office_id = int(params["office"]) if params.get("office") else None
        except ValueError:
            raise serializers.ValidationError({"year": "Enter numbers for year and office."})
        if not is_year(year):
            raise serializers.ValidationError({"year": year_message()})
        term = params.get("term") or None
        if term not in (None, "spring", "autumn"):
            raise serializers.ValidationError({"term": "spring or autumn."})
        if office_id is None:
            office_id = next(iter(sorted(offices_of(request.user))), None)
            if office_id is None:
                raise serializers.ValidationError({"office": "Choose the office."})
        data = selectors.report_status(user=request.user, office_id=office_id, year=year, term=term, on=today)

        def day(d: datetime.date) -> str:
            return d.isoformat()

        return Response({
            "office": data["office"].pk, "year": year, "term": term, "on": day(data["on"]),
            "columns": [{"kind": c.kind, "start": day(c.start), "end": day(c.end), "due_on": day(c.due_on)}
                        for c in data["columns"]],
            "rows": [{"level": r.level, "id": r.subject.pk, "name": str(r.subject),
                      "cells": [{"state": c.state, "report": c.report.pk if c.report else None} for c in r.cells]}
                     for r in data["rows"]],
            "counts": {state: n for state, _label, n, _css in data["counts"]},
        })


def register(router) -> None:
    router.register("reports/reports", ReportViewSet, basename="reports-report")
