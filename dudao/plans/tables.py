"""Columns of the work plan and task lists: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import STATUS_COLUMN, TITLE_COLUMN, YEAR_COLUMN, Column


def _owner(plan):
    return plan.owner_name


_owner.__name__ = "owner"


def _reviewer(plan):
    return str(plan.reviewed_by) if plan.reviewed_by_id else ""


_reviewer.__name__ = "reviewed_by"


def _overdue(task):
    return task.overdue


_overdue.__name__ = "overdue"


WORK_PLAN_COLUMNS = [
    TITLE_COLUMN,
    Column("level", gettext_lazy("Level"), order_by="level"),
    Column(_owner, gettext_lazy("Whose plan")),
    YEAR_COLUMN,
    Column("term", gettext_lazy("Period"), order_by="term"),
    STATUS_COLUMN,
    Column("submitted_at", gettext_lazy("Submitted"), order_by="submitted_at"),
    Column(_reviewer, gettext_lazy("Reviewed by")),
    Column("reviewed_at", gettext_lazy("Reviewed"), order_by="reviewed_at"),
]


TASK_COLUMNS = [
    TITLE_COLUMN,
    Column("kind", gettext_lazy("Kind"), order_by="kind"),
    Column("inspector.name", gettext_lazy("Inspector"), order_by="inspector__sort_key"),
    Column("school.name", gettext_lazy("School")),
    Column("zone.name", gettext_lazy("Zone"), order_by="zone__number"),
    Column("due_date", gettext_lazy("Due date"), order_by="due_date"),
    STATUS_COLUMN,
    Column(_overdue, gettext_lazy("Overdue")),
    Column("completed_on", gettext_lazy("Completed on"), order_by="completed_on"),
]
