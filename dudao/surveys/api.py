"""API twins of the survey pages: create and change surveys, open / close / reopen, single-use codes,
links with their addresses, and the results with last year's comparison."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.core.api import ScopedModelSerializer, YearField, transition_action, validated
from dudao.inspectors.signboards import public_base_url
from dudao.surveys import selectors, services
from dudao.surveys.filters import SurveyFilterSet
from dudao.surveys.models import Survey, SurveyLink


class SurveySerializer(ScopedModelSerializer):
    response_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Survey
        fields = ["id", "office", "title", "year", "version", "groups", "closes_on", "counted_options",
                  "pass_threshold", "single_use", "introduction", "status", "opened_at", "closed_at", "response_count"]
        read_only_fields = fields


class SurveyCreateInputSerializer(serializers.Serializer):
    office = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200)
    year = YearField()
    version = serializers.IntegerField(min_value=1)
    groups = serializers.ListField(child=serializers.ChoiceField(choices=Survey.Group.choices), min_length=1)
    closes_on = serializers.DateField()
    schools = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    counted_options = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    pass_threshold = serializers.DecimalField(max_digits=5, decimal_places=4, min_value=0, max_value=1,
                                              required=False)
    single_use = serializers.BooleanField(required=False, default=False)
    introduction = serializers.CharField(required=False, allow_blank=True, default="")


class SurveyUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    introduction = serializers.CharField(required=False, allow_blank=True)
    closes_on = serializers.DateField(required=False)
    counted_options = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    pass_threshold = serializers.DecimalField(max_digits=5, decimal_places=4, min_value=0, max_value=1,
                                              required=False)
    version = serializers.IntegerField(min_value=1, required=False)
    groups = serializers.ListField(child=serializers.ChoiceField(choices=Survey.Group.choices), required=False)
    schools = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    single_use = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class SurveyCodesInputSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_CODES)
    school = serializers.IntegerField(min_value=1, required=False)
    group = serializers.ChoiceField(choices=Survey.Group.choices, required=False)


class SurveyLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    response_count = serializers.IntegerField(read_only=True)
    code_count = serializers.IntegerField(read_only=True)
    unused_code_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveyLink
        fields = ["id", "survey", "school", "group", "url", "response_count", "code_count", "unused_code_count"]
        read_only_fields = fields

    def get_url(self, link) -> str:
        return public_base_url(self.context.get("request")) + link.get_public_path()


def _pct(value):
    return float(value) if value is not None else None


def _cell(cell) -> dict:
    return {"responses": cell.responses, "satisfied": cell.tally.satisfied, "answered": cell.tally.answered,
            "rate": float(cell.rate) if cell.rate is not None else None,
            "percent": _pct(cell.percent), "passed": cell.passed}


def results_data(results, comparison) -> dict:
    return {
        "survey": results.survey.pk,
        "counted_options": results.counted,
        "pass_threshold": float(results.threshold),
        "overall": _cell(results.overall),
        "groups": {g: _cell(results.group_totals[g]) for g, _label in results.groups},
        "schools": [{"school": row.school.pk, "code": row.school.code, "name": row.school.name,
                     "overall": _cell(row.overall), "groups": {g: _cell(c) for g, c in row.cells.items()}}
                    for row in results.schools],
        "questions": [{"code": q.code, "text": q.text, "rated": q.rated, "answered": q.answered,
                       "counts": {o: n for o, n, _share, _counted in q.rows}, "percent": _pct(q.percent)}
                      for q in results.questions],
        "comparison": None if comparison is None else {
            "previous": comparison["previous"].pk,
            "overall": {k: _pct(v) for k, v in comparison["overall"].items()},
            "lines": [{"school": line["school"].pk, "group": line["group"] or None, "before": _pct(line["before"]),
                       "now": _pct(line["now"]), "change": _pct(line["change"])} for line in comparison["lines"]],
        },
    }


def _reload(view, survey, result):
    return selectors.survey_list(user=view.request.user).get(pk=result.pk)


_TRANSITION = {"id_kwarg": "survey_id", "output": SurveySerializer,
               "reload": _reload}


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Satisfaction surveys: create (``POST``), change (``PATCH``), ``open/``, ``close/``, ``reopen/``,
    ``codes/`` (single-use codes), ``links/`` (addresses) and ``results/`` (rates and comparison)."""

    model = Survey
    serializer_class = SurveySerializer
    filterset_class = SurveyFilterSet

    def get_queryset(self):
        return selectors.with_counts(Survey.objects.for_user(self.request.user)).order_by("-year", "-pk")

    def _out(self, survey, status=200):
        survey = selectors.survey_list(user=self.request.user).get(pk=survey.pk)
        return Response(SurveySerializer(survey, context={"request": self.request}).data, status=status)

    @extend_schema(request=SurveyCreateInputSerializer, responses={201: SurveySerializer})
    def create(self, request, *args, **kwargs):
        data = validated(SurveyCreateInputSerializer, request)
        d = dict(data)
        extra = {k: d[k] for k in ("counted_options", "pass_threshold") if k in d}
        survey = services.survey_create(
            actor=request.user, office_id=d["office"], title=d["title"], year=d["year"], version_id=d["version"],
            groups=d["groups"], closes_on=d["closes_on"], school_ids=d["schools"], single_use=d["single_use"],
            introduction=d["introduction"], **extra)
        return self._out(survey, status=201)

    @extend_schema(request=SurveyUpdateInputSerializer, responses=SurveySerializer)
    def update(self, request, *args, **kwargs):
        survey = self.get_object()
        data = validated(SurveyUpdateInputSerializer, request, partial=True)
        d = dict(data)
        reason = d.pop("reason", "")
        renames = {"version": "version_id", "schools": "school_ids"}
        fields = {renames.get(k, k): v for k, v in d.items()}
        survey = services.survey_update(actor=request.user, survey_id=survey.pk, reason=reason, **fields)
        return self._out(survey)

    open_survey = transition_action("open", services.SURVEY_TRANSITION_SERVICES, attr="open_survey", url_name="open",
                                    **_TRANSITION)
    close = transition_action("close", services.SURVEY_TRANSITION_SERVICES, **_TRANSITION)
    reopen = transition_action("reopen", services.SURVEY_TRANSITION_SERVICES, **_TRANSITION)

    @extend_schema(request=SurveyCodesInputSerializer, responses={201: dict})
    @action(detail=True, methods=["post"])
    def codes(self, request, pk=None):
        survey = self.get_object()
        data = validated(SurveyCodesInputSerializer, request)
        made = services.survey_codes_generate(actor=request.user, survey_id=survey.pk, count=data["count"],
                                              school_id=data.get("school"),
                                              group=data.get("group"))
        return Response({"codes": made}, status=201)

    @extend_schema(responses=SurveyLinkSerializer(many=True))
    @action(detail=True, methods=["get"])
    def links(self, request, pk=None):
        survey = self.get_object()
        links = selectors.link_list(user=request.user, survey=survey)
        return Response(SurveyLinkSerializer(links, many=True, context={"request": request}).data)

    @extend_schema(parameters=[OpenApiParameter("school", int), OpenApiParameter("group", str)],
                   responses={200: dict})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        survey = self.get_object()
        school = request.query_params.get("school")
        group = request.query_params.get("group") or None
        results = selectors.survey_results(user=request.user, survey=survey,
                                           school_id=int(school) if school and school.isdigit() else None,
                                           group=group if group in survey.groups else None)
        comparison = selectors.survey_comparison(user=request.user, survey=survey, results=results)
        return Response(results_data(results, comparison))


def register(router) -> None:
    router.register("surveys/surveys", SurveyViewSet, basename="surveys-survey")
