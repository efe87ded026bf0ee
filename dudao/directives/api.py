"""API of directives: the same services as the pages; transitions as ``POST …/{id}/{name}/``.

* ``/api/v1/directives/directives/``: list, read, register (``POST``), correct (``PATCH``/``PUT``);
  ``…/{id}/items/`` (add an item), ``…/{id}/assign/``, ``…/{id}/publish/``, ``…/{id}/archive/``,
  ``…/{id}/board/`` (the progress board per unit and per item), ``…/{id}/export/`` (the board as .xlsx);
* ``/api/v1/directives/items/``: list, read (with the reports and urges); ``…/{id}/report/`` (the
  unit; ``is_final`` reports completion), ``…/{id}/urge/`` (files the 督办通知单), ``…/{id}/accept/``,
  ``…/{id}/return/``.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dudao.core.api import (
    ScopedModelSerializer,
    ScopedReadViewSet,
    ScopedViewSet,
    plain_serializer,
    reread,
    transition_action,
    validated,
)
from dudao.core.downloads import download
from dudao.core.excel import XLSX_CONTENT_TYPE
from dudao.core.permissions import ServiceCheckedMixin
from dudao.directives import exports, selectors, services
from dudao.directives.filters import DirectiveFilterSet, DirectiveItemFilterSet
from dudao.directives.models import Board, Directive, DirectiveItem, ProgressReport, ReportFile, Source, Urge


class _DirectiveActionsMixin(ServiceCheckedMixin):
    """Writes go through the services, which check scope, state and permission themselves."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    service_checked = frozenset({"items", "assign", "publish", "archive", "board", "export", "report", "urge", "accept",
                                "return_"})


class DirectiveSerializer(ScopedModelSerializer):
    class Meta:
        model = Directive
        fields = ["id", "office", "title", "source", "source_text", "decided_on", "requirements", "status",
                  "assigned_at", "published_at", "archived_at", "bulletin", "created_by"]
        read_only_fields = fields


class DirectiveInputSerializer(serializers.Serializer):
    office = serializers.IntegerField(min_value=1, required=False, help_text="Default: the caller's office")
    title = serializers.CharField(max_length=200)
    source = serializers.ChoiceField(choices=Source.choices)
    source_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    decided_on = serializers.DateField()
    requirements = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class DirectiveReportFileSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Download (checked SHA-256)")

    class Meta:
        model = ReportFile
        fields = ["id", "original_name", "content_type", "size", "sha256", "url"]
        read_only_fields = fields


class DirectiveProgressReportSerializer(serializers.ModelSerializer):
    reported_at = serializers.DateTimeField(source="created_at", read_only=True)
    files = DirectiveReportFileSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "text", "is_final", "reported_by", "reported_at", "files"]
        read_only_fields = fields


class DirectiveUrgeSerializer(serializers.ModelSerializer):
    sent_at = serializers.DateTimeField(source="created_at", read_only=True)
    number = serializers.SerializerMethodField()

    class Meta:
        model = Urge
        fields = ["id", "note", "sent_by", "sent_at", "document", "number"]
        read_only_fields = fields

    def get_number(self, urge) -> str:
        return urge.document.number if urge.document_id else ""


class DirectiveItemSerializer(ScopedModelSerializer):
    unit_name = serializers.CharField(read_only=True, help_text="The responsible unit's name (a school, or a "
                                                                 "department or township office)")
    late = serializers.BooleanField(source="is_late", read_only=True)
    board = serializers.CharField(read_only=True)
    reports = DirectiveProgressReportSerializer(many=True, read_only=True)
    urges = DirectiveUrgeSerializer(many=True, read_only=True)

    class Meta:
        model = DirectiveItem
        fields = ["id", "directive", "school", "department", "unit_name", "content", "deadline", "report_every_days",
                  "status", "late", "board",
                  "submitted_at", "reviewed_by", "reviewed_at", "review_comment", "reports", "urges"]
        read_only_fields = fields


class DirectiveItemInputSerializer(serializers.Serializer):
    school = serializers.IntegerField(min_value=1, required=False, help_text="The responsible school")
    department = serializers.IntegerField(min_value=1, required=False,
                                          help_text="Or the responsible department or township office")
    content = serializers.CharField(max_length=5000)
    deadline = serializers.DateField()
    report_every_days = serializers.IntegerField(min_value=0, max_value=366, default=7)


class DirectiveReportInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    is_final = serializers.BooleanField(default=False, help_text="The unit's part is done: submit it for review")
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  help_text="Photos or scanned records (multipart)")


class DirectiveUrgeInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DirectiveCommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DirectiveReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


DirectiveBoardCountsSerializer = plain_serializer(
    "DirectiveBoardCountsSerializer", **dict.fromkeys(("items", "on_time", "late", "returned", "done"), int))


class DirectiveBoardUnitSerializer(DirectiveBoardCountsSerializer):
    school = serializers.IntegerField(allow_null=True)
    department = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField()
    school_name = serializers.CharField(help_text="The unit's name (kept for older clients; see unit_name)")
    urges = serializers.IntegerField()


class DirectiveBoardItemSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    school = serializers.IntegerField(allow_null=True)
    department = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField()
    school_name = serializers.CharField(help_text="The unit's name (kept for older clients; see unit_name)")
    deadline = serializers.DateField()
    status = serializers.ChoiceField(DirectiveItem.Status.choices)
    board = serializers.ChoiceField(Board.choices)
    last_reported = serializers.DateField(allow_null=True)
    next_report_due = serializers.DateField(allow_null=True)
    urges = serializers.IntegerField()


