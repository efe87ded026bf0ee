"""API twins of the rectification loop under ``/api/v1/inspections/``.

* ``findings/``: list, retrieve, create (multipart with ``files``) through ``finding_record``;
* ``rectifications/``: list (filters of the page, ``overdue`` derived), retrieve, create = issue a
  notice; ``POST rectifications/{id}/submit/`` (multipart ``measures`` + ``files``),
  ``…/return/`` (``result``, ``remarks``), ``…/close/`` (``remarks``), ``…/escalate/``
  (``kind``, ``date``, ``note``); ``GET rectifications/summary/`` for dashboards;
  ``GET rectifications/by-region/`` for the findings and notices per city, county or zone;
* ``deadline-policies/``: an office's days per severity (create or update = set).

409 wrong state, 403 no permission, 404 outside the scope, 400 invalid input.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dudao.audit.services import model_delete
from dudao.core.api import ScopedModelSerializer, ScopedViewSet, id_param, reread, transition_action, validated
from dudao.core.choices import year_message, year_or_none
from dudao.inspections.api.documents import RectificationDocumentsMixin
from dudao.inspections.filters.rectifications import FindingFilterSet, RectificationFilterSet
from dudao.inspections.models import (
    Attachment,
    DeadlinePolicy,
    Escalation,
    Finding,
    Recheck,
    Rectification,
    RectificationResponse,
    Severity,
)
from dudao.inspections.selectors import rectifications as selectors
from dudao.inspections.services import findings as finding_services
from dudao.inspections.services import rectifications as services
from dudao.organizations.selectors import drill_region

PARSERS = [JSONParser, MultiPartParser, FormParser]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "url"]

    def get_url(self, obj) -> str:
        from django.urls import NoReverseMatch

        try:
            return obj.get_absolute_url()
        except NoReverseMatch:
            return ""


class FindingSerializer(ScopedModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)
    notice_status = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Finding
        fields = ["id", "school", "visit", "item", "item_code", "severity", "description", "found_on", "created_by",
                  "notice_status", "attachments"]
        read_only_fields = fields


class FindingCreateInputSerializer(serializers.Serializer):
    school = serializers.IntegerField(required=False, min_value=1)
    visit = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    item = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    item_code = serializers.CharField(required=False, allow_blank=True, max_length=32)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL)
    description = serializers.CharField()
    found_on = serializers.DateField(required=False)
    files = serializers.ListField(child=serializers.FileField(), required=False)


class ResponseSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = RectificationResponse
        fields = ["id", "measures", "submitted_by", "submitted_at", "attachments"]


class RecheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recheck
        fields = ["id", "result", "remarks", "checked_on", "checked_by", "closed"]


class EscalationSerializer(serializers.ModelSerializer):
    # the choices are documented once, on the escalate input (one enum per field name in the schema)
    kind = serializers.CharField(read_only=True, help_text="interview (约谈) or criticism (通报批评)")

    class Meta:
        model = Escalation
        fields = ["id", "kind", "date", "note", "recorded_by"]


class RectificationSerializer(ScopedModelSerializer):
    overdue = serializers.BooleanField(read_only=True)
    severity = serializers.CharField(source="finding.severity", read_only=True)
    responses = ResponseSerializer(many=True, read_only=True)
    rechecks = RecheckSerializer(many=True, read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)

    class Meta:
        model = Rectification
        fields = ["id", "number", "finding", "school", "severity", "requirements", "issued_on", "deadline", "status",
                  "overdue", "issued_by", "closed_on", "responses", "rechecks", "escalations"]
        read_only_fields = fields


class RectificationIssueInputSerializer(serializers.Serializer):
    finding = serializers.IntegerField(min_value=1)
    requirements = serializers.CharField()
    deadline = serializers.DateField(required=False, allow_null=True)
    issued_on = serializers.DateField(required=False, allow_null=True)
    number = serializers.CharField(required=False, allow_blank=True, max_length=64)


class RectificationSubmitInputSerializer(serializers.Serializer):
    measures = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), required=False)


class RectificationReturnInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[Recheck.Result.PARTIAL, Recheck.Result.NOT_RECTIFIED],
                                     default=Recheck.Result.NOT_RECTIFIED)
    remarks = serializers.CharField()
    checked_on = serializers.DateField(required=False, allow_null=True)


class RectificationCloseInputSerializer(serializers.Serializer):
    remarks = serializers.CharField(required=False, allow_blank=True)
    checked_on = serializers.DateField(required=False, allow_null=True)


class RectificationEscalateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Escalation.Kind.choices)
    date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class SummaryRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()


class RectificationSummarySerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    awaiting_recheck = serializers.IntegerField()
    closed = serializers.IntegerField()
    by_school = SummaryRowSerializer(many=True)
    by_zone = SummaryRowSerializer(many=True)
    by_inspector = SummaryRowSerializer(many=True)


class ProblemCountsSerializer(serializers.Serializer):
    findings = serializers.IntegerField(help_text="findings of the year")
    notices = serializers.IntegerField(help_text="notices, whatever the year they were issued")
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    awaiting_recheck = serializers.IntegerField()
    closed = serializers.IntegerField()
    closed_rate = serializers.FloatField(allow_null=True, help_text="closed notices in per cent of all")


class ProblemLineSerializer(ProblemCountsSerializer):
    id = serializers.IntegerField(allow_null=True, help_text="the region (areas) or zone (zones); null: no zone")
    name = serializers.CharField()


class ProblemsByRegionSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    on = serializers.DateField()
    areas = ProblemLineSerializer(many=True)
    zones = ProblemLineSerializer(many=True)
    total = ProblemCountsSerializer()


class FindingViewSet(ScopedViewSet):
    """Findings (问题). Create one with ``POST`` (multipart for ``files``)."""

    model = Finding
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = PARSERS
    ordering_fields = ["found_on"]

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user).prefetch_related("attachments").order_by("-found_on",
                                                                                                         "-pk")

    @extend_schema(request=FindingCreateInputSerializer, responses={201: FindingSerializer})
    def create(self, request, *args, **kwargs):
        v = validated(FindingCreateInputSerializer, request)
        finding = finding_services.finding_record(
            actor=request.user, school_id=v.get("school"), visit_id=v.get("visit"), item_id=v.get("item"),
            item_code=v.get("item_code", ""), severity=v["severity"], description=v["description"],
            found_on=v.get("found_on"), files=v.get("files", []),
        )
        finding = self.get_queryset().get(pk=finding.pk)
        return Response(FindingSerializer(finding, context={"request": request}).data, status=status.HTTP_201_CREATED)


def _transition_check(actor, notice, name):
    services.rectification_transition_check(actor=actor, rectification=notice, name=name)


def _escalation_check(actor, notice, name):
    services.rectification_escalation_check(actor=actor, rectification=notice)


# 404 outside the scope, then the state (409) and the transition's permission (403) before the input (400)
_TRANSITION = {"id_kwarg": "rectification_id", "output": RectificationSerializer, "check": _transition_check}


class RectificationViewSet(RectificationDocumentsMixin, ScopedViewSet):
    """Rectification notices (整改通知书): ``POST`` issues one on a finding; transitions are
    ``POST {id}/submit/``, ``{id}/return/``, ``{id}/close/``; the office escalates with ``{id}/escalate/``."""

    model = Rectification
    serializer_class = RectificationSerializer
    filterset_class = RectificationFilterSet
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = PARSERS
    ordering_fields = ["deadline", "issued_on", "number"]
    # transitions and escalation need only the view permission here; their services check the
    # transition's own permission (403) after the state (409)
    service_checked = frozenset({"submit", "return_", "close", "escalate", "summary", "by_region", "documents"})

    def get_queryset(self):
        return (
            selectors.rectification_list(user=self.request.user)
            .select_related("finding")
            .prefetch_related("responses__attachments", "rechecks", "escalations")
            .order_by("deadline", "pk")
        )

    @extend_schema(request=RectificationIssueInputSerializer, responses={201: RectificationSerializer})
    def create(self, request, *args, **kwargs):
        v = validated(RectificationIssueInputSerializer, request)
        notice = services.rectification_issue(
            actor=request.user, finding_id=v["finding"], requirements=v["requirements"], deadline=v.get("deadline"),
            number=v.get("number", ""), issued_on=v.get("issued_on"),
        )
        return reread(self, notice, status.HTTP_201_CREATED)


    submit = transition_action(
        "submit", services.RECTIFICATION_TRANSITION_SERVICES, input=RectificationSubmitInputSerializer,
        request_schema={"multipart/form-data": RectificationSubmitInputSerializer},
        doc="The school answers the notice: measures taken and evidence ``files`` (multipart).", **_TRANSITION)
    return_ = transition_action(
        "return", services.RECTIFICATION_TRANSITION_SERVICES, attr="return_", url_name="return",
        input=RectificationReturnInputSerializer,
        doc="The re-check found it partly or not rectified: back to the school with reasons.", **_TRANSITION)
    close = transition_action(
        "close", services.RECTIFICATION_TRANSITION_SERVICES, input=RectificationCloseInputSerializer,
        doc="The re-check found it rectified: close the notice (销号).", **_TRANSITION)

    escalate = transition_action(
        "escalate", services.rectification_escalate, input=RectificationEscalateInputSerializer,
        doc="The office records an interview (约谈) or a public criticism (通报批评) on an overdue or\n"
            "returned notice.", **{**_TRANSITION, "check": _escalation_check})

    @extend_schema(responses=RectificationSummarySerializer)
    @action(detail=False, methods=["get"], url_path="summary", url_name="summary")
    def summary(self, request):
        """Open, overdue, awaiting re-check and closed notices, per school, zone and inspector."""
        data = selectors.rectification_summary(user=request.user, on=timezone.localdate())
        return Response(RectificationSummarySerializer(data).data)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="the year of the findings (default: this year)"),
                    OpenApiParameter("region", int, description="a region in scope: its parts above a county, else "
                                                                "its zones (default: the top of the scope)")],
        responses=ProblemsByRegionSerializer,
    )
    @action(detail=False, methods=["get"], url_path="by-region", url_name="by-region", filterset_class=None,
            pagination_class=None)
    def by_region(self, request):
        """The findings of a year and where the notices stand today, as the page counts them: above a
        county a line per part (city or county), from a county down a line per zone."""
        today = timezone.localdate()
        year = year_or_none(request.query_params.get("year", str(today.year)))
        if year is None:
            raise serializers.ValidationError({"year": [year_message()]})
        region_id = id_param(request, "region")
        region = drill_region(user=request.user, region_id=region_id)
        if region_id and region is None:
            raise serializers.ValidationError({"region": [_("No such region in your scope.")]})
        data = selectors.problems_by_region(user=request.user, year=year, region=region, on=today)
        return Response(ProblemsByRegionSerializer(data).data)


class DeadlinePolicySerializer(ScopedModelSerializer):
    class Meta:
        model = DeadlinePolicy
        fields = ["id", "office", "severity", "days"]


class DeadlinePolicyViewSet(ScopedViewSet):
    """An office's days to rectify per severity; ``POST`` or ``PUT`` sets one (no national deadline)."""

    model = DeadlinePolicy
    serializer_class = DeadlinePolicySerializer
    select_related = ("office",)
    delete_service = model_delete

    def get_queryset(self):
        return super().get_queryset().order_by("office", "severity")

    def perform_create(self, serializer):
        v = serializer.validated_data
        serializer.instance = services.deadline_policy_set(actor=self.request.user, office_id=v["office"].pk,
                                                           severity=v["severity"], days=v["days"])

    def create(self, request, *args, **kwargs):
        # the (office, severity) pair is unique: a second POST updates it, so skip that validator
        serializer = self.get_serializer(data=request.data)
        serializer.validators = []
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        self.check_change_scope(serializer.instance)
        instance = serializer.instance
        v = serializer.validated_data
        serializer.instance = services.deadline_policy_set(
            actor=self.request.user, office_id=v.get("office", instance.office).pk,
            severity=v.get("severity", instance.severity), days=v.get("days", instance.days),
        )


def register(router) -> None:
    """Registers the finding, rectification and deadline-policy viewsets."""
    router.register("inspections/findings", FindingViewSet, basename="inspections-finding")
    router.register("inspections/rectifications", RectificationViewSet, basename="inspections-rectification")
    router.register("inspections/deadline-policies", DeadlinePolicyViewSet, basename="inspections-deadlinepolicy")
