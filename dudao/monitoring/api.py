import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dudao.core.api import (
    ScopedModelSerializer,
    UploadActionsMixin,
    YearField,
    attach_transitions,
    service_result,
    validated,
)
from dudao.core.downloads import download
from dudao.core.excel import XLSX_CONTENT_TYPE
from dudao.monitoring import exports, selectors, services
from dudao.monitoring.filters import SchoolReturnFilterSet, StatisticsYearFilterSet
from dudao.monitoring.models import VALUE_FIELDS, BalanceStandard, SchoolReturn, StatisticsYear
from dudao.organizations.models import Office


class StatisticsYearSerializer(ScopedModelSerializer):
    class Meta:
        model = StatisticsYear
        fields = ["id", "office", "year", "status", "locked_by", "locked_at"]
        read_only_fields = fields


class SchoolReturnSerializer(ScopedModelSerializer):
    class Meta:
        model = SchoolReturn
        fields = ["id", "statistics_year", "school", "stage", "school_type", "students", "senior_students",
                  *VALUE_FIELDS, "submitted_by", "submitted_at"]
        read_only_fields = fields


class StatisticsYearOpenInputSerializer(serializers.Serializer):
    office = serializers.IntegerField(min_value=1)
    year = YearField()


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    confirm_warnings = serializers.BooleanField(required=False, default=False)


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    errors = RowProblemSerializer(many=True)
    warnings = RowProblemSerializer(many=True)
    written = serializers.IntegerField()
    replaced = serializers.IntegerField()


def _problems(items) -> list[dict]:
    return [{"row": e.row, "column": str(e.column), "reason": str(e.message)} for e in items]