class DirectiveBoardSerializer(serializers.Serializer):
    counts = DirectiveBoardCountsSerializer()
    units = DirectiveBoardUnitSerializer(many=True)
    items = DirectiveBoardItemSerializer(many=True)


class DirectiveViewSet(_DirectiveActionsMixin, ScopedViewSet):
    """Directives (督办事项) in scope."""

    serializer_class = DirectiveSerializer
    filterset_class = DirectiveFilterSet
    select_related = selectors.DIRECTIVE_RELATED
    ordering_fields = ["decided_on", "status"]

    @extend_schema(request=DirectiveInputSerializer, responses={201: DirectiveSerializer})
    def create(self, request, *args, **kwargs):
        v = dict(validated(DirectiveInputSerializer, request))
        directive = services.directive_register(actor=request.user, office_id=v.pop("office", None), **v)
        return reread(self, directive, status.HTTP_201_CREATED)

    @extend_schema(request=DirectiveInputSerializer, responses=DirectiveSerializer)
    def update(self, request, *args, **kwargs):
        directive = self.get_object()
        partial = kwargs.get("partial", False)
        current = {"title": directive.title, "source": directive.source, "source_text": directive.source_text,
                   "decided_on": directive.decided_on, "requirements": directive.requirements}
        v = dict(validated(DirectiveInputSerializer, request, partial=partial))
        v.pop("office", None)
        services.directive_update(actor=request.user, directive_id=directive.pk, **{**current, **v})
        return reread(self, directive)

    @extend_schema(request=DirectiveInputSerializer, responses=DirectiveSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=DirectiveItemInputSerializer, responses={201: DirectiveItemSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        directive = self.get_object()
        v = validated(DirectiveItemInputSerializer, request)
        item = services.item_add(actor=request.user, directive_id=directive.pk, school_id=v.get("school"),
                                 department_id=v.get("department"),
                                 content=v["content"], deadline=v["deadline"],
                                 report_every_days=v["report_every_days"])
        item = selectors.item_list(user=request.user).prefetch_related("reports__files", "urges__document").get(pk=item.pk)
        return Response(DirectiveItemSerializer(item, context={"request": request}).data, status=status.HTTP_201_CREATED)

    assign = transition_action("assign", services.DIRECTIVE_TRANSITION_SERVICES, id_kwarg="directive_id",
                               input=DirectiveReasonInputSerializer, output=DirectiveSerializer)
    publish = transition_action("publish", services.DIRECTIVE_TRANSITION_SERVICES, id_kwarg="directive_id",
                                input=DirectiveReasonInputSerializer, output=DirectiveSerializer)
    archive = transition_action("archive", services.DIRECTIVE_TRANSITION_SERVICES, id_kwarg="directive_id",
                                input=DirectiveReasonInputSerializer, output=DirectiveSerializer)

    @extend_schema(responses=DirectiveBoardSerializer)
    @action(detail=True, methods=["get"])
    def board(self, request, pk=None):
        directive = self.get_object()
        rows = selectors.item_rows(user=request.user, directive=directive)
        units = selectors.unit_board(user=request.user, directive=directive)
        return Response({
            "counts": selectors.board_counts(rows),
            "units": [{"school": u["school"].pk if u["school"] else None,
                       "department": u["department"].pk if u["department"] else None,
                       "unit_name": u["name"], "school_name": u["name"], "items": u["items"],
                       "urges": u["urges"], **{state.value: u[state.value] for state in Board}} for u in units],
            "items": [{"item": r["item"].pk, "school": r["item"].school_id, "department": r["item"].department_id,
                       "unit_name": r["item"].unit_name, "school_name": r["item"].unit_name,
                       "deadline": r["item"].deadline, "status": r["item"].status, "board": r["board"],
                       "last_reported": r["last_reported"], "next_report_due": r["next_report_due"],
                       "urges": r["urges"]} for r in rows],
        })

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The progress board of the directive as an Excel workbook."""
        directive = self.get_object()
        return download(exports.board_workbook(user=request.user, directive=directive),
                        f"{directive.title}-进度看板.xlsx")


_ITEM = {"id_kwarg": "item_id", "output": DirectiveItemSerializer}


class DirectiveItemViewSet(_DirectiveActionsMixin, ScopedReadViewSet):
    """The items of directives in scope: each responsible unit's part, its reports and urges."""

    serializer_class = DirectiveItemSerializer
    filterset_class = DirectiveItemFilterSet
    select_related = ("directive", "school", "department")
    prefetch_related = (
        Prefetch("reports", queryset=ProgressReport.objects.prefetch_related("files")  # scope: of items in scope
                 .order_by("created_at", "pk")),
        Prefetch("urges", queryset=Urge.objects.select_related("document").order_by("created_at", "pk")),  # scope: of items in scope
    )
    ordering_fields = ["deadline", "status"]
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    report = transition_action(
        "report", services.item_report, input=DirectiveReportInputSerializer,
        arguments=lambda v, request: {"text": v["text"], "is_final": v["is_final"],
                                      "files": request.FILES.getlist("files") if hasattr(request, "FILES") else []},
        **_ITEM)
    urge = transition_action("urge", services.item_urge, input=DirectiveUrgeInputSerializer, **_ITEM)
    accept = transition_action("accept", services.ITEM_TRANSITION_SERVICES, input=DirectiveCommentInputSerializer, **_ITEM)
    return_ = transition_action("return", services.ITEM_TRANSITION_SERVICES, attr="return_", url_name="return",
                                input=DirectiveCommentInputSerializer, **_ITEM)


def register(router) -> None:
    router.register("directives/directives", DirectiveViewSet, basename="directives-directive")
    router.register("directives/items", DirectiveItemViewSet, basename="directives-item")
