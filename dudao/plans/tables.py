"""Columns of the work plan and task lists: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import Column


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
    Column("title", gettext_lazy("Title"), order_by="title", link=True),
    Column("level", gettext_lazy("Level"), order_by="level"),
    Column(_owner, gettext_lazy("Whose plan")),
    Column("year", gettext_lazy("Year"), order_by="year"),
    Column("term", gettext_lazy("Period"), order_by="term"),
    Column("status", gettext_lazy("Status"), order_by="status"),
    Column("submitted_at", gettext_lazy("Submitted"), order_by="submitted_at"),
    Column(_reviewer, gettext_lazy("Reviewed by")),
    Column("reviewed_at", gettext_lazy("Reviewed"), order_by="reviewed_at"),
]


TASK_COLUMNS = [
    Column("title", gettext_lazy("Title"), order_by="title", link=True),
    Column("kind", gettext_lazy("Kind"), order_by="kind"),
    Column("inspector.name", gettext_lazy("Inspector"), order_by="inspector__sort_key"),
    Column("school.name", gettext_lazy("School")),
    Column("zone.name", gettext_lazy("Zone"), order_by="zone__number"),
    Column("due_date", gettext_lazy("Due date"), order_by="due_date"),
    Column("status", gettext_lazy("Status"), order_by="status"),
    Column(_overdue, gettext_lazy("Overdue")),
    Column("completed_on", gettext_lazy("Completed on"), order_by="completed_on"),
]
