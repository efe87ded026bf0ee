"""The instrument API: instruments, their versions (with the nested item tree) and draft items.

Every write is one service call. Status codes: invisible 404, visible but not the user's to
change 403, a frozen version or a second draft **409 Conflict** (``services.VersionFrozen`` /
``DraftExists``), invalid content 400.
"""


from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.core.api import (
    ScopedModelSerializer,
    ScopedViewSet,
    TransitionReasonInputSerializer,
    UploadActionsMixin,
    refreshed,
    service_result,
    transition_action,
    validated,
)
from dudao.core.downloads import download
from dudao.core.excel import XLSX_CONTENT_TYPE
from dudao.core.permissions import ACTION_FOR_METHOD, ModelPermission
from dudao.instruments import selectors, services
from dudao.instruments.exports import version_filename, version_workbook
from dudao.instruments.filters import InstrumentFilterSet, ItemFilterSet, VersionFilterSet
from dudao.instruments.imports import InstrumentImporter
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.organizations.models import Office


class InstrumentPermission(ModelPermission):
    """Versions and items are parts of their instrument: every request needs the instrument's
    permission for the view's ``required_action`` (view, add, change)."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        action = view.required_actions.get(getattr(view, "action", None)) or ACTION_FOR_METHOD.get(request.method, "view")
        return user.has_perm(f"instruments.{action}_instrument")


# the answer to a workbook with errors
IMPORT_REFUSED = OpenApiResponse(description="Every (row, column, reason); nothing written.")


class InstrumentViewSetBase(ScopedViewSet):
    permission_classes = [InstrumentPermission]
    required_actions: dict[str, str] = {}


# ---- serializers ------------------------------------------------------------------------------------

class InstrumentSerializer(ScopedModelSerializer):
    is_national = serializers.BooleanField(read_only=True)
    latest_published = serializers.IntegerField(source="latest_published_number", read_only=True, allow_null=True)
    draft = serializers.IntegerField(source="draft_number", read_only=True, allow_null=True)

    class Meta:
        model = Instrument
        fields = ["id", "office", "code", "name", "kind", "audience", "description", "source", "is_national",
                  "latest_published", "draft", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # the office and code of an instrument never change
            fields["office"].read_only = True
            fields["code"].read_only = True
        return fields


class VersionSerializer(ScopedModelSerializer):
    is_frozen = serializers.BooleanField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft | published | retired")

    class Meta:
        model = InstrumentVersion
        fields = ["id", "instrument", "number", "status", "notes", "published_at", "published_by", "based_on",
                  "is_frozen", "created_at", "updated_at"]
        read_only_fields = fields


class ItemSerializer(ScopedModelSerializer):
    """A flat item. ``version`` and ``parent`` are set on creation; move an item with ``…/move/``."""

    version = serializers.IntegerField(source="version_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True, required=False)
    index = serializers.IntegerField(write_only=True, required=False, min_value=0,
                                     help_text="0-based place among the siblings (default: last).")
    options = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = Item
        fields = ["id", "version", "parent", "index", "position", "code", "text", "criteria", "response_type",
                  "options", "max_score", "weight", "is_veto", "evidence_required", "required"]
        read_only_fields = ["position"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            for name in ("version", "parent", "index"):
                fields[name].read_only = True
        return fields


TREE_ITEM_SCHEMA = {
    "type": "array",
    "items": {"type": "object", "description": "An item with its fields and ``children`` (the same shape)."},
}


class VersionDetailSerializer(VersionSerializer):
    items = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(TREE_ITEM_SCHEMA)
    def get_items(self, version) -> list:
        """The item tree: top-level items, each with its ``children``, siblings in order."""
        nodes: dict[int, dict] = {}
        roots: list[dict] = []
        for item in selectors.version_items(version=version):
            node = {**ItemSerializer(item).data, "depth": item.depth, "children": []}
            node.pop("index", None)
            nodes[item.pk] = node
            (nodes[item.parent_id]["children"] if item.parent_id in nodes else roots).append(node)
        return roots


class CopyInputSerializer(TransitionReasonInputSerializer):
    version = serializers.IntegerField(required=False, help_text="The version to copy (default: latest published).")
    office = serializers.IntegerField(required=False, help_text="The office to copy to (default: your office).")
    code = serializers.SlugField(required=False, max_length=64)
    name = serializers.CharField(required=False, max_length=200)


class MoveInputSerializer(TransitionReasonInputSerializer):
    parent = serializers.IntegerField(allow_null=True, help_text="A section of the same version; null: top level.")
    index = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class ImportDraftInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The workbook (.xlsx), in the columns of the export.")


class ImportNewInputSerializer(ImportDraftInputSerializer):
    office = serializers.IntegerField(required=False, help_text="Default: your office.")
    code = serializers.SlugField(max_length=64)
    name = serializers.CharField(max_length=200)
    # plain strings here (the service checks them): the choices are documented once, on Instrument
    kind = serializers.CharField(max_length=20, help_text="checklist | indicator_system | questionnaire")
    audience = serializers.CharField(max_length=20, help_text="schools | kindergartens | governments | any")
    description = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


def _office(user, office_id):
    """The office a new instrument goes to: the given one (through the scope) or the user's own."""
    offices = selectors.authoring_offices(user=user)
    if office_id is not None:
        return Office.objects.for_user(user, "view").get(pk=office_id)
    office = offices.first()
    if office is None:
        raise serializers.ValidationError({"office": "Name the office."})
    return office


