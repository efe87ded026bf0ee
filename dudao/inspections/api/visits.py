"""API of routine visits, their lesson observations and evidence files.

* ``visits/``: list and retrieve (the same visibility as the pages: drafts only for their author);
  ``POST`` creates *or updates* the draft with that ``client_uuid`` (201 the first time, 200 after:
  a repeated sync never creates a second visit); ``PUT``/``PATCH`` update a draft;
  ``POST visits/{id}/submit/`` files it (409 once submitted); ``POST visits/{id}/attachments/``
  uploads a photo or file (multipart ``file``; the same bytes twice answer 200 with the first file);
  ``GET visits/checklist/?school=<id>`` gives the checklist items a visit to that school answers;
  ``GET visits/coverage/?month=YYYY-MM&region=<id>&zone=<id>`` counts the coverage as its page does.
  A draft carries its ``checkin`` (入校签到): send ``latitude``, ``longitude``, ``accuracy_m``,
  ``taken_at`` and ``reason``; the answer adds the distance, the radius and the status.
* ``lesson-observations/``: read-only, through the visits one may see.
* ``attachments/``: read-only; ``GET attachments/{id}/download/`` serves the bytes after checking
  their SHA-256 (409 altered, 410 gone).
"""


from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dudao.core.api import ScopedModelSerializer, ScopedViewSet, id_param, transition_action, validated
from dudao.core.files import FileCheckFailed
from dudao.inspections.api.documents import VisitDocumentsMixin
from dudao.inspections.filters.visits import VisitFilterSet
from dudao.inspections.models import Attachment, LessonObservation, Method, Visit
from dudao.inspections.selectors import visits as selectors
from dudao.inspections.services import visits as services
from dudao.inspections.services.attachments import attachment_read_stamped, attachment_read_verified
from dudao.organizations.models import School
from dudao.organizations.selectors import drill_region


class LessonObservationSerializer(serializers.ModelSerializer):
    class Meta:
        model = LessonObservation
        fields = ["id", "visit", "class_name", "subject", "teacher", "topic", "rating", "comments"]
        read_only_fields = fields


class NestedLessonSerializer(serializers.ModelSerializer):
    class Meta:
        model = LessonObservation
        fields = ["class_name", "subject", "teacher", "topic", "rating", "comments"]
        extra_kwargs = {name: {"required": False, "allow_blank": True} for name in fields}


@extend_schema_serializer(component_name="EvidenceFile")
class AttachmentSerializer(ScopedModelSerializer):
    """An evidence file with its SHA-256 and size; ``download_url`` serves the checked bytes."""

    download_url = serializers.SerializerMethodField()
    stamped_url = serializers.SerializerMethodField(
        help_text="A visit photo's copy stamped with school, time and visit number (the original is download_url).")
    checkin_status = serializers.CharField(read_only=True, help_text=(
        "A visit photo: the visit's check-in when it was added (within, too_far, no_location, "
        "no_school_point); empty for other files."))

    class Meta:
        model = Attachment
        fields = ["id", "school", "visit", "finding", "response", "original_name", "content_type", "size",
                  "sha256", "uploaded_by", "created_at", "download_url", "captured_at", "checkin_status",
                  "checkin_distance_m", "checkin_at", "stamped_sha256", "stamped_url"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        request = self.context.get("request")
        url = reverse("api:inspections-attachment-download", args=[obj.pk])
        return request.build_absolute_uri(url) if request else url

    def get_stamped_url(self, obj) -> str | None:
        if not obj.stamped_sha256:
            return None
        request = self.context.get("request")
        url = reverse("api:inspections-attachment-stamped", args=[obj.pk])
        return request.build_absolute_uri(url) if request else url


class AnswerSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=32, help_text="The item's code in the visit's checklist.")
    value = serializers.JSONField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class CheckinSerializer(serializers.Serializer):
    """The check-in (入校签到) as stored: the device's WGS-84 position, its accuracy and time, the
    distance from the school's coordinates and the status under the office's radius then in force."""

    latitude = serializers.DecimalField(source="checkin_latitude", max_digits=9, decimal_places=6,
                                        coerce_to_string=False, allow_null=True)
    longitude = serializers.DecimalField(source="checkin_longitude", max_digits=9, decimal_places=6,
                                         coerce_to_string=False, allow_null=True)
    accuracy_m = serializers.IntegerField(source="checkin_accuracy_m", allow_null=True)
    taken_at = serializers.DateTimeField(source="checkin_at", allow_null=True)
    distance_m = serializers.IntegerField(source="checkin_distance_m", allow_null=True)
    radius_m = serializers.IntegerField(source="checkin_radius_m", allow_null=True)
    status = serializers.CharField(source="checkin_status", help_text=(
        "within (at the school), too_far (beyond the radius), no_location (no position given) or "
        "no_school_point (the school has no coordinates)"))
    valid = serializers.BooleanField(source="checkin_valid")
    reason = serializers.CharField(source="checkin_reason")


