"""Columns of the supervision loop's list pages: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.core.tables import OVERDUE_COLUMNS, SCHOOL_COLUMN, STATUS_COLUMN, Column
from dudao.inspections.models import Method, Rectification
from dudao.inspections.services.findings import item_name


def _methods(visit) -> str:
    labels = dict(Method.choices)
    return "、".join(str(labels.get(m, m)) for m in visit.methods or [])


def _lessons(visit) -> int:
    return visit.lesson_count


def _checkin(visit):
    if visit.checkin_status == visit.CheckinStatus.WITHIN:
        return _("Checked in {distance} m from the school").format(distance=visit.checkin_distance_m)
    if visit.checkin_status == visit.CheckinStatus.TOO_FAR:
        return _("{distance} m from the school (beyond {radius} m)").format(
            distance=visit.checkin_distance_m, radius=visit.checkin_radius_m)
    return visit.get_checkin_status_display()


VISIT_COLUMNS = [
    Column("date", gettext_lazy("Date"), order_by="date", link=True),
    SCHOOL_COLUMN,
    Column("inspector.name", gettext_lazy("Inspector"), order_by="inspector__sort_key"),
    Column("kind", gettext_lazy("Kind"), order_by="kind"),
    Column(_methods, gettext_lazy("Methods")),
    Column("purpose", gettext_lazy("Purpose")),
    STATUS_COLUMN,
    Column(_checkin, gettext_lazy("Check-in"), order_by="checkin_status"),
    Column(_lessons, gettext_lazy("Lessons observed"), order_by="lesson_count"),
]


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _finding_description(finding):
    return _short(finding.description)


def _finding_item(finding):
    """The checklist item by its name; a finding tied to no item shows the code it was given."""
    return item_name(finding.item.text) if finding.item_id else finding.item_code


def _notice_requirements(rectification):
    return _short(rectification.requirements)


def _notice_status(finding):
    status = getattr(finding, "notice_status", None)
    return Rectification.Status(status).label if status else ""


FINDING_COLUMNS = [
    Column("found_on", gettext_lazy("Found on"), order_by="found_on", link=True),
    SCHOOL_COLUMN,
    Column(_finding_item, gettext_lazy("Checklist item"), order_by="item_code"),
    Column("severity", gettext_lazy("Severity"), order_by="severity"),
    Column(_finding_description, gettext_lazy("Description"), export=False),
    Column("description", gettext_lazy("Description"), html=False),
    Column("inspector_name", gettext_lazy("Inspector")),
    Column(_notice_status, gettext_lazy("Notice")),
]


# the first columns of every list of notices
_NOTICE_COLUMNS = [
    Column("number", gettext_lazy("Notice number"), order_by="number", link=True),
    SCHOOL_COLUMN,
    Column("zone_name", gettext_lazy("Zone"), order_by="zone_name"),
    Column("inspector_name", gettext_lazy("Inspector"), order_by="inspector_name"),
    Column("finding.severity", gettext_lazy("Severity"), order_by="finding__severity"),
]

RECTIFICATION_COLUMNS = [
    *_NOTICE_COLUMNS,
    Column(_notice_requirements, gettext_lazy("Requirements"), export=False),
    Column("requirements", gettext_lazy("Requirements"), html=False),
    Column("issued_on", gettext_lazy("Issued on"), order_by="issued_on"),
    Column("deadline", gettext_lazy("Deadline"), order_by="deadline"),
    STATUS_COLUMN,
    *OVERDUE_COLUMNS,
]


OVERDUE_COLUMNS = [
    *_NOTICE_COLUMNS,
    Column("deadline", gettext_lazy("Deadline"), order_by="deadline"),
    STATUS_COLUMN,
    Column("answer_count", gettext_lazy("Answers"), order_by="answer_count"),
    Column("escalation_count", gettext_lazy("Escalations"), order_by="escalation_count"),
]
