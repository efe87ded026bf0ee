"""API of plans and tasks: the same services as the pages, transitions as ``POST …/{id}/{name}/``."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.core.api import (
    ScopedModelSerializer,
    ScopedViewSet,
    YearField,
    attach_transitions,
    id_param,
    reread,
    transition_action,
    validated,
)
from dudao.core.choices import is_year, year_message
from dudao.core.permissions import ServiceCheckedMixin
from dudao.organizations.selectors import drill_region
from dudao.plans import selectors, services
from dudao.plans.filters import TaskFilterSet, WorkPlanFilterSet
from dudao.plans.models import PlanItem, Task, Term, WorkPlan, term_for


class _PlanActionsMixin(ServiceCheckedMixin):
    service_checked = frozenset({"submit", "approve", "return", "complete", "reopen", "prescribe", "completion"})


# ---- plans -----------------------------------------------------------------------------------

class PlanItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["month", "theme", "work_items"]


class WorkPlanSerializer(ScopedModelSerializer):
    items = PlanItemSerializer(many=True, read_only=True)
    owner = serializers.CharField(source="owner_name", read_only=True)

    class Meta:
        model = WorkPlan
        fields = ["id", "office", "level", "zone", "inspector", "owner", "year", "term", "title", "summary",
                  "status", "submitted_at", "reviewed_by", "reviewed_at", "review_comment", "created_by", "items"]
        read_only_fields = fields


class PlanItemInputSerializer(serializers.Serializer):
    month = serializers.IntegerField(min_value=1, max_value=12)
    theme = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    work_items = serializers.CharField(required=False, allow_blank=True, default="")


class WorkPlanCreateInputSerializer(serializers.Serializer):
    # a plain string checked below: a second enum of the same values would collide in the schema
    level = serializers.CharField(help_text="office, zone or inspector (whose plan)")
    year = YearField()
    term = serializers.ChoiceField(choices=Term.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    office = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    zone = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    inspector = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    items = PlanItemInputSerializer(many=True, required=False)

    def validate_level(self, value):
        if value not in WorkPlan.Level.values:
            raise serializers.ValidationError(f"One of {', '.join(WorkPlan.Level.values)}.")
        return value


class WorkPlanUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    items = PlanItemInputSerializer(many=True, required=False)


class WorkPlanTransitionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class WorkPlanViewSet(_PlanActionsMixin, ScopedViewSet):
    """Work plans (工作计划) with their month tables. ``PATCH`` writes the table while the plan is a
    draft or returned; ``POST …/submit/``, ``…/approve/`` and ``…/return/`` move it."""

    serializer_class = WorkPlanSerializer
    filterset_class = WorkPlanFilterSet
    select_related = selectors.PLAN_RELATED
    prefetch_related = ("items",)
    ordering_fields = ["year", "status", "submitted_at", "reviewed_at"]

    @extend_schema(request=WorkPlanCreateInputSerializer, responses=WorkPlanSerializer)
    def create(self, request, *args, **kwargs):
        v = validated(WorkPlanCreateInputSerializer, request)
        plan = services.workplan_create(
            actor=request.user, level=v["level"], year=v["year"], term=v["term"], title=v["title"],
            summary=v["summary"], office_id=v.get("office"), zone_id=v.get("zone"), inspector_id=v.get("inspector"),
            items=[dict(row) for row in v.get("items", [])],
        )
        return reread(self, plan, status.HTTP_201_CREATED)

    @extend_schema(request=WorkPlanUpdateInputSerializer, responses=WorkPlanSerializer)
    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        v = validated(WorkPlanUpdateInputSerializer, request, partial=kwargs.get("partial", False))
        services.workplan_update_items(actor=request.user, workplan_id=plan.pk,
                                       items=[dict(row) for row in v.get("items", [])],
                                       title=v.get("title"), summary=v.get("summary"))
        return reread(self, plan)

    @extend_schema(request=WorkPlanUpdateInputSerializer, responses=WorkPlanSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.workplan_delete(actor=request.user, instance=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


attach_transitions(WorkPlanViewSet, services.WORKPLAN_TRANSITION_SERVICES, doc="Applies the {name!r} transition to the plan.",
                   id_kwarg="workplan_id", input=WorkPlanTransitionInputSerializer, output=WorkPlanSerializer)


# ---- tasks -----------------------------------------------------------------------------------

class TaskSerializer(ScopedModelSerializer):
    inspector_name = serializers.CharField(source="inspector.name", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Task
        fields = ["id", "office", "kind", "title", "description", "inspector", "inspector_name", "school", "zone",
                  "due_date", "status", "overdue", "completed_on", "completed_at", "completion_note", "batch",
                  "created_by"]
        read_only_fields = fields


class TaskCreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Task.Kind.SELF_CHOSEN, Task.Kind.ROUTINE], default=Task.Kind.SELF_CHOSEN)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    due_date = serializers.DateField()
    school = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class TaskPrescribeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Task.Kind.PRESCRIBED, Task.Kind.ROUTINE], default=Task.Kind.PRESCRIBED)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    due_date = serializers.DateField()
    inspectors = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, allow_empty=False)
    zone = serializers.IntegerField(required=False, min_value=1)
    office = serializers.IntegerField(required=False, min_value=1)


class TaskUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    due_date = serializers.DateField(required=False)


class TaskCompleteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)


class TaskReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class TaskViewSet(_PlanActionsMixin, ScopedViewSet):
    """Tasks (常规/规定/自主任务). ``POST tasks/`` adds an inspector's own task; ``POST tasks/prescribe/``
    gives one task to many inspectors; ``…/complete/`` and ``…/reopen/`` move a task."""

    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    select_related = selectors.TASK_RELATED
    ordering_fields = ["due_date", "status", "completed_on"]

    @extend_schema(request=TaskCreateInputSerializer, responses=TaskSerializer)
    def create(self, request, *args, **kwargs):
        v = validated(TaskCreateInputSerializer, request)
        task = services.task_create_self(actor=request.user, kind=v["kind"], title=v["title"],
                                         description=v["description"], due_date=v["due_date"],
                                         school_id=v.get("school"))
        return reread(self, task, status.HTTP_201_CREATED)

    @extend_schema(request=TaskUpdateInputSerializer, responses=TaskSerializer)
    def update(self, request, *args, **kwargs):
        task = self.get_object()
        self.check_change_scope(task)
        data = validated(TaskUpdateInputSerializer, request, partial=kwargs.get("partial", False))
        for key, value in data.items():
            setattr(task, key, value)
        services.task_update(actor=request.user, instance=task)
        return reread(self, task)

    @extend_schema(request=TaskUpdateInputSerializer, responses=TaskSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.task_delete(actor=request.user, instance=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=TaskPrescribeInputSerializer, responses=TaskSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="prescribe")
    def prescribe(self, request):
        """Gives one task to the inspectors of a zone, to chosen inspectors, or to all of an office."""
        v = validated(TaskPrescribeInputSerializer, request)
        tasks = services.task_prescribe(
            actor=request.user, kind=v["kind"], title=v["title"], description=v["description"],
            due_date=v["due_date"], inspector_ids=v.get("inspectors"), zone_id=v.get("zone"),
            office_id=v.get("office"),
        )
        rows = self.get_queryset().filter(pk__in=[t.pk for t in tasks]).order_by("pk")
        return Response(TaskSerializer(rows, many=True, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    complete = transition_action(
        "complete", services.TASK_TRANSITION_SERVICES, id_kwarg="task_id", input=TaskCompleteInputSerializer,
        output=TaskSerializer, doc="Records the task as done (on ``completed_on``, today by default) with a note.")
    reopen = transition_action("reopen", services.TASK_TRANSITION_SERVICES, id_kwarg="task_id",
                               input=TaskReopenInputSerializer, output=TaskSerializer, doc="Opens a done task again.")

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="year of the period (default: the current term)"),
                    OpenApiParameter("term", str, enum=Term.values, description="whole_year, spring or autumn"),
                    OpenApiParameter("until", str, enum=["today", "end"],
                                     description="count tasks due up to today (default) or in the whole period"),
                    OpenApiParameter("region", int, description="a region in scope: its parts above a county, else "
                                                                "its inspectors and zones (default: the top of the scope)")],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"], url_path="completion", filterset_class=None, pagination_class=None)
    def completion(self, request):
        """Completion of the tasks due in a term (total, done, on time, overdue, rates) as the page counts
        it: above a county a line per part (city or county), from a county down per inspector and zone."""
        year, term = term_for(timezone.localdate())
        try:
            year = int(request.query_params.get("year", year))
        except ValueError:
            raise serializers.ValidationError({"year": "Enter a year."})
        if not is_year(year):
            raise serializers.ValidationError({"year": year_message()})
        term = request.query_params.get("term", term)
        if term not in Term.values:
            raise serializers.ValidationError({"term": f"One of {', '.join(Term.values)}."})
        until = request.query_params.get("until", "today")
        if until not in ("today", "end"):
            raise serializers.ValidationError({"until": "today or end."})
        start, end = selectors.completion_period(year, term, until)
        region_id = id_param(request, "region")
        region = drill_region(user=request.user, region_id=region_id)
        if region_id and region is None:
            raise serializers.ValidationError({"region": [_("No such region in your scope.")]})
        data = selectors.task_completion(user=request.user, period=(start, end), region=region)
        strip = ("sort",)
        return Response({
            "year": year, "term": term, "period": [start, end], "on": data["on"],
            "inspectors": [{k: v for k, v in r.items() if k not in strip} for r in data["inspectors"]],
            "zones": [{k: v for k, v in r.items() if k not in strip} for r in data["zones"]],
            "areas": [{k: v for k, v in r.items() if k not in strip} for r in data["areas"]],
            "total": data["total"],
        })

