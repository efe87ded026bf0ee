"""API twins of the school at a glance (学校画像) under ``/api/v1/reports/schools/``.

* ``GET {id}/portrait/``: one school's portrait (404 outside the user's scope);
* ``GET compare/?schools=1,2,3``: up to five schools side by side, for an office (403 otherwise);
  a sixth, or no school, is refused (400), a school outside the scope answers 404.

Read only: nothing is written, nothing audited. A section the user's role may not read is ``null``.
"""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.accounts.access import acts_for_office
from dudao.monitoring.formulas import IndicatorStatus
from dudao.organizations.models import School
from dudao.reports import portrait
from dudao.reports.forms import school_ids


class PortraitSchoolRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.CharField(source="region.name")


class PortraitStatisticsYearRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    office = serializers.CharField()
    url = serializers.CharField()


class PortraitIndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    standard = serializers.FloatField(allow_null=True)
    ratio = serializers.FloatField(allow_null=True, help_text="value ÷ standard")
    status = serializers.ChoiceField(choices=[s.value for s in IndicatorStatus])


class PortraitSchoolRuleSerializer(serializers.Serializer):
    passed = serializers.BooleanField(allow_null=True)
    n_met = serializers.IntegerField()
    n_between = serializers.IntegerField()
    n_below_floor = serializers.IntegerField()
    n_missing = serializers.IntegerField()
    reason = serializers.CharField()


class PortraitStageBalanceSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    students = serializers.IntegerField()
    indicators = PortraitIndicatorSerializer(many=True)
    rule = PortraitSchoolRuleSerializer(allow_null=True)


class PortraitBalanceSerializer(serializers.Serializer):
    statistics_year = PortraitStatisticsYearRefSerializer()
    national = serializers.BooleanField(help_text="the national standard values (no office set its own)")
    floor_ratio = serializers.FloatField()
    floor_percent = serializers.FloatField()
    stages = PortraitStageBalanceSerializer(many=True)


class PortraitTermSerializer(serializers.Serializer):
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    visits = serializers.IntegerField()
    months_visited = serializers.IntegerField()
    months = serializers.IntegerField()
    floor = serializers.IntegerField()
    below_floor = serializers.BooleanField()


class PortraitFindingItemSerializer(serializers.Serializer):
    group = serializers.CharField()
    group_name = serializers.CharField()
    name = serializers.CharField()
    n = serializers.IntegerField()


class PortraitNoticeCountsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    awaiting_recheck = serializers.IntegerField()
    closed = serializers.IntegerField()


class PortraitOpenNoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_blank=True)
    requirements = serializers.CharField()
    status = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    url = serializers.CharField(source="get_absolute_url")


class PortraitComplaintStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    answered = serializers.IntegerField()
    closed = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    basically = serializers.IntegerField()
    dissatisfied = serializers.IntegerField()
    rated = serializers.IntegerField()
    mean_days = serializers.FloatField(allow_null=True)
    answered_on_time = serializers.IntegerField()
    answered_total = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True, help_text="% satisfied or basically satisfied")


class PortraitSurveySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    responses = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    threshold = serializers.FloatField(allow_null=True)
    url = serializers.CharField()


class PortraitEvaluationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    phase = serializers.CharField()
    total = serializers.FloatField(allow_null=True)
    maximum = serializers.FloatField(allow_null=True)
    grade = serializers.CharField(allow_blank=True)
    rank = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()


class PortraitLinksSerializer(serializers.Serializer):
    school = serializers.CharField()
    timeline = serializers.CharField()
    visits = serializers.CharField()
    findings = serializers.CharField()
    notices = serializers.CharField()
    overdue = serializers.CharField()
    complaints = serializers.CharField()
    returns = serializers.CharField()


class PortraitListedInspectorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="inspector.pk")
    name = serializers.CharField(source="inspector.name")


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
