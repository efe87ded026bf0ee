from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.core.api import ScopedReadViewSet, UploadActionsMixin, validated
from dudao.documents import bundles, kinds, services
from dudao.documents.filters import DocumentFilterSet, DocumentTemplateFilterSet
from dudao.documents.models import Document, DocumentTemplate


class DocumentFilesSerializer(serializers.Serializer):
    """A filed document's two downloads (the PDF only when there is one)."""

    docx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    def get_docx_url(self, obj) -> str:
        return reverse("documents:download", args=[obj.pk, "docx"])

    def get_pdf_url(self, obj) -> str | None:
        return reverse("documents:download", args=[obj.pk, "pdf"]) if obj.pdf else None


class DocumentSerializer(DocumentFilesSerializer, serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "kind", "title", "number", "office", "school", "zone", "inspector", "year", "date",
                  "template_version", "data", "docx_sha256", "pdf_sha256", "docx_url", "pdf_url", "subject_type",
                  "subject_id", "created_at"]
        read_only_fields = fields


class BundleJobSerializer(serializers.Serializer):
    """A job started: its id, status and the address to follow it (a bundle, a document's PDF)."""

    job = serializers.UUIDField(source="uuid")
    status = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("api:jobs-job-detail", args=[obj.uuid])


class DocumentViewSet(ScopedReadViewSet):
    """The archive: documents filed by the platform, read-only (documents are never changed)."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
    required_action = None  # set per action: making a PDF needs the add permission
    select_related = ("office", "school", "created_by")
    ordering = ("-date", "-pk")

    @extend_schema(request=None, responses={202: BundleJobSerializer, 200: DocumentSerializer})
    @action(detail=True, methods=["post"], required_action="add")
    def pdf(self, request, pk=None):
        """Makes the PDF of a document filed as Word only (or whose PDF job failed) in the background:
        202 with the job to follow (its ``url``); once it has succeeded the document's ``pdf_url`` is
        set. A document with its PDF answers 200 with the document."""
        document = self.get_object()
        job = services.document_pdf_start(actor=request.user, document=document)
        if job is None:
            return Response(DocumentSerializer(document).data)
        return Response(BundleJobSerializer(job).data, status=202)


class DocumentTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentTemplate
        fields = ["id", "office", "kind", "version", "original_name", "sha256", "number_pattern", "note", "is_active",
                  "created_at"]
        read_only_fields = fields


class TemplateUploadInputSerializer(serializers.Serializer):
    office = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=[])
    file = serializers.FileField()
    number_pattern = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds.choices()


class DocumentTemplateViewSet(UploadActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                              viewsets.GenericViewSet):
    """An office's template versions. ``POST`` uploads a new version (refused, naming the broken
    placeholders, when it cannot be filled); ``activate/`` puts an earlier version back in use."""

    model = DocumentTemplate
    serializer_class = DocumentTemplateSerializer
    filterset_class = DocumentTemplateFilterSet
    required_action = None  # set per action: activating a version needs the change permission
    upload_actions = frozenset({"create"})

    def get_queryset(self):
        return DocumentTemplate.objects.for_user(self.request.user).order_by("office_id", "kind", "-version")

    @extend_schema(request={"multipart/form-data": TemplateUploadInputSerializer},
                   responses={201: DocumentTemplateSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(TemplateUploadInputSerializer, request)
        upload = data["file"]
        if upload.size > services.MAX_TEMPLATE_BYTES:
            raise serializers.ValidationError({"file": ["A template may be at most 10 MB."]})
        try:
            template = services.template_upload(
                actor=request.user, office_id=data["office"], kind=data["kind"],
                data=upload.read(), filename=upload.name, number_pattern=data.get("number_pattern", ""),
                note=data.get("note", ""))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return Response(DocumentTemplateSerializer(template).data, status=201)

    @extend_schema(request=None, responses={200: DocumentTemplateSerializer})
    @action(detail=True, methods=["post"], required_action="change")
    def activate(self, request, pk=None):
        template = services.template_activate(actor=request.user, template_id=self.get_object().pk)
        return Response(DocumentTemplateSerializer(template).data)


class BundleInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2999)
    school = serializers.IntegerField(min_value=1, required=False, help_text="Pack this school's year.")
    office = serializers.IntegerField(min_value=1, required=False,
                                      help_text="Or pack the year of this office and its schools.")

    def validate(self, attrs):
        if ("school" in attrs) == ("office" in attrs):
            raise serializers.ValidationError("Give either a school or an office.")
        return attrs


class BundleViewSet(viewsets.GenericViewSet):
    """The bundle for an inspection (迎检台账包): ``POST`` with a year and a school or an office starts
    the job that packs every document and evidence file of that year the caller may read into one
    zip, with its index and SHA256SUMS (202). Follow the job at ``url``; when it has succeeded its
    ``result_url`` downloads the zip with the same token. Out of scope: 404."""

    model = Document
    required_action = "view"  # packing reads the archive; starting a job needs jobs.add_job as well
    serializer_class = BundleInputSerializer

    def get_queryset(self):
        return Document.objects.for_user(self.request.user)

    @extend_schema(request=BundleInputSerializer, responses={202: BundleJobSerializer})
    def create(self, request):
        data = validated(BundleInputSerializer, request)
        job = bundles.bundle_start(actor=request.user, year=data["year"],
                                   school_id=data.get("school"),
                                   office_id=data.get("office"))
        return Response(BundleJobSerializer(job).data, status=202)


def register(router) -> None:
    router.register("documents/documents", DocumentViewSet, basename="documents-document")
    router.register("documents/bundles", BundleViewSet, basename="documents-bundle")
    router.register("documents/templates", DocumentTemplateViewSet, basename="documents-documenttemplate")
