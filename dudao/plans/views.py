from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from dudao.accounts.access import acts_for_office
from dudao.core.forms import note_form, validation_message
from dudao.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ScopedMixin,
    ScopedTemplateView,
    ServiceFormView,
    TransitionView,
    edit_and_delete_views,
    int_param,
)
from dudao.core.workflow import TransitionNotAllowed
from dudao.inspectors.models import Inspector
from dudao.jobs.exports import ExportableListView as ObjectListView
from dudao.organizations.selectors import drill_region, region_trail
from dudao.plans import selectors, services, tables
from dudao.plans.filters import TaskFilterSet, WorkPlanFilterSet
from dudao.plans.forms import (
    CompletionPeriodForm,
    TaskCompleteForm,
    TaskEditForm,
    TaskPrescribeForm,
    TaskSelfForm,
    WorkPlanCreateForm,
    WorkPlanItemsForm,
)
from dudao.plans.models import Task, Term, WorkPlan, term_for

# ---- plans -----------------------------------------------------------------------------------

class WorkPlanListView(ObjectListView):
    model = WorkPlan
    filterset_class = WorkPlanFilterSet
    default_ordering = ("-year", "level", "pk")
    add_url_name = "plans:workplan_add"
    title = gettext_lazy("Work plans")
    columns = tables.WORK_PLAN_COLUMNS

    selector = selectors.workplan_list


class WorkPlanDetailView(ObjectDetailView):
    model = WorkPlan
    select_related = ("office__region", "zone", "inspector", "created_by", "reviewed_by")

    def object_context(self, ctx, plan, user):
        may_author = selectors.workplan_may_author(user=user, plan=plan)
        may_review = selectors.workplan_may_review(user=user, plan=plan)
        transitions = []
        if may_author and plan.status in WorkPlan.TRANSITIONS["submit"].sources and user.has_perm(
                WorkPlan.TRANSITIONS["submit"].permission):
            transitions.append("submit")
        if may_review and plan.status == WorkPlan.Status.SUBMITTED:
            transitions += ["approve", "return"]
        return {
            "title": plan.title,
            "items": [(item, MONTHS[item.month]) for item in selectors.workplan_items(user=user, plan=plan)],
            "transitions": transitions,
            "can_edit": may_author and plan.is_editable,
            "can_delete": ctx["can_delete"] and plan.status != WorkPlan.Status.APPROVED
            and WorkPlan.objects.for_user(user, "delete").filter(pk=plan.pk).exists(),
        }


class WorkPlanCreateView(ServiceFormView):
    """Starts a plan; the month table is filled in on the next page."""

    model = WorkPlan
    form_class = WorkPlanCreateForm
    template_name = "plans/workplan_form.html"
    extra_context = {"title": gettext_lazy("New work plan")}

    permission_action = "add"

    success_message = gettext_lazy("Plan started: fill in the month table.")

    def perform(self, form):
        data = form.cleaned_data
        plan = services.workplan_create(
            actor=self.request.user, level=data["level"], year=data["year"], term=data["term"],
            title=data["title"], summary=data["summary"],
            office_id=data["office"].pk if data.get("office") else None,
            zone_id=data["zone"].pk if data.get("zone") and data["level"] == WorkPlan.Level.ZONE else None,
            inspector_id=data["inspector"].pk if data.get("inspector") else None,
        )
        return reverse("plans:workplan_edit", args=[plan.pk])


class WorkPlanEditView(ScopedMixin, FormView):
    """The month-table editor: one row per month, a theme and the work items (一月一主题)."""

    model = WorkPlan
    form_class = WorkPlanItemsForm
    template_name = "plans/workplan_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.plan = self.get_object()
            if not selectors.workplan_may_author(user=request.user, plan=self.plan):
                raise PermissionDenied
            if not self.plan.is_editable:
                raise TransitionNotAllowed(_("Only a draft or a returned plan can be changed."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        items = selectors.workplan_items(user=self.request.user, plan=self.plan)
        return {**super().get_form_kwargs(), "plan": self.plan, "items": items}

    def form_valid(self, form):
        user = self.request.user
        try:
            services.workplan_update_items(actor=user, workplan_id=self.plan.pk, items=form.items(),
                                           title=form.cleaned_data["title"], summary=form.cleaned_data["summary"])
            if "submit" in self.request.POST:
                services.workplan_submit(actor=user, workplan_id=self.plan.pk)
                messages.success(self.request, _("Plan submitted to the office for review."))
            else:
                messages.success(self.request, _("Saved."))
        except ValidationError as error:
            messages.error(self.request, validation_message(error))
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"object": self.plan, "title": _("Edit {name}").format(name=self.plan.title)})
        return ctx


class WorkPlanTransitionView(TransitionView):
    """POST: submit, approve or return (the comment is required to return)."""

    model = WorkPlan
    services = services.WORKPLAN_TRANSITION_SERVICES
    form_class = note_form("comment")


class WorkPlanDeleteView(ObjectDeleteView):
    model = WorkPlan
    service = services.workplan_delete
    success_url = "/plans/"


# ---- tasks -----------------------------------------------------------------------------------

class TaskListView(ObjectListView):
    model = Task
    filterset_class = TaskFilterSet
    template_name = "plans/task_list.html"
    default_ordering = ("-status", "due_date", "pk")
    title = gettext_lazy("Tasks")
    columns = tables.TASK_COLUMNS

    selector = selectors.task_list

    def list_context(self, ctx, user):
        out = {"can_prescribe": user.has_perm("plans.prescribe_task"),
               "can_add_own": user.has_perm("plans.add_task") and Inspector.objects.for_user(user).filter(
                   user=user).exists()}
        batch = self.filterset.form.cleaned_data.get("batch") if self.filterset.is_bound and self.filterset.is_valid() else None
        if batch and acts_for_office(user):
            out["batch_stats"] = selectors.task_list(user=user).filter(batch=batch).aggregate(
                total=Count("pk"), done=Count("pk", filter=Q(status=Task.Status.DONE)))
        return out


