"""Work plans (工作计划) with their month-by-month themes (一月一主题), and inspectors' tasks.

规程 Art. 2 (STANDARDS §1.6): a responsible inspector makes monthly, quarterly and annual plans from
the office's annual arrangements and reports them to the office for review and filing
(报教育督导部门审核备案). Offices, zones and inspectors each plan a year or a term; each plan has
one row per month with a theme and its work items, like the plan tables of county offices.

Tasks are routine (常规任务), prescribed by the office to many inspectors at once (规定任务), or
self-chosen (自主任务). "Overdue" is derived from the due date, never stored.

Who sees what (``for_user``):

* plans: the office over its region subtree; school-bound users of the office (inspectors, zone
  leaders) read the plans of their office once submitted, and their own drafts; they change only
  the plans they author (their own inspector plan, their zone's plan);
* tasks: the office over its region subtree; an inspector their own tasks; a zone leader also
  reads the tasks of their zone. School liaisons and principals hold no plan or task permission.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core import rules
from dudao.core.models import Reviewed
from dudao.core.review import review_transitions
from dudao.core.scope import OFFICE_REGION, DetailPageModel, OfficeScopedModel, ScopedManager, ScopedQuerySet
from dudao.core.workflow import Transition

MONTHS = tuple(range(1, 13))


class Term(models.TextChoices):
    WHOLE_YEAR = "whole_year", _("Whole year")
    SPRING = "spring", _("Spring term")
    AUTUMN = "autumn", _("Autumn term")


# The months a plan's table holds, in order. The spring term runs from February to the summer
# holiday (七月); the autumn term from the August preparation of the new school year to January.
TERM_MONTHS: dict[str, tuple[int, ...]] = {
    Term.WHOLE_YEAR: MONTHS,
    Term.SPRING: (2, 3, 4, 5, 6, 7),
    Term.AUTUMN: (8, 9, 10, 11, 12, 1),
}


def term_for(on: datetime.date) -> tuple[int, str]:
    """The (year, term) a date falls in: January belongs to the autumn term of the year before."""
    if on.month == 1:
        return on.year - 1, Term.AUTUMN
    if on.month <= 7:
        return on.year, Term.SPRING
    return on.year, Term.AUTUMN


def term_dates(year: int, term: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a plan's period."""
    if term == Term.SPRING:
        return datetime.date(year, 2, 1), datetime.date(year, 7, 31)
    if term == Term.AUTUMN:
        return datetime.date(year, 8, 1), datetime.date(year + 1, 1, 31)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


