"""API twins of the school at a glance (学校画像) under ``/api/v1/reports/schools/``.

* ``GET {id}/portrait/``: one school's portrait (404 outside the user's scope);
* ``GET compare/?schools=1,2,3``: up to five schools side by side, for an office (403 otherwise);
  a sixth, or no school, is refused (400), a school outside the scope answers 404.

Read only: nothing is written, nothing audited. A section the user's role may not read is ``null``.
"""

import datetime

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.accounts.access import acts_for_office
from dudao.complaints.api import SummarySerializer as ComplaintSummarySerializer
from dudao.core.api import plain_serializer
from dudao.monitoring.formulas import IndicatorStatus
from dudao.organizations.models import School
from dudao.reports import portrait
from dudao.reports.forms import school_ids

PortraitSchoolRefSerializer = plain_serializer(
    "PortraitSchoolRefSerializer", id=int, name=str, code=str, kind=str,
    region=serializers.CharField(source="region.name"))
PortraitStatisticsYearRefSerializer = plain_serializer(
    "PortraitStatisticsYearRefSerializer", id=int, year=int, office=str, url=str)
PortraitIndicatorSerializer = plain_serializer(
    "PortraitIndicatorSerializer", key=str, number=int, name=str, unit=str, value=float | None,
    standard=float | None, ratio=serializers.FloatField(allow_null=True, help_text="value ÷ standard"),
    status=serializers.ChoiceField(choices=[s.value for s in IndicatorStatus]))
PortraitSchoolRuleSerializer = plain_serializer(
    "PortraitSchoolRuleSerializer", passed=bool | None, n_met=int, n_between=int, n_below_floor=int,
    n_missing=int, reason=str)
PortraitStageBalanceSerializer = plain_serializer(
    "PortraitStageBalanceSerializer", stage=str, label=str, students=int,
    indicators=PortraitIndicatorSerializer(many=True), rule=PortraitSchoolRuleSerializer(allow_null=True))
PortraitBalanceSerializer = plain_serializer(
    "PortraitBalanceSerializer", statistics_year=PortraitStatisticsYearRefSerializer(),
    national=serializers.BooleanField(help_text="the national standard values (no office set its own)"),
    floor_ratio=float, floor_percent=float, stages=PortraitStageBalanceSerializer(many=True))
PortraitTermSerializer = plain_serializer(
    "PortraitTermSerializer", label=str, start=datetime.date, end=datetime.date, visits=int, months_visited=int,
    months=int, floor=int, below_floor=bool)
PortraitFindingItemSerializer = plain_serializer(
    "PortraitFindingItemSerializer", group=str, group_name=str, name=str, n=int)
PortraitNoticeCountsSerializer = plain_serializer(
    "PortraitNoticeCountsSerializer", open=int, overdue=int, awaiting_recheck=int, closed=int)
PortraitOpenNoticeSerializer = plain_serializer(
    "PortraitOpenNoticeSerializer", id=int, number=serializers.CharField(allow_blank=True), requirements=str,
    status=str, deadline=datetime.date | None, overdue=bool, url=serializers.CharField(source="get_absolute_url"))


class PortraitComplaintStatsSerializer(ComplaintSummarySerializer):
    satisfaction = serializers.FloatField(allow_null=True, help_text="% satisfied or basically satisfied")


PortraitSurveySerializer = plain_serializer(
    "PortraitSurveySerializer", id=int, title=str, year=int, responses=int, percent=float | None,
    passed=bool | None, threshold=float | None, url=str)
PortraitEvaluationSerializer = plain_serializer(
    "PortraitEvaluationSerializer", id=int, title=str, year=int, phase=str, total=float | None,
    maximum=float | None, grade=serializers.CharField(allow_blank=True), rank=int | None, url=str)
PortraitLinksSerializer = plain_serializer(
    "PortraitLinksSerializer", **dict.fromkeys(
        ("school", "timeline", "visits", "findings", "notices", "overdue", "complaints", "returns"), str))
PortraitListedInspectorSerializer = plain_serializer(
    "PortraitListedInspectorSerializer", id=serializers.IntegerField(source="inspector.pk"),
    name=serializers.CharField(source="inspector.name"))


class PortraitSerializer(serializers.Serializer):
    school = PortraitSchoolRefSerializer()
    listed_inspector = PortraitListedInspectorSerializer(source="listing", allow_null=True)
    balance = PortraitBalanceSerializer(allow_null=True)
    terms = PortraitTermSerializer(many=True, allow_null=True)
    findings = serializers.IntegerField(allow_null=True, help_text="findings of these terms")
    findings_by_item = PortraitFindingItemSerializer(source="by_item", many=True)
    notices = PortraitNoticeCountsSerializer(allow_null=True)
    open_notices = PortraitOpenNoticeSerializer(many=True)
    complaints = PortraitComplaintStatsSerializer(allow_null=True)
    surveys = PortraitSurveySerializer(many=True, allow_null=True)
    evaluations = PortraitEvaluationSerializer(many=True, allow_null=True)
    links = PortraitLinksSerializer()


class PortraitCompareSerializer(serializers.Serializer):
    schools = PortraitSerializer(many=True)


class PortraitCompareQuerySerializer(serializers.Serializer):
    schools = serializers.RegexField(r"^\d{1,18}(,\d{1,18})*$", help_text="school ids, comma-separated (at most 5)")


class SchoolPortraitViewSet(viewsets.GenericViewSet):
    """The school at a glance (学校画像): one school's portrait, or up to five side by side."""

    model = School
    pagination_class = None
    filterset_class = None
    lookup_value_regex = r"\d+"
    serializer_class = PortraitSerializer

    def get_queryset(self):
        return School.objects.for_user(self.request.user)

    @extend_schema(responses=PortraitSerializer, operation_id="reports_school_portrait")
    @action(detail=True, methods=["get"])
    def portrait(self, request, pk=None):
        data = portrait.school_portrait(user=request.user, school_id=int(pk))
        return Response(PortraitSerializer(data).data)

    @extend_schema(responses=PortraitCompareSerializer, operation_id="reports_school_compare",
                   parameters=[OpenApiParameter("schools", str, required=True,
                                                description="school ids, comma-separated (at most 5)")])
    @action(detail=False, methods=["get"])
    def compare(self, request):
        if not acts_for_office(request.user):
            raise PermissionDenied
        query = PortraitCompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        schools = portrait.schools_in_scope(user=request.user, school_ids=school_ids([query.validated_data["schools"]]))
        return Response(PortraitCompareSerializer({"schools": portrait.portraits(user=request.user, schools=schools)}).data)


def register(router) -> None:
    router.register("reports/schools", SchoolPortraitViewSet, basename="reports-school")
