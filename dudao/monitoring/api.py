from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.core.api import ScopedModelSerializer
from dudao.monitoring import selectors, services
from dudao.monitoring.filters import SchoolReturnFilterSet, StatisticsYearFilterSet
from dudao.monitoring.models import VALUE_FIELDS, SchoolReturn, StatisticsYear


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


class StatisticsYearTransitionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class StatisticsYearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Statistics years (read-only); ``analysis/`` runs the balance analysis, ``lock/`` and ``unlock/``."""

    serializer_class = StatisticsYearSerializer
    filterset_class = StatisticsYearFilterSet

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

    def _transition(self, request, name):
        year = self.get_object()
        data = StatisticsYearTransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        year = services.STATISTICS_YEAR_TRANSITION_SERVICES[name](
            actor=request.user, statistics_year_id=year.pk, reason=data.validated_data.get("reason", ""))
        return Response(StatisticsYearSerializer(year, context={"request": request}).data)

    @extend_schema(request=StatisticsYearTransitionInputSerializer, responses=StatisticsYearSerializer)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        return self._transition(request, "lock")

    @extend_schema(request=StatisticsYearTransitionInputSerializer, responses=StatisticsYearSerializer)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        return self._transition(request, "unlock")


class SchoolReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """School returns (read-only); file them through the page or the county workbook import."""

    serializer_class = SchoolReturnSerializer
    filterset_class = SchoolReturnFilterSet

    def get_queryset(self):
        return (SchoolReturn.objects.for_user(self.request.user)
                .select_related("school__region", "statistics_year__office", "submitted_by").order_by("pk"))


def register(router) -> None:
    router.register("monitoring/years", StatisticsYearViewSet, basename="monitoring-statisticsyear")
    router.register("monitoring/returns", SchoolReturnViewSet, basename="monitoring-schoolreturn")
