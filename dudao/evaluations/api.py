"""API of evaluations: every page action has its twin here (``POST …/{id}/{action}/``).

* ``evaluations/evaluations/``: list, retrieve, create; ``units/`` and ``raters/`` (draft set-up);
  the phases ``notify/``, ``review/``, ``rate/``, ``feed_back/``, ``conclude/``, ``publish/``;
  ``results/`` (what the phase lets the user see); ``report/`` (督导报告).
* ``evaluations/units/``: list, retrieve (results only when the phase shows them);
  ``self_assessment/`` (save), ``submit_self/``, ``evidence/`` (answers the file's ``url``, which
  downloads with the token), ``visit/``, ``reply/``,
  ``preliminary/``, ``opinion/``.
* ``evaluations/ratings/``: list, retrieve (the scope hides other raters' sheets until one's own is
  submitted); ``save/``, ``submit/``, ``reopen/``.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dudao.core.api import (
    ScopedModelSerializer,
    YearField,
    attach_transitions,
    service_result,
    transition_action,
    validated,
)
from dudao.documents.selectors import document_url
from dudao.evaluations import selectors, services
from dudao.evaluations import visibility as v
from dudao.evaluations.filters import EvaluationFilterSet, UnitFilterSet
from dudao.evaluations.models import Evaluation, Rater, RaterGroup, Rating, Unit
from dudao.organizations.models import Office


class EvaluationSerializer(ScopedModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "office", "title", "year", "kind", "version", "status", "aggregation", "weight_by_group",
                  "veto_cap", "veto_grade", "grade_bands", "description", "self_assessment_due", "notice_number"]
        read_only_fields = fields


class EvaluationCreateSerializer(serializers.Serializer):
    office = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    year = YearField()
    version = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Evaluation.Kind.choices, default=Evaluation.Kind.SCHOOL)
    aggregation = serializers.ChoiceField(choices=Evaluation.Aggregation.choices, default="mean")
    weight_by_group = serializers.BooleanField(default=False)
    veto_cap = serializers.DecimalField(max_digits=8, decimal_places=2, default=0)
    veto_grade = serializers.CharField(max_length=20, default="不合格")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    self_assessment_due = serializers.DateField(required=False, allow_null=True, default=None)
    groups = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=3), required=False)


class UnitsInputSerializer(serializers.Serializer):
    schools = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    regions = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class RaterInputSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    group = serializers.ChoiceField(choices=RaterGroup.Kind.choices, default=RaterGroup.Kind.EXPERTS)
    units = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True, default=None)


class EvaluationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class UnitSerializer(ScopedModelSerializer):
    results = serializers.SerializerMethodField()
    self_assessment = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "evaluation", "school", "region", "name", "status", "self_submitted_at", "self_assessment",
                  "preliminary_opinion", "reply", "opinion", "demands", "results"]
        read_only_fields = fields

    def _who(self, unit) -> tuple[bool, bool, bool]:
        """(office, rater, unit side) for the requesting user, from two queries per request."""
        user = self.context["request"].user
        if "_office_ids" not in self.context:
            self.context["_office_ids"] = set(Evaluation.objects.for_user(user, "change").values_list("pk", flat=True))
            self.context["_rater_ids"] = set(Rater.objects.filter(user=user)  # scope: the user's own rater rows
                                             .values_list("evaluation_id", flat=True))
        return (unit.evaluation_id in self.context["_office_ids"], unit.evaluation_id in self.context["_rater_ids"],
                services.unit_side(user, unit))

    def get_results(self, unit) -> dict | None:
        office, _rater, _side = self._who(unit)
        if not v.results_visible(unit.evaluation.status, office=office) or unit.total is None:
            return None
        return {"total": str(unit.total), "maximum": str(unit.maximum), "grade": unit.grade, "rank": unit.rank,
                "vetoed": unit.vetoed, "leaf_points": unit.leaf_points, "node_points": unit.node_points}

    def get_self_assessment(self, unit) -> dict | None:
        office, rater, side = self._who(unit)
        if not v.self_assessment_visible(unit.evaluation.status, office=office, unit=side, rater=rater):
            return None
        return {"scores": unit.self_scores, "notes": unit.self_notes, "narrative": unit.narrative,
                "total": str(unit.self_total) if unit.self_total is not None else None}

    def to_representation(self, unit):
        data = super().to_representation(unit)
        if unit.evaluation.status not in v.UNIT_RESULT_PHASES:
            data["preliminary_opinion"] = ""
        return data


class SheetInputSerializer(serializers.Serializer):
    scores = serializers.DictField(required=False, default=dict)
    notes = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    narrative = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class EvidenceInputSerializer(serializers.Serializer):
    item_code = serializers.CharField(max_length=32)
    file = serializers.FileField()


class SiteVisitInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    members = serializers.CharField(max_length=300)
    notes = serializers.CharField()


class TextInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class DemandSerializer(serializers.Serializer):
    text = serializers.CharField()
    deadline = serializers.DateField()
    item_code = serializers.CharField(required=False, allow_blank=True, default="")


class OpinionInputSerializer(serializers.Serializer):
    evaluation_text = serializers.CharField(allow_blank=True)
    demands = DemandSerializer(many=True, required=False, default=list)


class RatingSerializer(ScopedModelSerializer):
    rater_name = serializers.CharField(source="rater.__str__", read_only=True)
    group = serializers.CharField(source="rater.group.kind", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "unit", "rater", "rater_name", "group", "status", "scores", "notes", "total", "submitted_at"]
        read_only_fields = fields


_UNIT = {"id_kwarg": "unit_id", "output": UnitSerializer, "reload": service_result}


class _CheckedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # the capability to read the rows is asked first (403 without it); every write is checked by its service;
    # a list without ``?ordering=`` is in ``ordering``
    required_action = "view"

    def get_queryset(self):
        return self.model.objects.for_user(self.request.user).select_related(*self.select_related)


class EvaluationViewSet(_CheckedViewSet):
    model = Evaluation
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilterSet

    select_related = ("office__region", "version__instrument")
    ordering = ("-year", "-pk")

    @extend_schema(request=EvaluationCreateSerializer, responses={201: EvaluationSerializer})
    def create(self, request):
        d = validated(EvaluationCreateSerializer, request)
        office = Office.objects.for_user(request.user).select_related("region").get(pk=d["office"])
        evaluation = services.evaluation_create(
            actor=request.user, office=office, title=d["title"], year=d["year"], version_id=d["version"],
            kind=d["kind"], aggregation=d["aggregation"], weight_by_group=d["weight_by_group"],
            veto_cap=d["veto_cap"], veto_grade=d["veto_grade"], description=d["description"],
            self_assessment_due=d["self_assessment_due"], group_weights=d.get("groups"))
        return Response(EvaluationSerializer(evaluation, context={"request": request}).data, status=201)

    @extend_schema(request=UnitsInputSerializer, responses={201: UnitSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def units(self, request, pk=None):
        evaluation = self.get_object()
        data = validated(UnitsInputSerializer, request)
        units = services.units_add(actor=request.user, evaluation_id=evaluation.pk,
                                   school_ids=data["schools"], region_ids=data["regions"])
        return Response(UnitSerializer(units, many=True, context={"request": request}).data, status=201)

    @extend_schema(request=RaterInputSerializer, responses={201: dict})
    @action(detail=True, methods=["post"])
    def raters(self, request, pk=None):
        evaluation = self.get_object()
        data = validated(RaterInputSerializer, request)
        rater = services.rater_add(actor=request.user, evaluation_id=evaluation.pk, user_id=data["user"],
                                   group=data["group"], unit_ids=data["units"])
        return Response({"id": rater.pk, "user": rater.user_id, "group": data["group"]}, status=201)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Ranking and per-indicator scores; the raters' totals and agreement only for the office;
        403 while the phase hides the results from the user."""
        evaluation = self.get_object()
        res = selectors.results(user=request.user, evaluation=evaluation)
        if res is None:
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied
        office = selectors.is_office(user=request.user, evaluation=evaluation)
        return Response({"units": [{
            "id": u.pk, "name": u.name, "rank": u.rank, "total": str(u.total), "maximum": str(u.maximum),
            "grade": u.grade, "vetoed": u.vetoed, "node_points": u.node_points,
            "self_total": str(u.self_total) if u.self_total is not None else None,
            **({"rater_totals": {k: str(t) for k, t in res.rater_totals.get(u.pk, {}).items()},
                "outlier_raters": res.agreement.get(u.pk, {}).get("outliers", [])} if office else {}),
        } for u in res.units], "distribution": res.distribution})

    @extend_schema(request=None, responses={201: dict})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        evaluation = self.get_object()
        document = services.report_generate(actor=request.user, evaluation_id=evaluation.pk)
        return Response({"document": document.pk, "url": document.get_absolute_url(),
                         "docx_url": document_url(document, "docx"),
                         "pdf_url": document_url(document, "pdf") if document.pdf else ""}, status=201)