class StatisticsYearViewSet(UploadActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Statistics years: open one (``POST``), import the county workbook (``import/``), run the
    balance analysis (``analysis/``), ``lock/`` and ``unlock/``."""

    model = StatisticsYear
    upload_actions = frozenset({"import_returns"})
    serializer_class = StatisticsYearSerializer
    filterset_class = StatisticsYearFilterSet

    @extend_schema(request=StatisticsYearOpenInputSerializer, responses={201: StatisticsYearSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(StatisticsYearOpenInputSerializer, request)
        year = services.statistics_year_open(actor=request.user, office_id=data["office"],
                                             year=data["year"])
        return Response(StatisticsYearSerializer(year, context={"request": request}).data, status=201)

    @extend_schema(request={"multipart/form-data": ImportInputSerializer}, responses={200: ImportReportSerializer,
                                                                                   400: ImportReportSerializer})
    @action(detail=True, methods=["post"], url_path="import", url_name="import",
            parser_classes=[MultiPartParser, FormParser])
    def import_returns(self, request, pk=None):
        """The county workbook in the template of ``dudao balance template``: every error and warning
        with row, column and reason; nothing is written while errors remain or warnings are unconfirmed."""
        year = self.get_object()
        data = validated(ImportInputSerializer, request)
        upload = data["file"]
        suffix = Path(upload.name).suffix.lower() if Path(upload.name).suffix.lower() in (".xlsx", ".csv") else ".xlsx"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            report = services.school_return_import(actor=request.user, statistics_year_id=year.pk, path=path,
                                                   confirm_warnings=data["confirm_warnings"],
                                                   filename=upload.name)
        body = {"errors": _problems(report.errors), "warnings": _problems(report.warnings),
                "written": report.written, "replaced": report.replaced}
        return Response(body, status=200 if report.written or not (report.errors or report.warnings) else 400)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def template(self, request, pk=None):
        """The county workbook template with the year's schools the caller sees filled in (code, name,
        type, one row per compulsory stage); the figures are left to fill."""


        year = self.get_object()
        rows = selectors.template_rows(user=request.user, statistics_year=year)
        return download(exports.prefilled_template(rows), "学校办学条件统计模板.xlsx")

    def get_queryset(self):
        return (StatisticsYear.objects.for_user(self.request.user).select_related("office__region", "locked_by")
                .order_by("-year", "pk"))

    @extend_schema(parameters=[OpenApiParameter("method", str, enum=[m.value for m in selectors.METHODS])],
                   responses={200: dict})
    @action(detail=True, methods=["get"])
    def analysis(self, request, pk=None):
        year = self.get_object()
        return Response(selectors.year_analysis(user=request.user, statistics_year=year,
                                                method=request.query_params.get("method")))



attach_transitions(StatisticsYearViewSet, services.STATISTICS_YEAR_TRANSITION_SERVICES, id_kwarg="statistics_year_id",
                   output=StatisticsYearSerializer, reload=service_result)


class SchoolReturnInputSerializer(ScopedModelSerializer):
    class Meta:
        model = SchoolReturn
        fields = ["statistics_year", "school", "stage", "school_type", "students", "senior_students", *VALUE_FIELDS]


class SchoolReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """School returns: read, file one (``POST``) or correct it (``PATCH``) while the year is open."""

    model = SchoolReturn
    serializer_class = SchoolReturnSerializer
    filterset_class = SchoolReturnFilterSet

    def get_serializer_class(self):
        return SchoolReturnInputSerializer if self.action in {"create", "update", "partial_update"} else SchoolReturnSerializer

    @extend_schema(responses={201: SchoolReturnSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(SchoolReturnInputSerializer, request, context={"request": request})
        item = services.school_return_save(actor=request.user, instance=SchoolReturn(**data))
        return Response(SchoolReturnSerializer(item, context={"request": request}).data, status=201)

    @extend_schema(responses={200: SchoolReturnSerializer})
    def update(self, request, *args, **kwargs):
        item = self.get_object()
        data = SchoolReturnInputSerializer(item, data=request.data, partial=kwargs.get("partial", False),
                                           context={"request": request})
        data.is_valid(raise_exception=True)
        for key, value in data.validated_data.items():
            if key not in {"statistics_year", "school", "stage"}:
                setattr(item, key, value)
        item = services.school_return_save(actor=request.user, instance=item)
        return Response(SchoolReturnSerializer(item, context={"request": request}).data)

    def get_queryset(self):
        return (SchoolReturn.objects.for_user(self.request.user)
                .select_related("school__region", "statistics_year__office", "submitted_by").order_by("pk"))


class BalanceStandardSerializer(ScopedModelSerializer):
    class Meta:
        model = BalanceStandard
        fields = ["id", "office", "year", "method", "threshold_primary", "threshold_junior", "standards",
                  "floor_ratio", "set_by", "set_at"]
        read_only_fields = fields


class StageValuesSerializer(serializers.Serializer):
    primary = serializers.DictField(child=serializers.FloatField())
    junior = serializers.DictField(child=serializers.FloatField())


class BalanceStandardInputSerializer(serializers.Serializer):
    office = serializers.IntegerField(min_value=1)
    year = YearField()
    method = serializers.ChoiceField(choices=BalanceStandard.Method.choices)
    threshold_primary = serializers.DecimalField(max_digits=4, decimal_places=3)
    threshold_junior = serializers.DecimalField(max_digits=4, decimal_places=3)
    standards = StageValuesSerializer(required=False, allow_null=True,
                                      help_text="2017 only: per stage, the standard of every indicator key.")
    floor_ratio = serializers.DecimalField(max_digits=4, decimal_places=3, required=False, allow_null=True,
                                           help_text="2017 only: e.g. 0.85.")


class StandardsSourceSerializer(serializers.Serializer):
    national = serializers.BooleanField()
    office = serializers.CharField(allow_null=True)
    office_id = serializers.IntegerField(allow_null=True)
    own = serializers.BooleanField()
    set_at = serializers.DateTimeField(allow_null=True)
    set_by = serializers.CharField(allow_null=True)
    id = serializers.IntegerField(allow_null=True)


class StandardsInForceSerializer(serializers.Serializer):
    thresholds = serializers.DictField(child=serializers.FloatField())
    standards = serializers.DictField(child=serializers.DictField(child=serializers.FloatField()))
    floor_ratio = serializers.FloatField(allow_null=True)
    source = StandardsSourceSerializer()


class BalanceStandardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                             mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Offices' thresholds and standards of the balance analysis per year and method: ``POST`` sets an
    office's own (office administrators), ``DELETE`` removes it, ``in-force/`` gives the values that hold
    for an office's year (its own, else inherited from the office above, else the national defaults)."""

    model = BalanceStandard
    serializer_class = BalanceStandardSerializer

    def get_queryset(self):
        return (BalanceStandard.objects.for_user(self.request.user).select_related("office", "set_by")
                .order_by("-year", "office_id", "method"))

    @extend_schema(request=BalanceStandardInputSerializer, responses={201: BalanceStandardSerializer})
    def create(self, request, *args, **kwargs):
        v = validated(BalanceStandardInputSerializer, request)
        item = services.balance_standard_set(
            actor=request.user, office_id=v["office"], year=v["year"], method=v["method"],
            thresholds={"primary": v["threshold_primary"], "junior": v["threshold_junior"]},
            standards=v.get("standards"), floor_ratio=v.get("floor_ratio"))
        return Response(BalanceStandardSerializer(item, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.balance_standard_clear(actor=self.request.user, balance_standard_id=instance.pk)

    @extend_schema(parameters=[OpenApiParameter("office", int, required=True),
                               OpenApiParameter("year", int, required=True),
                               OpenApiParameter("method", str, enum=[m.value for m in selectors.METHODS])],
                   responses={200: StandardsInForceSerializer})
    @action(detail=False, methods=["get"], url_path="in-force", url_name="in-force")
    def in_force(self, request):
        office_id, year = request.query_params.get("office", ""), request.query_params.get("year", "")
        if not (office_id.isdigit() and year.isdigit()):
            raise serializers.ValidationError(_("Give the office and the statistics year."))
        office = Office.objects.for_user(request.user).select_related("region").get(pk=int(office_id))
        data = selectors.standards_in_force(office=office, year=int(year),
                                            method=request.query_params.get("method"))
        return Response(StandardsInForceSerializer(data).data)


def register(router) -> None:
    router.register("monitoring/years", StatisticsYearViewSet, basename="monitoring-statisticsyear")
    router.register("monitoring/returns", SchoolReturnViewSet, basename="monitoring-schoolreturn")
    router.register("monitoring/standards", BalanceStandardViewSet, basename="monitoring-balancestandard")
