"""API twins under ``/api/v1/complaints/``.

* ``complaints/``: list (the page's filters), retrieve; ``POST complaints/{id}/{verify|handle|answer|
  close|reopen}/``, ``…/assign/``, ``…/finding/``, ``…/notice/``; ``GET complaints/summary/``;
* ``publications/``: list, retrieve, ``POST`` publishes, ``POST publications/{id}/withdraw/``.

The sender's name and phone are in an answer only for the handling inspector and the owning
office; every other user reads them masked. 409 wrong state, 403 not allowed, 404 outside the scope.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.complaints import selectors, services
from dudao.complaints.filters import ComplaintFilterSet, PublicationFilterSet
from dudao.complaints.masking import identity
from dudao.complaints.models import Complaint, Publication
from dudao.core.api import (
    ScopedModelSerializer,
    ScopedViewSet,
    plain_serializer,
    service_result,
    transition_action,
    validated,
)
from dudao.inspections.models import Severity


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice that may be unset: the blank the column stores is answered as null, never an ``""`` outside the enum."""

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class ComplaintSerializer(ScopedModelSerializer):
    rating = BlankAsNullChoiceField(choices=Complaint.Rating.choices, allow_null=True, read_only=True)
    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    identity_masked = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = ["id", "kind", "school", "office", "text", "name", "phone", "identity_masked", "concerns_inspector",
                  "handler", "status", "due_on", "overdue", "verification", "answer", "answered_at", "rating",
                  "rating_comment", "rated_at", "closed_at", "reopen_count", "finding", "rectification",
                  "created_at", "photos"]
        read_only_fields = fields

    def _identity(self, obj) -> dict:
        cache = self.context.setdefault("_identity", {})
        if obj.pk not in cache:
            cache[obj.pk] = identity(self.context["request"].user, obj)
        return cache[obj.pk]

    def get_name(self, obj) -> str:
        return self._identity(obj)["name"]

    def get_phone(self, obj) -> str:
        return self._identity(obj)["phone"]

    def get_identity_masked(self, obj) -> bool:
        return self._identity(obj)["masked"]

    def get_photos(self, obj) -> list[dict]:
        return [{"id": p.pk, "sha256": p.sha256, "size": p.size, "content_type": p.content_type,
                 "url": p.get_absolute_url()} for p in obj.photos.all()]


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField()


class ComplaintReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class ReopenInput(serializers.Serializer):
    reason = serializers.CharField()


class AssignInput(serializers.Serializer):
    inspector = serializers.IntegerField(allow_null=True, min_value=1)


class FindingInput(serializers.Serializer):
    description = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL)
    item = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                    help_text="id of an item of the school's routine checklist")
    item_code = serializers.CharField(required=False, allow_blank=True, max_length=32)


class NoticeInput(serializers.Serializer):
    requirements = serializers.CharField()
    deadline = serializers.DateField(required=False, allow_null=True)


SummarySerializer = plain_serializer(
    "SummarySerializer", **dict.fromkeys(
        ("total", "open", "overdue", "answered", "closed", "satisfied", "basically", "dissatisfied", "rated"), int),
    mean_days=float | None, answered_on_time=int, answered_total=int, satisfaction=float | None)


def _transition_check(actor, complaint, name):
    services.complaint_transition_check(actor=actor, complaint=complaint, name=name)


def _finding_arguments(values, request):
    fields = dict(values)
    item_id = fields.pop("item", None)
    return {**fields, "item_id": item_id}


# state and permission are checked before the input is read: 409 and 403 come before 400
_TRANSITION = {"id_kwarg": "complaint_id", "output": ComplaintSerializer, "check": _transition_check}


class ComplaintViewSet(ScopedViewSet):
    """Complaints, reports, suggestions and questions from the schools' public pages."""

    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilterSet
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["created_at", "due_on"]

    def get_queryset(self):
        return selectors.complaint_list(user=self.request.user).prefetch_related("photos").order_by("-created_at",
                                                                                                     "-pk")

    @extend_schema(exclude=True)  # not an operation: 405
    def create(self, request, *args, **kwargs):  # the public sends through the public page only
        return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)

    @property
    def required_action(self) -> str | None:
        return "view"

    verify = transition_action("verify", services.COMPLAINT_TRANSITION_SERVICES, input=NoteInput,
                               doc="Start verifying with the school.", **_TRANSITION)
    handle = transition_action("handle", services.COMPLAINT_TRANSITION_SERVICES, input=NoteInput,
                               doc="The complaint is being handled.", **_TRANSITION)
    answer = transition_action("answer", services.COMPLAINT_TRANSITION_SERVICES, input=AnswerInput,
                               doc="Answer the sender.", **_TRANSITION)
    close = transition_action("close", services.COMPLAINT_TRANSITION_SERVICES, input=ComplaintReasonInput,
                              doc="The office closes an answered complaint.", **_TRANSITION)
    reopen = transition_action("reopen", services.COMPLAINT_TRANSITION_SERVICES, input=ReopenInput,
                               doc="The office reopens an answered or closed complaint.", **_TRANSITION)

    assign = transition_action(
        "assign", services.complaint_assign, input=AssignInput, id_kwarg="complaint_id", output=ComplaintSerializer,
        arguments=lambda v, request: {"inspector_id": v["inspector"]}, doc="The office names the handling inspector.")
    finding = transition_action(
        "finding", services.complaint_finding_record, input=FindingInput, id_kwarg="complaint_id",
        output=ComplaintSerializer, arguments=_finding_arguments,
        doc="Record what the complaint revealed as a finding at the school.")
    notice = transition_action(
        "notice", services.complaint_rectification_issue, input=NoticeInput, id_kwarg="complaint_id",
        output=ComplaintSerializer, doc="Issue a rectification notice on the complaint's finding.")

    @extend_schema(responses=SummarySerializer)
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """Open, overdue, answered and closed; mean days to answer; ratings and satisfaction rate."""
        qs = self.filter_queryset(self.get_queryset())
        return Response(SummarySerializer(selectors.complaint_stats(user=request.user, queryset=qs)).data)


class PublicationSerializer(ScopedModelSerializer):
    class Meta:
        model = Publication
        fields = ["id", "kind", "school", "office", "document", "rectification", "title", "summary", "created_at",
                  "withdrawn_at"]
        read_only_fields = ["id", "kind", "school", "office", "title", "created_at", "withdrawn_at"]


class PublishInput(serializers.Serializer):
    document = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    rectification = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    summary = serializers.CharField(required=False, allow_blank=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PublicationViewSet(ScopedViewSet):
    """Reports and rectification notices shown on the schools' public pages."""

    serializer_class = PublicationSerializer
    filterset_class = PublicationFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.publication_list(user=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=PublishInput, responses={201: PublicationSerializer})
    def create(self, request, *args, **kwargs):
        v = validated(PublishInput, request)
        publication = services.publication_publish(actor=request.user, document_id=v.get("document"),
                                                   rectification_id=v.get("rectification"),
                                                   summary=v.get("summary", ""), title=v.get("title", ""))
        return Response(PublicationSerializer(publication, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @property
    def required_action(self) -> str | None:
        return "view" if self.action == "withdraw" else None

    withdraw = transition_action("withdraw", services.publication_withdraw, id_kwarg="publication_id",
                                 input=ComplaintReasonInput, output=PublicationSerializer, reload=service_result)


def register(router) -> None:
    router.register("complaints/complaints", ComplaintViewSet, basename="complaints-complaint")
    router.register("complaints/publications", PublicationViewSet, basename="complaints-publication")