attach_transitions(EvaluationViewSet, services.EVALUATION_TRANSITION_SERVICES, id_kwarg="evaluation_id",
                   input=EvaluationReasonSerializer, output=EvaluationSerializer, reload=service_result)


class UnitViewSet(_CheckedViewSet):
    model = Unit
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet

    select_related = ("evaluation__office__region", "school", "region")
    ordering = ("evaluation", "name")

    self_assessment = transition_action("self_assessment", services.self_assessment_save, input=SheetInputSerializer,
                                        **_UNIT)
    # the documented reason is not read: the service records the submission without one
    submit_self = transition_action("submit_self", services.self_assessment_submit, input=EvaluationReasonSerializer,
                                    validate=False, **_UNIT)

    @extend_schema(request={"multipart/form-data": EvidenceInputSerializer}, responses={201: dict})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        unit = self.get_object()
        data = validated(EvidenceInputSerializer, request)
        evidence = services.evidence_add(actor=request.user, unit_id=unit.pk, item_code=data["item_code"],
                                         uploaded_file=data["file"])
        return Response({"id": evidence.pk, "item_code": evidence.item_code, "sha256": evidence.sha256,
                         "url": reverse("evaluations:evidence_download", args=[evidence.pk])}, status=201)

    @extend_schema(request=SiteVisitInputSerializer, responses={201: dict})
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        unit = self.get_object()
        data = validated(SiteVisitInputSerializer, request)
        visit = services.site_visit_record(actor=request.user, unit_id=unit.pk, **data)
        return Response({"id": visit.pk, "date": visit.date}, status=201)

    reply = transition_action("reply", services.unit_reply, input=TextInputSerializer, **_UNIT)
    preliminary = transition_action("preliminary", services.preliminary_opinion_set, input=TextInputSerializer,
                                    **_UNIT)
    opinion = transition_action("opinion", services.opinion_issue, input=OpinionInputSerializer, **_UNIT)


_RATING = {"id_kwarg": "rating_id", "output": RatingSerializer, "reload": service_result}


class RatingViewSet(_CheckedViewSet):
    model = Rating
    serializer_class = RatingSerializer

    select_related = ("rater__user", "rater__group", "unit")
    ordering = ("unit__name", "rater_id")

    save = transition_action("save", services.rating_save, input=SheetInputSerializer,
                             arguments=lambda v, request: {"scores": v["scores"], "notes": v["notes"]}, **_RATING)
    # the documented reason is not read: the service records the submission without one
    submit = transition_action("submit", services.rating_submit, input=EvaluationReasonSerializer, validate=False,
                               **_RATING)
    reopen = transition_action("reopen", services.rating_reopen, input=EvaluationReasonSerializer, **_RATING)


def register(router) -> None:
    router.register("evaluations/evaluations", EvaluationViewSet, basename="evaluations-evaluation")
    router.register("evaluations/units", UnitViewSet, basename="evaluations-unit")
    router.register("evaluations/ratings", RatingViewSet, basename="evaluations-rating")