def _validated_rows(user, upload: UploadedFile):
    report = InstrumentImporter(user).validate(upload)
    if not report.ok:
        raise serializers.ValidationError({"file": [e.as_dict() for e in report.errors]})
    return InstrumentImporter.items(report)


# ---- viewsets ---------------------------------------------------------------------------------------

class InstrumentViewSet(UploadActionsMixin, InstrumentViewSetBase):
    """Checklists, indicator systems and questionnaires in scope: national ones, the user's
    offices' and their higher offices'. Create makes an empty draft v1."""

    upload_actions = frozenset({"import_new", "import_draft"})

    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = ["code", "name", "kind", "updated_at"]
    required_actions = {"copy": "add", "import_new": "add", "new_draft": "change", "import_draft": "change"}

    def get_queryset(self):
        return selectors.instrument_list(user=self.request.user).order_by("kind", "name", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        instrument = services.instrument_create(actor=self.request.user, **data)
        serializer.instance = selectors.instrument_list(user=self.request.user).get(pk=instrument.pk)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.INSTRUMENT_FIELDS}
        services.instrument_update(actor=self.request.user, instrument_id=serializer.instance.pk, **data)
        serializer.instance = selectors.instrument_list(user=self.request.user).get(pk=serializer.instance.pk)

    def _answer(self, instrument, code=status.HTTP_200_OK):
        fresh = selectors.instrument_list(user=self.request.user).get(pk=instrument.pk)
        return Response(InstrumentSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def _new_version(self, version):
        return Response(VersionSerializer(version, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=CopyInputSerializer, responses={201: InstrumentSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        """Copies a version of this instrument (default: the latest published) into a new instrument
        of the office (default: the user's), as its draft v1: how an office makes its local version."""
        instrument = self.get_object()
        values = validated(CopyInputSerializer, request)
        if "version" in values:
            version = InstrumentVersion.objects.for_user(request.user).get(pk=values["version"], instrument=instrument)
        else:
            version = instrument.latest_published()
            if version is None:
                raise serializers.ValidationError({"version": "The instrument has no published version; name one."})
        copy = services.instrument_copy(actor=request.user, source_version_id=version.pk,
                                        office=_office(request.user, values.get("office")),
                                        code=values.get("code"), name=values.get("name"),
                                        reason=values.get("reason", ""))
        return self._answer(copy, status.HTTP_201_CREATED)

    @extend_schema(request=TransitionReasonInputSerializer, responses={201: VersionSerializer})
    @action(detail=True, methods=["post"], url_path="new-draft", url_name="new-draft")
    def new_draft(self, request, pk=None):
        """Starts the next version as a draft copying the latest published one (409 if a draft exists)."""
        instrument = self.get_object()
        data = validated(TransitionReasonInputSerializer, request)
        version = services.version_new_draft(actor=request.user, instrument_id=instrument.pk,
                                             reason=data.get("reason", ""))
        return self._new_version(version)

    @extend_schema(operation_id="instruments_instruments_import_draft",
                   request={"multipart/form-data": ImportDraftInputSerializer},
                   responses={201: VersionSerializer, 400: IMPORT_REFUSED})
    @action(detail=True, methods=["post"], url_path="import", url_name="import-draft")
    def import_draft(self, request, pk=None):
        """Imports a workbook as a new draft of this instrument (409 if a draft exists)."""
        instrument = self.get_object()
        data = validated(ImportDraftInputSerializer, request)
        rows = _validated_rows(request.user, data["file"])
        version = services.version_import(actor=request.user, instrument_id=instrument.pk, rows=rows)
        return self._new_version(version)

    @extend_schema(operation_id="instruments_instruments_import_new",
                   request={"multipart/form-data": ImportNewInputSerializer},
                   responses={201: InstrumentSerializer, 400: IMPORT_REFUSED})
    @action(detail=False, methods=["post"], url_path="import", url_name="import-new")
    def import_new(self, request):
        """Creates an instrument whose draft v1 holds a workbook's items."""
        data = validated(ImportNewInputSerializer, request)
        values = dict(data)
        rows = _validated_rows(request.user, values.pop("file"))
        office = _office(request.user, values.pop("office", None))
        instrument = services.instrument_import(actor=request.user, office=office, rows=rows, **values)
        return self._answer(instrument, status.HTTP_201_CREATED)


class VersionViewSet(InstrumentViewSetBase):
    """Versions of visible instruments. The detail holds the nested item tree. Publish freezes a
    draft; retire ends a published version; DELETE discards a draft (409 for frozen versions)."""

    serializer_class = VersionSerializer
    filterset_class = VersionFilterSet
    select_related = ("instrument", "published_by")
    http_method_names = ["get", "post", "delete", "head", "options"]
    required_actions = {"publish": "change", "retire": "change", "destroy": "change", "export": "view"}

    def get_queryset(self):
        return super().get_queryset().order_by("instrument_id", "-number")

    @extend_schema(exclude=True)  # not an operation: 405
    def create(self, request, *args, **kwargs):
        """Versions are made by ``instruments/{id}/new-draft/``, ``…/copy/`` and ``…/import/``."""
        raise exceptions.MethodNotAllowed(request.method)

    def get_serializer_class(self):
        return VersionDetailSerializer if self.action == "retrieve" else VersionSerializer

    def perform_destroy(self, instance):
        services.version_discard(actor=self.request.user, version_id=instance.pk)

    publish = transition_action(
        "publish", services.VERSION_TRANSITION_SERVICES, id_kwarg="version_id", output=VersionSerializer, reload=refreshed,
        doc="Publishes a draft (409 from any other state; 400 listing the problems of an invalid tree).")
    retire = transition_action(
        "retire", services.VERSION_TRANSITION_SERVICES, id_kwarg="version_id", output=VersionSerializer, reload=refreshed, doc="Retires a published version (409 from any other state).")

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The version as an Excel workbook (the import's columns)."""
        version = self.get_object()
        return download(version_workbook(version), version_filename(version))


class ItemViewSet(InstrumentViewSetBase):
    """Items of visible versions. Create, update and delete only on drafts: frozen versions answer 409."""

    serializer_class = ItemSerializer
    filterset_class = ItemFilterSet
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    required_actions = {"create": "change", "update": "change", "partial_update": "change", "destroy": "change",
                        "move": "change"}

    def get_queryset(self):
        return Item.objects.for_user(self.request.user, "view").order_by("version_id", "position", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        version_id = data.pop("version_id")
        parent_id = data.pop("parent_id", None)
        index = data.pop("index", None)
        serializer.instance = services.item_add(actor=self.request.user, version_id=version_id, parent_id=parent_id,
                                                index=index, **data)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.ITEM_FIELDS}
        serializer.instance = services.item_update(actor=self.request.user, item_id=serializer.instance.pk, **data)

    def perform_destroy(self, instance):
        services.item_delete(actor=self.request.user, item_id=instance.pk)

    move = transition_action(
        "move", services.item_move, input=MoveInputSerializer, id_kwarg="item_id", output=ItemSerializer,
        reload=service_result,
        arguments=lambda v, request: {"parent_id": v["parent"], "index": v.get("index"), "reason": v.get("reason", "")},
        doc="Moves the item under a section (or to the top level) at a place among its siblings.")
