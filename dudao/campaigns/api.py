"""API of special campaigns: the same services as the pages; transitions as ``POST …/{id}/{name}/``.

* ``/api/v1/campaigns/campaigns/``: list, read, create (a draft with its target rule); ``…/{id}/targets/``
  (a new target rule), ``…/{id}/teams/`` (create or change a team; warnings in the answer),
  ``…/{id}/launch/``, ``…/{id}/close/``, ``…/{id}/progress/``, ``…/{id}/results/``,
  ``…/{id}/rectifications/``, ``…/{id}/report/`` (drafts the 督导报告);
* ``/api/v1/campaigns/targets/``: list, read; ``…/{id}/self_check/`` (the school; multipart with
  ``files``, ``answers`` as JSON), ``…/{id}/result/`` (a team member), ``…/{id}/issue/`` (a problem into
  a rectification notice), ``…/{id}/complete/``.
"""

import datetime
import json

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dudao.campaigns import selectors, services
from dudao.campaigns.filters import CampaignFilterSet, CampaignTargetFilterSet
from dudao.campaigns.models import Campaign, CampaignProblem, CampaignTarget, Theme
from dudao.core.api import (
    ScopedModelSerializer,
    ScopedViewSet,
    plain_serializer,
    reread,
    transition_action,
    validated,
)
from dudao.core.permissions import ServiceCheckedMixin
from dudao.inspections.models import Rectification


class _CampaignActionsMixin(ServiceCheckedMixin):
    http_method_names = ["get", "post", "head", "options"]
    service_checked = frozenset({"launch", "close", "targets", "teams", "progress", "results", "rectifications",
                                "report", "self_check", "result", "issue", "complete"})


class CampaignSerializer(ScopedModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "office", "title", "theme", "description", "checklist", "start_date", "self_check_due",
                  "end_date", "target_rule", "status", "launched_at", "closed_at", "created_by"]
        read_only_fields = fields


class TargetSerializer(ScopedModelSerializer):
    self_check_late = serializers.BooleanField(read_only=True)
    problems = serializers.SerializerMethodField()

    class Meta:
        model = CampaignTarget
        fields = ["id", "campaign", "school", "team", "status", "self_checked_at", "self_check_late",
                  "self_check_summary", "visited_on", "team_summary", "completed_on", "problems"]
        read_only_fields = fields

    def get_problems(self, target) -> list[dict]:
        return [{"id": p.pk, "item": p.item.code if p.item_id else "", "description": p.description,
                 "severity": p.severity, "rectification": p.rectification_id} for p in target.problems.all()]


class RuleSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=services.RULES)
    region = serializers.IntegerField(required=False, allow_null=True)
    zone = serializers.IntegerField(required=False, allow_null=True)
    kinds = serializers.ListField(child=serializers.CharField(), required=False)
    schools = serializers.ListField(child=serializers.IntegerField(), required=False)


class CampaignCreateInputSerializer(serializers.Serializer):
    office = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200)
    theme = serializers.ChoiceField(choices=Theme.choices)
    checklist = serializers.IntegerField(min_value=1, help_text="A published checklist version")
    start_date = serializers.DateField()
    self_check_due = serializers.DateField()
    end_date = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    rule = RuleSerializer(required=False)


class TeamInputSerializer(serializers.Serializer):
    team = serializers.IntegerField(required=False, allow_null=True, help_text="Empty for a new team")
    name = serializers.CharField(max_length=100)
    members = serializers.ListField(child=serializers.IntegerField(min_value=1))
    leader = serializers.IntegerField(required=False, allow_null=True)
    targets = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class CampaignReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


