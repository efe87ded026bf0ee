from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.audit.api import AuditedViewSet
from dudao.core.api import ScopedModelSerializer, ScopedReadViewSet, attach_transitions, refreshed, validated
from dudao.documents.api import DocumentFilesSerializer
from dudao.inspectors import services
from dudao.inspectors.filters import InspectorFilterSet, ListingFilterSet
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.signboards import public_base_url, signboard_generate, signboards_batch_start
from dudao.organizations.models import School


class InspectorSerializer(ScopedModelSerializer):
    """``photo``: the address serving the inspector's photo (the API's token is accepted), or null."""

    photo = serializers.SerializerMethodField()

    class Meta:
        model = Inspector
        fields = ["id", "office", "name", "gender", "kind", "certificate_no", "employer", "phone", "email",
                  "photo", "status"]
        read_only_fields = ["photo", "status"]

    def get_photo(self, obj) -> str | None:
        if not obj.photo:
            return None
        request = self.context.get("request")
        url = reverse("inspectors:inspector_photo", args=[obj.pk])
        return request.build_absolute_uri(url) if request else url


class ListingSerializer(ScopedModelSerializer):
    class Meta:
        model = Listing
        fields = ["id", "inspector", "school", "valid_from", "valid_to"]


class ListingAssignInputSerializer(serializers.Serializer):
    school = serializers.IntegerField(min_value=1)
    inspector = serializers.IntegerField(allow_null=True, min_value=1)
    valid_from = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class InspectorViewSet(AuditedViewSet):
    serializer_class = InspectorSerializer
    filterset_class = InspectorFilterSet
    select_related = ("office",)
    ordering_fields = ["sort_key", "certificate_no"]


attach_transitions(InspectorViewSet, services.INSPECTOR_TRANSITION_SERVICES, doc="Applies the {name!r} transition to the inspector.",
                   id_kwarg="inspector_id", output=InspectorSerializer,
                   reload=refreshed)


class ListingViewSet(ScopedReadViewSet):
    """Dated listings (挂牌). Re-list a school with ``POST listings/assign/``: it answers the school's new
    listing, or 204 when ``inspector`` is null (the school's listing ended without a successor)."""

    serializer_class = ListingSerializer
    filterset_class = ListingFilterSet
    ordering_fields = ["valid_from"]
    select_related = ("inspector", "school")
    ordering = ("-valid_from", "pk")

    @extend_schema(request=ListingAssignInputSerializer,
                   responses={200: ListingSerializer, 204: OpenApiResponse(description="listing ended, no successor"),
                              400: OpenApiResponse(description="refused with the reason (a change may not "
                                                               "overwrite the dated history); nothing written")})
    @action(detail=False, methods=["post"], url_path="assign")
    def assign(self, request):
        data = validated(ListingAssignInputSerializer, request)
        # the school must be visible: otherwise 404 from the service's scoped get
        School.objects.for_user(request.user).get(pk=data["school"])
        listing = services.listing_assign(
            actor=request.user, school_id=data["school"], inspector_id=data["inspector"],
            on=data.get("valid_from") or timezone.localdate(), reason=data.get("reason", ""),
        )
        if listing is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ListingSerializer(listing, context={"request": request}).data)


class SignboardDocumentSerializer(DocumentFilesSerializer):
    """The filed signboard document: its id, page and downloads with their SHA-256."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    docx_sha256 = serializers.CharField()
    pdf_sha256 = serializers.CharField()

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class SignboardJobSerializer(serializers.Serializer):
    job = serializers.UUIDField(source="uuid")
    status = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class SchoolSignboardViewSet(viewsets.GenericViewSet):
    """Signboards (挂牌公示牌) of the schools in scope.

    ``POST schools/{id}/signboard/`` files the school's board (.docx and PDF) and answers the
    document; ``POST schools/signboards/`` with the schools list's filters as query parameters
    starts the job that files one document with the boards of every listed school (202)."""

    model = School
    serializer_class = SignboardDocumentSerializer

    def get_queryset(self):
        return School.objects.for_user(self.request.user).select_related("region").order_by("pk")

    @extend_schema(request=None, responses={201: SignboardDocumentSerializer})
    @action(detail=True, methods=["post"], url_path="signboard")
    def signboard(self, request, pk=None):
        school = self.get_object()
        document = signboard_generate(actor=request.user, school_id=school.pk, base_url=public_base_url(request))
        return Response(SignboardDocumentSerializer(document).data, status=201)

    @extend_schema(request=None, responses={202: SignboardJobSerializer})
    @action(detail=False, methods=["post"], url_path="signboards")
    def signboards(self, request):
        job = signboards_batch_start(actor=request.user, query=request.query_params.urlencode(),
                                     base_url=public_base_url(request))
        return Response(SignboardJobSerializer(job).data, status=202)