class CheckinInputSerializer(serializers.Serializer):
    """A check-in sent with a draft: the position (both or neither), or none with the reason."""

    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                        coerce_to_string=False, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180,
                                         coerce_to_string=False, required=False, allow_null=True)
    accuracy_m = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, allow_null=True)
    taken_at = serializers.DateTimeField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class VisitSerializer(ScopedModelSerializer):
    """A visit as read: lessons nested, answers in checklist order, files with their digests."""

    lessons = NestedLessonSerializer(many=True, read_only=True)
    answers = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    lesson_count = serializers.IntegerField(read_only=True)
    # a plain string when read (the input documents the choices): one enum per name keeps the schema's names stable
    kind = serializers.CharField(read_only=True, help_text="routine (经常性督导) or follow_up (随访督导)")
    checkin = CheckinSerializer(source="*", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "client_uuid", "school", "inspector", "date", "kind", "methods", "purpose", "checklist",
                  "highlights", "highlight_recommended", "problems", "feedback", "status", "submitted_at",
                  "created_by", "created_at", "updated_at", "lesson_count", "lessons", "answers", "attachments",
                  "checkin"]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, obj) -> list[dict]:
        if not obj.response_id:
            return []
        answers = sorted(obj.response.answers.all(), key=lambda a: (a.item.position, a.item.pk))
        return [{"item": a.item.code, "text": a.item.text, "value": a.value, "note": a.note} for a in answers]


class VisitInputSerializer(serializers.Serializer):
    """What a client sends: the fields, the answers by item code, the lessons (all replace)."""

    client_uuid = serializers.UUIDField(required=False)
    school = serializers.IntegerField(min_value=1, required=False)
    date = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=Visit.Kind.choices, required=False)
    methods = serializers.ListField(child=serializers.ChoiceField(choices=Method.choices), required=False)
    purpose = serializers.CharField(max_length=200, required=False, allow_blank=True)
    highlights = serializers.CharField(required=False, allow_blank=True)
    highlight_recommended = serializers.BooleanField(required=False)
    problems = serializers.CharField(required=False, allow_blank=True)
    feedback = serializers.CharField(required=False, allow_blank=True)
    answers = AnswerSerializer(many=True, required=False)
    lessons = NestedLessonSerializer(many=True, required=False)
    checkin = CheckinInputSerializer(required=False)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ChecklistItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    response_type = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField()


class CoverageCountsSerializer(serializers.Serializer):
    schools = serializers.IntegerField()
    visited = serializers.IntegerField()
    missing = serializers.IntegerField()
    below_term = serializers.IntegerField()
    unchecked = serializers.IntegerField()


class CoverageLineSerializer(CoverageCountsSerializer):
    kind = serializers.ChoiceField(choices=["region", "zone"], help_text="a part of the area, or a zone")
    id = serializers.IntegerField(allow_null=True, help_text="null: the schools in no zone")
    name = serializers.CharField()


class CoverageSchoolSerializer(serializers.Serializer):
    school = serializers.IntegerField()
    name = serializers.CharField()
    zone = serializers.IntegerField(allow_null=True)
    inspector = serializers.IntegerField(allow_null=True)
    month_visits = serializers.IntegerField()
    term_visits = serializers.IntegerField()
    unchecked = serializers.IntegerField()


class CoverageAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CoverageSerializer(CoverageCountsSerializer):
    month = serializers.DateField()
    term_start = serializers.DateField()
    term_end = serializers.DateField()
    area = CoverageAreaSerializer(allow_null=True, help_text="above a county: the region whose parts are the lines")
    lines = CoverageLineSerializer(many=True)
    rows = CoverageSchoolSerializer(many=True, help_text="the schools, when a zone is asked for")


def _counts(group) -> dict:
    return {"schools": group.school_count, "visited": group.visited_count, "missing": group.missing_count,
            "below_term": group.below_term_count, "unchecked": group.unchecked_count}