class TaskDetailView(ObjectDetailView):
    model = Task
    select_related = ("office__region", "inspector", "school", "zone", "created_by")

    def object_context(self, ctx, task, user):
        transitions = [name for name, t in Task.TRANSITIONS.items()
                       if ctx["can_change"] and task.status in t.sources and user.has_perm(t.permission)]
        out = {
            "title": task.title,
            "transitions": transitions,
            "complete_form": TaskCompleteForm(initial={"completed_on": timezone.localdate()}),
            "can_edit": ctx["can_change"] and (task.kind == Task.Kind.SELF_CHOSEN or user.has_perm("plans.prescribe_task")),
            "can_delete": user.has_perm("plans.delete_task")
            and Task.objects.for_user(user, "delete").filter(pk=task.pk).exists(),
        }
        if task.batch and acts_for_office(user):
            out["batch_stats"] = selectors.task_list(user=user).filter(batch=task.batch).aggregate(
                total=Count("pk"), done=Count("pk", filter=Q(status=Task.Status.DONE)))
        return out


class TaskCreateView(ServiceFormView):
    """An inspector adds a task of their own (自主任务)."""

    model = Task
    form_class = TaskSelfForm
    template_name = "plans/task_form.html"
    extra_context = {"title": gettext_lazy("New task of my own")}

    permission_action = "add"

    def perform(self, form):
        data = form.cleaned_data
        task = services.task_create_self(
            actor=self.request.user, kind=data["kind"], title=data["title"], description=data["description"],
            due_date=data["due_date"], school_id=data["school"].pk if data["school"] else None,
        )
        return task.get_absolute_url()


class TaskPrescribeView(ServiceFormView):
    """The office gives a task to the inspectors of a zone, to chosen inspectors or to all (规定任务)."""

    model = Task
    form_class = TaskPrescribeForm
    template_name = "plans/task_prescribe.html"
    extra_context = {"title": gettext_lazy("Prescribe a task")}
    permission = "plans.prescribe_task"

    def get_form_kwargs(self):
        sizes = selectors.inspectors_by_zone(user=self.request.user)
        return {**super().get_form_kwargs(), "zone_sizes": sizes}

    def perform(self, form):
        data = form.cleaned_data
        tasks = services.task_prescribe(
            actor=self.request.user, kind=data["kind"], title=data["title"], description=data["description"],
            due_date=data["due_date"], **form.target_kwargs(),
        )
        self.success_message = _("Task given to {n} inspectors.").format(n=len(tasks))
        return reverse("plans:task_list") + f"?batch={tasks[0].batch}"


TaskEditView, TaskDeleteView = edit_and_delete_views(
    Task, form_class=TaskEditForm, save=services.task_update, delete=services.task_delete,
    success_url="/plans/tasks/")


class TaskTransitionView(TransitionView):
    """POST: complete a task (with a note and the date it was done) or reopen it."""

    model = Task
    services = services.TASK_TRANSITION_SERVICES
    forms = {"complete": TaskCompleteForm, "reopen": note_form(length=500)}


class TaskCompletionView(ScopedTemplateView):
    """Completion rates per inspector and per zone for a term (tasks done, done on time, overdue)."""

    template_name = "plans/task_completion.html"
    permission = "plans.view_task"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year, term = term_for(today)
        until = "today"
        form = CompletionPeriodForm(self.request.GET or None, initial={"year": year, "term": term, "until": until})
        if form.is_bound and form.is_valid():
            year = form.cleaned_data["year"] or year
            term = form.cleaned_data["term"] or term
            until = form.cleaned_data["until"] or until
        period = selectors.completion_period(year, term, until, today)
        user = self.request.user
        region = (drill_region(user=user, region_id=int_param(self.request.GET.get("region")))
                  or drill_region(user=user))  # a region out of sight: the top of the scope
        data = selectors.task_completion(user=user, period=period, region=region)
        rows = data["areas"] or data["inspectors"]
        names = [row["name"] for row in rows]
        ctx.update({
            "title": _("Task completion"), "form": form, "data": data, "year": year,
            "term_label": Term(term).label, "period": period, "region": region,
            "trail": region_trail(user=user, region=region),
            "period_query": urlencode({"year": year, "term": term, "until": until}),
            "chart": {
                "tooltip": {"trigger": "axis"},
                "legend": {"top": 0, "data": [_("Completion rate"), _("On time")]},
                "grid": {"left": 48, "right": 16, "top": 36, "bottom": 64},
                "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30 if len(names) > 6 else 0}},
                "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
                "series": [
                    {"name": _("Completion rate"), "type": "bar", "data": [r["rate"] or 0 for r in rows]},
                    {"name": _("On time"), "type": "bar", "data": [r["on_time_rate"] or 0 for r in rows]},
                ],
            },
            "zone_chart": {
                "tooltip": {"trigger": "axis"},
                "grid": {"left": 48, "right": 16, "top": 16, "bottom": 40},
                "xAxis": {"type": "category", "data": [r["name"] or _("No zone") for r in data["zones"]]},
                "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
                "series": [{"name": _("Completion rate"), "type": "bar",
                            "data": [r["rate"] or 0 for r in data["zones"]]}],
            },
        })
        return ctx