class WorkPlan(DetailPageModel, OfficeScopedModel, Reviewed):
    """Plans a year or a term of an office, a zone or an inspector, month by month (一月一主题)."""

    class Level(models.TextChoices):
        OFFICE = "office", _("Office")
        ZONE = "zone", _("Zone")
        INSPECTOR = "inspector", _("Inspector")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved and filed")
        RETURNED = "returned", _("Returned")

    TRANSITIONS = review_transitions(Status, submit="plans.submit_workplan", review="plans.review_workplan",
                                     accept="approve", accepted=Status.APPROVED)

    Term = Term

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="work_plans",
                               verbose_name=_("office"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    zone = models.ForeignKey("organizations.Zone", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="work_plans", verbose_name=_("zone"))
    inspector = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="work_plans", verbose_name=_("inspector"))
    year = models.PositiveSmallIntegerField(_("year"))
    term = models.CharField(_("term"), max_length=12, choices=Term.choices, default=Term.WHOLE_YEAR)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("guiding ideas and goals"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))

    # the office's plans; the author's (an inspector, a zone); once submitted, read-only for the
    # inspectors of the office
    scope_rules = (
        rules.office(OFFICE_REGION),
        rules.own("inspector__user", when=Q(level=Level.INSPECTOR), on=rules.EXCEPT_DELETE),
        rules.zones("zone_id", when=Q(level=Level.ZONE), on=rules.EXCEPT_DELETE),
        rules.reference(OFFICE_REGION, when=~Q(status=Status.DRAFT)),
    )

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year", "-pk"]
        permissions = [
            ("submit_workplan", "Can submit a work plan for review"),
            ("review_workplan", "Can approve or return a work plan (审核备案)"),
        ]
        constraints = [
            models.CheckConstraint(
                name="plans_workplan_owner_matches_level",
                condition=(
                    Q(level="office", zone__isnull=True, inspector__isnull=True)
                    | Q(level="zone", zone__isnull=False, inspector__isnull=True)
                    | Q(level="inspector", inspector__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["office", "year", "term"], condition=Q(level="office"),
                                    name="plans_workplan_one_per_office_period"),
            models.UniqueConstraint(fields=["zone", "year", "term"], condition=Q(level="zone"),
                                    name="plans_workplan_one_per_zone_period"),
            models.UniqueConstraint(fields=["inspector", "year", "term"], condition=Q(level="inspector"),
                                    name="plans_workplan_one_per_inspector_period"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def months(self) -> tuple[int, ...]:
        return TERM_MONTHS[self.term]

    @property
    def owner_name(self) -> str:
        """Whose plan it is: the inspector, the zone or the office."""
        if self.level == self.Level.INSPECTOR:
            return str(self.inspector)
        if self.level == self.Level.ZONE:
            return str(self.zone)
        return str(self.office)

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return term_dates(self.year, self.term)

    @property
    def is_editable(self) -> bool:
        """The month table can be changed only before it is submitted or after it was returned."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class PlanItem(models.Model):
    """One month of a plan: its theme (一月一主题) and the work items planned for it."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    month = models.PositiveSmallIntegerField(_("month"), choices=[(m, m) for m in MONTHS])
    theme = models.CharField(_("theme"), max_length=100, blank=True)
    work_items = models.TextField(_("work items"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("month of a plan")
        verbose_name_plural = _("months of a plan")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="plans_planitem_one_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plans_planitem_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.month}: {self.theme}"

    @property
    def work_lines(self) -> list[str]:
        return [line.strip() for line in self.work_items.splitlines() if line.strip()]


class TaskQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status=Task.Status.OPEN)

    def overdue(self, on: datetime.date | None = None):
        """Open tasks past their due date: derived from the date, never stored."""
        return self.filter(status=Task.Status.OPEN, due_date__lt=on or timezone.localdate())


class Task(DetailPageModel, OfficeScopedModel):
    """Gives an inspector a piece of work with a due date: routine, prescribed or self-chosen."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        PRESCRIBED = "prescribed", _("Prescribed")
        SELF_CHOSEN = "self_chosen", _("Self-chosen")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    TRANSITIONS = {
        "complete": Transition({Status.OPEN}, Status.DONE, "plans.complete_task"),
        "reopen": Transition({Status.DONE}, Status.OPEN, "plans.complete_task"),
    }

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="tasks",
                               verbose_name=_("office"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    inspector = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, related_name="tasks",
                                  verbose_name=_("inspector"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="tasks", verbose_name=_("school"))
    zone = models.ForeignKey("organizations.Zone", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="tasks", verbose_name=_("zone"),
                             help_text=_("The zone the task counts for, fixed when the task is given."))
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completion recorded"), null=True, blank=True)
    completion_note = models.TextField(_("completion note"), blank=True)
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True,
                             help_text=_("Groups the copies of one task given to many inspectors."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("given by"))

    scope_rules = (rules.office(OFFICE_REGION), rules.own("inspector__user", on=rules.EXCEPT_DELETE), rules.zones("zone_id", on=rules.VIEW))

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "pk"]
        permissions = [
            ("prescribe_task", "Can prescribe a task to inspectors"),
            ("complete_task", "Can complete or reopen a task"),
        ]
        indexes = [
            models.Index(fields=["inspector", "due_date"], name="plans_task_inspector_due"),
            # the task list's order (open first, then by due date): a province's first page without
            # sorting its 480 000 tasks
            models.Index(F("status").desc(), "due_date", "id", name="plans_task_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                name="plans_task_done_has_date",
                condition=Q(status="open") | Q(completed_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_date < (on or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def done_on_time(self) -> bool:
        return self.status == self.Status.DONE and self.completed_on is not None and self.completed_on <= self.due_date


class TaskCount(models.Model):
    """The tasks of an inspector due on one day, per office and zone, and how many of them are done
    and done on time: what completion tables add up (overdue is still derived from the due date on
    the day asked). The task services move each task's count in the same transaction as the task;
    ``dudao recount`` recounts every line from the tasks."""

    office = models.ForeignKey("organizations.Office", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("office"))
    inspector = models.ForeignKey("inspectors.Inspector", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("inspector"), db_index=False)  # the key below leads with it
    zone_key = models.PositiveIntegerField(_("zone"), help_text=_("0 for tasks counted for no zone."))
    due_date = models.DateField(_("due date"), db_index=False)  # the covering index below leads with it
    tasks = models.PositiveIntegerField(_("tasks"), default=0)
    completed = models.PositiveIntegerField(_("done"), default=0)
    completed_on_time = models.PositiveIntegerField(_("done on time"), default=0)

    scope_region = "office__region__path"
    scope_school = None
    scope_rules = (rules.office(scope_region, on=rules.VIEW), rules.own("inspector__user", on=rules.VIEW),
                   rules.zones("zone_key", on=rules.VIEW))
    objects = ScopedManager()
    tally_source = "plans.Task"

    class Meta:
        verbose_name = _("tasks of a day")
        verbose_name_plural = _("tasks of a day")
        constraints = [models.UniqueConstraint(fields=["inspector", "due_date", "office", "zone_key"],
                                               name="plans_taskcount_once")]
        # a term's lines read from the index alone on PostgreSQL (a province's dashboard: 16 000 lines
        # scattered over 4 400 pages, 10.7 → 2.7 ms); elsewhere a plain index on the day
        indexes = [models.Index(fields=["due_date"], name="plans_taskcount_due_covering",
                                include=["office", "inspector", "zone_key", "tasks", "completed",
                                         "completed_on_time"])]

    def __str__(self) -> str:
        return f"{self.inspector_id} {self.due_date}: {self.completed}/{self.tasks}"

    @staticmethod
    def line_of(task) -> tuple[dict, dict]:
        return ({"office_id": task.office_id, "inspector_id": task.inspector_id, "zone_key": task.zone_id or 0,
                 "due_date": task.due_date},
                {"tasks": 1, "completed": int(task.status == Task.Status.DONE), "completed_on_time": int(task.done_on_time)})

    @staticmethod
    def tally_lines(tasks):
        done = Q(status=Task.Status.DONE)
        return (tasks.values("office_id", "inspector_id", "due_date",
                             zone_key=Coalesce("zone", 0, output_field=models.IntegerField()))
                .annotate(tasks=Count("pk"), completed=Count("pk", filter=done),
                          completed_on_time=Count("pk", filter=done & Q(completed_on__lte=F("due_date"))))
                .order_by())