@extend_schema_field({"type": "object", "additionalProperties": True})
class AnswersField(serializers.Field):
    """``{item code: value or {"value", "note"}}``, as JSON or (multipart) a JSON string."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError("Not valid JSON.")
        if not isinstance(data, dict):
            raise serializers.ValidationError("An object of item codes.")
        return data

    def to_representation(self, value):
        return value


class SelfCheckInputSerializer(serializers.Serializer):
    answers = AnswersField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False)


@extend_schema_field({"type": "array", "items": {"type": "object", "additionalProperties": True}})
class ProblemsField(serializers.Field):
    """``[{"item": "2.1", "description": "…", "severity": "general"}]``, as JSON or a JSON string."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data or "[]")
            except ValueError:
                raise serializers.ValidationError("Not valid JSON.")
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise serializers.ValidationError("A list of problems.")
        return data

    def to_representation(self, value):
        return value


class ResultInputSerializer(SelfCheckInputSerializer):
    visited_on = serializers.DateField(required=False, allow_null=True)
    problems = ProblemsField(required=False)


class IssueInputSerializer(serializers.Serializer):
    problem = serializers.IntegerField(min_value=1)
    requirements = serializers.CharField()
    deadline = serializers.DateField(required=False, allow_null=True)


CampaignProgressSerializer = plain_serializer(
    "CampaignProgressSerializer",
    "``…/{id}/progress/``: the counts of the campaign's targets in scope, with shares in %.",
    **dict.fromkeys(("targets", "notified", "self_checked", "late", "visited", "rectifying", "done", "problems",
                     "notices", "notices_closed"), int),
    percent=serializers.DictField(child=serializers.IntegerField(),
                                  help_text="notified, self_checked, visited and done, in % of the targets"),
    rectified_percent=int)
CampaignResultSerializer = plain_serializer(
    "CampaignResultSerializer", "A row of ``…/{id}/results/``: a target school's scores, problems and notices.",
    target=int, school=int, school_name=str, team=int | None,
    status=serializers.ChoiceField(CampaignTarget.Status.choices), self_score=float | None, late=bool,
    team_score=float | None, problems=int, notices=int, notices_closed=int)
CampaignRectificationRowSerializer = plain_serializer(
    "CampaignRectificationRowSerializer",
    "A row of ``…/{id}/rectifications/`` (问题清单/整改清单): a problem and its notice, if issued.",
    no=int, problem=int, school=int, school_name=str, item=str, description=str, rectification=int | None,
    number=str, requirements=str, measures=str, deadline=datetime.date | None,
    status=serializers.ChoiceField(Rectification.Status.choices, allow_null=True),
    progress=serializers.ChoiceField(list(selectors.PROGRESS_LABELS)))


class CampaignReportSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    title = serializers.CharField()


def _files(request) -> list:
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


