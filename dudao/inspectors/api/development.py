"""API twins of inspector development under ``/api/v1/inspectors/``.

* ``training-records/``: list (the page's filters), retrieve, create, update, delete;
* ``cases/``: list, retrieve, ``POST`` (create a draft), ``POST cases/{id}/submit|return|accept|publish/``
  (``reason``; required to return);
* ``terms/``: list, retrieve, ``POST`` (``inspector``, ``start``, ``note``: a 4th term in a row is 400).

409 wrong state, 403 no permission, 404 outside the scope, 400 invalid input.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from dudao.core.api import (
    ScopedModelSerializer,
    ScopedReadViewSet,
    ScopedViewSet,
    YearField,
    attach_transitions,
    reread,
    validated,
)
from dudao.inspectors.filters import CaseFilterSet, TermFilterSet, TrainingRecordFilterSet
from dudao.inspectors.models import Case, Term, TrainingRecord
from dudao.inspectors.selectors import development as selectors
from dudao.inspectors.services import development as services


class TrainingRecordSerializer(ScopedModelSerializer):
    counts_toward_floor = serializers.BooleanField(read_only=True)

    class Meta:
        model = TrainingRecord
        fields = ["id", "inspector", "year", "course", "organiser", "kind", "start_date", "end_date", "hours",
                  "counts_toward_floor", "certificate_sha256"]
        read_only_fields = ["year", "certificate_sha256"]


class TrainingRecordViewSet(ScopedViewSet):
    serializer_class = TrainingRecordSerializer
    filterset_class = TrainingRecordFilterSet
    select_related = ("inspector",)
    ordering_fields = ["start_date", "hours", "year"]
    save_service = services.training_record_save
    delete_service = services.training_record_delete

    def perform_create(self, serializer):
        instance = TrainingRecord(**serializer.validated_data)
        serializer.instance = services.training_record_save(actor=self.request.user, instance=instance)


class CaseSerializer(ScopedModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "office", "inspector", "year", "title", "text", "status", "submitted_at", "reviewed_by",
                  "reviewed_at", "review_comment", "published_at"]
        read_only_fields = fields


class CaseCreateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    year = YearField(required=False)
    inspector = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                         help_text="default: the caller's own inspector record")


class CaseReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CaseViewSet(ScopedReadViewSet):
    """Supervision cases (优秀督导案例): written and submitted by inspectors, reviewed and published by
    the office."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    ordering_fields = ["year", "submitted_at", "published_at"]
    select_related = selectors.CASE_RELATED
    ordering = ("-year", "-pk")

    @property
    def required_action(self):
        return "view" if getattr(self, "action", None) in services.CASE_TRANSITION_SERVICES else None

    @extend_schema(request=CaseCreateInputSerializer, responses=CaseSerializer)
    def create(self, request):
        v = validated(CaseCreateInputSerializer, request)
        case = services.case_create(actor=request.user, title=v["title"], text=v["text"], year=v.get("year"),
                                    inspector_id=v.get("inspector"))
        return reread(self, case, status.HTTP_201_CREATED)


attach_transitions(CaseViewSet, services.CASE_TRANSITION_SERVICES, doc="Applies the {name!r} transition to the case.",
                   id_kwarg="case_id", input=CaseReasonInputSerializer, output=CaseSerializer)


class TermSerializer(ScopedModelSerializer):
    class Meta:
        model = Term
        fields = ["id", "inspector", "number", "start", "end", "note", "reminded_on"]
        read_only_fields = fields


class TermInputSerializer(serializers.Serializer):
    inspector = serializers.IntegerField(min_value=1)
    start = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class TermViewSet(ScopedReadViewSet):
    """Terms of part-time inspectors (3 years, at most 3 in a row)."""

    serializer_class = TermSerializer
    filterset_class = TermFilterSet
    ordering_fields = ["start", "end"]
    select_related = ("inspector__office",)
    ordering = ("end", "pk")

    @extend_schema(request=TermInputSerializer, responses=TermSerializer)
    def create(self, request):
        v = validated(TermInputSerializer, request)
        term = services.term_add(actor=request.user, inspector_id=v["inspector"], start=v["start"], note=v["note"])
        return Response(TermSerializer(term, context={"request": request}).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("inspectors/training-records", TrainingRecordViewSet, basename="inspectors-trainingrecord")
    router.register("inspectors/cases", CaseViewSet, basename="inspectors-case")
    router.register("inspectors/terms", TermViewSet, basename="inspectors-term")
