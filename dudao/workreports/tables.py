"""Columns of the work report list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.core.tables import STATUS_COLUMN, TITLE_COLUMN, Column


def owner(report):
    return report.owner_name


def period(report):
    return report.period_label


def timeliness(report):
    if report.submitted_at:
        return _("Late") if report.is_late() else _("On time")
    return _("Overdue") if report.is_overdue() else ""


REPORT_COLUMNS = [
    TITLE_COLUMN,
    Column("level", gettext_lazy("Level"), order_by="level"),
    Column(owner, gettext_lazy("Whose report")),
    Column("period_kind", gettext_lazy("Kind"), order_by="period_kind"),
    Column(period, gettext_lazy("Period")),
    Column("due_on", gettext_lazy("Due on"), order_by="due_on"),
    STATUS_COLUMN,
    Column("submitted_at", gettext_lazy("Submitted"), order_by="submitted_at"),
    Column(timeliness, gettext_lazy("On time")),
    Column("author", gettext_lazy("Author")),
]