class VisitViewSet(VisitDocumentsMixin, ScopedViewSet):
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet
    ordering_fields = ["date", "submitted_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.visit_list(user=self.request.user)  # for_user( inside the selector, plus draft privacy
        return (
            qs.select_related("response")
            .prefetch_related("lessons", "attachments", "response__answers__item")
            .order_by("-date", "-pk")
        )

    def _save(self, request, *, visit=None, partial=False):
        data = validated(VisitInputSerializer, request, partial=partial)
        values = dict(data)
        client_uuid = values.pop("client_uuid", None) if visit is None else visit.client_uuid
        if client_uuid is None:
            raise exceptions.ValidationError({"client_uuid": ["This field is required."]})
        school_id = values.pop("school", None) or (visit.school_id if visit is not None else None)
        if school_id is None:
            raise exceptions.ValidationError({"school": ["This field is required."]})
        answers = values.pop("answers", None)
        lessons = values.pop("lessons", None)
        checkin = values.pop("checkin", None)
        if visit is None and not partial:
            answers = answers if answers is not None else []
            lessons = lessons if lessons is not None else []
        saved, created = services.visit_save_draft(
            actor=request.user, client_uuid=client_uuid, school_id=school_id, data=values,
            answers=[dict(a) for a in answers] if answers is not None else None,
            lessons=[dict(lesson) for lesson in lessons] if lessons is not None else None,
            checkin=dict(checkin) if checkin is not None else None,
        )
        fresh = self.get_queryset().get(pk=saved.pk)
        return Response(VisitSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=VisitInputSerializer, responses={201: VisitSerializer, 200: VisitSerializer})
    def create(self, request, *args, **kwargs):
        """Creates the draft ``client_uuid``, or updates it if it exists (idempotent sync)."""
        return self._save(request)

    @extend_schema(request=VisitInputSerializer, responses=VisitSerializer)
    def update(self, request, *args, **kwargs):
        return self._save(request, visit=self.get_object(), partial=kwargs.get("partial", False))

    submit = transition_action("submit", services.VISIT_TRANSITION_SERVICES, id_kwarg="visit_id",
                               output=VisitSerializer,
                               doc="Files the visit; 409 when it is already submitted.")

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer, 200: AttachmentSerializer})
    @action(detail=True, methods=["post"], url_path="attachments", url_name="attachments",
            parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        """Adds a photo or file to a draft (JPEG/PNG/WebP, PDF, DOCX, XLSX; ≤ 20 MB)."""
        visit = self.get_object()
        data = validated(AttachmentUploadSerializer, request)
        attachment, created = services.visit_attachment_add(actor=request.user, visit_id=visit.pk,
                                                            uploaded_file=data["file"])
        return Response(AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(parameters=[OpenApiParameter("school", int, required=True)],
                   responses=ChecklistItemSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="checklist", url_name="checklist")
    def checklist(self, request):
        """The items a visit to ``school`` answers (the school's office's routine list, or the national one)."""
        try:
            school = School.objects.for_user(request.user, "view").select_related("region").get(pk=int(request.query_params.get("school", "")))
        except ValueError:
            raise exceptions.ValidationError({"school": ["Give a school id."]})
        version = selectors.checklist_for_school(school=school)
        items = selectors.checklist_items(version)
        return Response({
            "checklist": version.pk if version else None,
            "name": version.instrument.name if version else None,
            "items": ChecklistItemSerializer(items, many=True).data,
        })

    @extend_schema(parameters=[
        OpenApiParameter("month", str, description="YYYY-MM; this month when left out"),
        OpenApiParameter("region", int, description="a region in scope: its parts, or its zones from a county down"),
        OpenApiParameter("zone", int, description="a zone in scope (with or without its region): its schools"),
    ], responses=CoverageSerializer)
    @action(detail=False, methods=["get"], url_path="coverage", url_name="coverage")
    def coverage(self, request):
        """Submitted visits of the month and the term, as the coverage page counts them: above a county
        a line per part (city or county), from a county down a line per zone, and for a zone its schools."""
        if not selectors.can_see_coverage(request.user):
            raise exceptions.PermissionDenied
        given = request.query_params.get("month", "")
        month = selectors.parse_month(given)
        if given and month is None:
            raise exceptions.ValidationError({"month": [_("Give a month as YYYY-MM.")]})
        region_id, zone_id = id_param(request, "region"), id_param(request, "zone")
        region = drill_region(user=request.user, region_id=region_id)
        if region_id and region is None:
            raise exceptions.ValidationError({"region": [_("No such region in your scope.")]})
        if zone_id and not selectors.coverage_zone_choices(user=request.user, region=region).filter(pk=zone_id).exists():
            raise exceptions.ValidationError({"zone": [_("No such zone in your scope.")]})
        if zone_id:
            coverage = selectors.coverage_summary(user=request.user, month=month, zone_id=zone_id, region=region)
            area = None
            rows = [{"school": r.school.pk, "name": r.school.name, "zone": r.zone.pk if r.zone else None,
                     "inspector": r.inspector.pk if r.inspector else None, "month_visits": r.month_visits,
                     "term_visits": r.term_visits, "unchecked": r.month_unchecked} for r in coverage.rows]
        else:
            coverage = selectors.coverage_counts(user=request.user, month=month, region=region)
            area, rows = coverage.area, []
        groups = coverage.by_area if area else coverage.by_zone
        lines = [{"kind": "region" if area else "zone", "id": g.key.pk if g.key else None,
                  "name": g.key.name if g.key else "", **_counts(g)} for g in groups]
        return Response(CoverageSerializer({
            "month": coverage.month, "term_start": coverage.term.start, "term_end": coverage.term.end,
            "area": {"id": area.pk, "name": area.name} if area else None, **_counts(coverage),
            "lines": lines, "rows": rows,
        }).data)

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError) and not hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
        return super().handle_exception(exc)


class LessonObservationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lessons observed (听课记录), read through the visits the user may see; change them on the visit."""

    model = Visit  # the capability is the visit's: view_visit
    serializer_class = LessonObservationSerializer
    ordering_fields = ["visit", "pk"]

    def get_queryset(self):
        visits = Visit.objects.for_user(self.request.user, "view").filter(selectors.visit_visible_q(self.request.user))
        return LessonObservation.objects.filter(visit__in=visits).order_by("visit", "pk")  # scope: through the visits


FILE_CHECK_FAILED = {"type": "object", "required": ["detail", "kind", "sha256"], "properties": {
    "detail": {"type": "string"}, "kind": {"type": "string", "enum": ["missing", "altered"]},
    "sha256": {"type": "string"}}}


class AttachmentViewSet(ScopedViewSet):
    """Evidence files with their SHA-256; ``download`` checks the bytes before serving them."""

    serializer_class = AttachmentSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return selectors.attachment_list(user=self.request.user).order_by("pk")  # for_user( inside the selector

    @extend_schema(responses={
        (200, "*/*"): OpenApiResponse(bytes, description="The file as uploaded, in its own content type."),
        409: OpenApiResponse(FILE_CHECK_FAILED, description="The file no longer matches its SHA-256."),
        410: OpenApiResponse(FILE_CHECK_FAILED, description="The file is gone from the storage."),
    })
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        attachment = self.get_object()
        try:
            data = attachment_read_verified(attachment, actor=request.user)
        except FileCheckFailed as exc:
            detail = ("The file is gone from the storage." if exc.kind == "missing"
                      else "The file no longer matches its SHA-256; it was altered after upload.")
            return Response({"detail": detail, "kind": exc.kind, "sha256": attachment.sha256}, status=exc.status_code)
        response = FileResponse(data, content_type=attachment.content_type, as_attachment=True,
                                filename=attachment.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response


    @extend_schema(responses={
        (200, "image/jpeg"): OpenApiResponse(bytes, description="The stamped copy of a visit photo."),
        409: OpenApiResponse(FILE_CHECK_FAILED, description="The copy no longer matches its SHA-256."),
    })
    @action(detail=True, methods=["get"], url_path="stamped", url_name="stamped")
    def stamped(self, request, pk=None):
        attachment = self.get_object()
        if not attachment.stamped_sha256:
            raise exceptions.NotFound("This file has no stamped copy.")
        data = attachment_read_stamped(attachment)
        if data is None:
            return Response({"detail": "The stamped copy is gone or no longer matches its SHA-256.",
                             "kind": "altered", "sha256": attachment.stamped_sha256}, status=409)
        response = HttpResponse(data, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        return response


def register(router) -> None:
    """Registers the visit, lesson-observation and attachment viewsets."""
    router.register("inspections/visits", VisitViewSet, basename="inspections-visit")
    router.register("inspections/lesson-observations", LessonObservationViewSet, basename="inspections-lessonobservation")
    router.register("inspections/attachments", AttachmentViewSet, basename="inspections-attachment")
