"""API twins of the assessment under ``/api/v1/reports/``.

* ``GET assessment/?office=&period_kind=year|term&year=&term=spring|autumn``: the office's ranked table;
* ``GET assessment/{inspector id}/?period_kind=&year=&term=``: one inspector's assessment;
* ``ratings/``: the ratings the caller gave (the office: its region's); ``POST ratings/`` rates an
  inspector (``inspector``, ``period_kind``, ``period_start``, ``role``, ``answers`` {item code: value}).

403 no permission, 404 outside the scope, 400 invalid input.
"""

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from dudao.accounts.access import acts_for_office, offices_of
from dudao.assessment import selectors, services
from dudao.assessment.filters import AssessmentRatingFilterSet
from dudao.assessment.forms import PeriodForm
from dudao.assessment.models import AssessmentRating
from dudao.assessment.scoring import INDICATORS
from dudao.core.api import ScopedReadViewSet, validated
from dudao.inspectors.models import Inspector


def _number(value):
    return None if value is None else float(value)


def _row(row) -> dict:
    r = row.records
    return {
        "inspector": row.inspector.pk, "name": row.inspector.name, "rank": row.rank, "score": _number(row.total),
        "indicators": {k: _number(row.scores[k]) for k in INDICATORS},
        "records": {"schools": r.schools, "visits": r.visits, "months_in_care": r.months_in_care,
                    "months_visited": r.months_visited, "tasks_due": r.tasks_due, "tasks_done": r.tasks_done,
                    "reports_due": r.reports_due, "reports_on_time": r.reports_on_time,
                    "rectifications_due": r.rectifications_due, "rectifications_followed": r.rectifications_followed,
                    "complaints": r.complaints, "complaints_answered": r.complaints_answered,
                    "satisfaction": _number(r.satisfaction), "training_hours": float(r.training_hours),
                    "training_floor": float(r.training_floor), "ratings": len(r.ratings)},
    }


def _period(data: dict) -> dict:
    p = data["period"]
    return {"kind": p.kind, "start": p.start.isoformat(), "end": p.end.isoformat(), "label": p.label}


class AssessmentViewSet(viewsets.GenericViewSet):
    """The assessment of inspectors (督学考核): the office's ranked table and one inspector's profile."""

    model = Inspector
    pagination_class = None
    filterset_class = None
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Inspector.objects.for_user(self.request.user).select_related("office__region")

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="reports_assessment_table")
    def list(self, request):
        user = request.user
        if not (user.has_perm("assessment.view_assessment") and acts_for_office(user)):
            raise PermissionDenied
        offices = selectors.assessment_offices(user=user)
        form = PeriodForm(request.query_params, offices=offices)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        office = form.cleaned_data.get("office") or offices.filter(pk__in=sorted(offices_of(user))).first() \
            or offices.first()
        if office is None:
            raise serializers.ValidationError({"office": "Choose the office."})
        data = selectors.assessment_table(user=user, office=office, period=form.period())
        return Response({"office": office.pk, "period": _period(data), "weights": data["policy"].weights,
                         "group_weights": data["policy"].group_weights, "rows": [_row(r) for r in data["rows"]]})

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="reports_assessment_inspector")
    def retrieve(self, request, pk=None):
        inspector = get_object_or_404(self.get_queryset(), pk=pk)
        if not selectors.may_see_assessment(user=request.user, inspector=inspector):
            raise PermissionDenied
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        data = selectors.assessment_profile(user=request.user, inspector=inspector, period=form.period())
        return Response({**_row(data["row"]), "period": _period(data), "of": data["count"],
                         "office_mean": {k: _number(v) for k, v in data["office_mean"].items()}})


class AssessmentRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentRating
        fields = ["id", "inspector", "role", "school", "period_kind", "period_start", "score", "comment", "updated_at"]
        read_only_fields = fields


class RatingInputSerializer(serializers.Serializer):
    inspector = serializers.IntegerField(min_value=1)
    period_kind = serializers.ChoiceField(choices=["year", "term"])
    period_start = serializers.DateField(help_text="any day of the year or term")
    role = serializers.ChoiceField(choices=AssessmentRating.Role.values)
    answers = serializers.DictField(help_text="{item code: value} on the office's assessment questionnaire")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AssessmentRatingViewSet(ScopedReadViewSet):
    serializer_class = AssessmentRatingSerializer
    filterset_class = AssessmentRatingFilterSet
    ordering_fields = ["period_start", "score"]
    select_related = ("inspector", "school")
    ordering = ("-period_start", "pk")

    @extend_schema(request=RatingInputSerializer, responses=AssessmentRatingSerializer)
    def create(self, request):
        v = validated(RatingInputSerializer, request)
        rating = services.rating_submit(actor=request.user, inspector_id=v["inspector"], period_kind=v["period_kind"],
                                        period_start=v["period_start"], role=v["role"], answers=v["answers"],
                                        comment=v["comment"])
        return Response(AssessmentRatingSerializer(rating).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("reports/assessment", AssessmentViewSet, basename="reports-assessment")
    router.register("reports/ratings", AssessmentRatingViewSet, basename="reports-assessmentrating")