class CampaignViewSet(_CampaignActionsMixin, ScopedViewSet):
    """Special campaigns (专项督导) in scope."""

    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    select_related = selectors.CAMPAIGN_RELATED
    ordering_fields = ["start_date", "status"]

    def _out(self, campaign, code=status.HTTP_200_OK, **extra):
        return Response({**reread(self, campaign).data, **extra}, status=code)

    @extend_schema(request=CampaignCreateInputSerializer, responses=CampaignSerializer)
    def create(self, request, *args, **kwargs):
        data = validated(CampaignCreateInputSerializer, request)
        v = dict(data)
        rule = dict(v.pop("rule")) if v.get("rule") else None
        campaign = services.campaign_create(actor=request.user, office_id=v.pop("office"), rule=rule, **v)
        return self._out(campaign, status.HTTP_201_CREATED)

    @extend_schema(request=RuleSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def targets(self, request, pk=None):
        campaign = self.get_object()
        data = validated(RuleSerializer, request)
        targets = services.campaign_targets_set(actor=request.user, campaign_id=campaign.pk, rule=dict(data))
        return self._out(campaign, targets=[{"id": t.pk, "school": t.school_id} for t in targets])

    @extend_schema(request=TeamInputSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def teams(self, request, pk=None):
        campaign = self.get_object()
        v = validated(TeamInputSerializer, request)
        team, warnings = services.campaign_team_save(
            actor=request.user, campaign_id=campaign.pk, team_id=v.get("team"), name=v["name"],
            member_ids=v["members"], leader_id=v.get("leader"), target_ids=v.get("targets"))
        return self._out(campaign, team=team.pk, warnings=warnings)

    launch = transition_action(
        "launch", services.CAMPAIGN_TRANSITION_SERVICES, id_kwarg="campaign_id", input=CampaignReasonInputSerializer,
        output=CampaignSerializer, extra=lambda view, campaign: {"warnings": selectors.campaign_warnings(campaign=campaign)})
    close = transition_action("close", services.CAMPAIGN_TRANSITION_SERVICES, id_kwarg="campaign_id",
                              input=CampaignReasonInputSerializer, output=CampaignSerializer)

    @extend_schema(responses=CampaignProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(selectors.campaign_progress(user=request.user, campaign=self.get_object()))

    @extend_schema(responses=CampaignResultSerializer(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        rows = selectors.campaign_results(user=request.user, campaign=self.get_object())
        return Response([{
            "target": r["target"].pk, "school": r["school"].pk, "school_name": r["school"].name,
            "team": r["team"].pk if r["team"] else None, "status": r["status"], "self_score": r["self_score"],
            "late": r["late"], "team_score": r["team_score"], "problems": r["problems"], "notices": r["notices"],
            "notices_closed": r["notices_closed"],
        } for r in rows])

    @extend_schema(responses=CampaignRectificationRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def rectifications(self, request, pk=None):
        rows = selectors.campaign_rectification_list(user=request.user, campaign=self.get_object())
        return Response([{
            "no": r["no"], "problem": r["problem"].pk, "school": r["school"].pk, "school_name": r["school"].name,
            "item": r["item"], "description": r["description"],
            "rectification": r["notice"].pk if r["notice"] else None, "number": r["number"],
            "requirements": r["requirements"], "measures": r["measures"],
            "deadline": r["deadline"].isoformat() if r["deadline"] else None,
            "status": r["notice"].status if r["notice"] else None, "progress": r["progress"],
        } for r in rows])

    @extend_schema(request=None, responses={201: CampaignReportSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        document = services.campaign_report_generate(actor=request.user, campaign_id=self.get_object().pk,
                                                     pdf=request.data.get("pdf") in (True, "1", "true"))
        return Response({"document": document.pk, "title": document.title}, status=status.HTTP_201_CREATED)


_TARGET = {"id_kwarg": "target_id", "output": TargetSerializer}


class CampaignTargetViewSet(_CampaignActionsMixin, ScopedViewSet):
    """The schools of campaigns in scope: their state, self-check and team result."""

    serializer_class = TargetSerializer
    filterset_class = CampaignTargetFilterSet
    select_related = selectors.TARGET_RELATED
    prefetch_related = (Prefetch("problems", queryset=CampaignProblem.objects.select_related("item")),)  # scope: of targets in scope
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST")

    self_check = transition_action(
        "self_check", services.target_self_check_submit, input=SelfCheckInputSerializer,
        arguments=lambda v, request: {"answers": v["answers"], "summary": v["summary"], "files": _files(request)},
        **_TARGET)
    result = transition_action(
        "result", services.target_result_record, input=ResultInputSerializer,
        arguments=lambda v, request: {"answers": v["answers"], "summary": v["summary"],
                                      "visited_on": v.get("visited_on"), "problems": v.get("problems") or [],
                                      "files": _files(request)},
        **_TARGET)

    @extend_schema(request=IssueInputSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        target = self.get_object()
        v = validated(IssueInputSerializer, request)
        if not target.problems.filter(pk=v["problem"]).exists():
            raise exceptions.NotFound()
        services.problem_notice_issue(actor=request.user, problem_id=v["problem"], requirements=v["requirements"],
                                      deadline=v.get("deadline"))
        return reread(self, target)

    complete = transition_action("complete", services.TARGET_TRANSITION_SERVICES, input=CampaignReasonInputSerializer,
                                 **_TARGET)


def register(router) -> None:
    router.register("campaigns/campaigns", CampaignViewSet, basename="campaigns-campaign")
    router.register("campaigns/targets", CampaignTargetViewSet, basename="campaigns-target")
