"""Scoped reads of work reports: the lists, who writes and who reviews a report, its history, and
the office's table of reports due, submitted on time, submitted late and missing."""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dudao.accounts.access import acts_for_office, offices_of, oversees_region, sees_everything, zones_of
from dudao.audit.models import AuditEvent
from dudao.inspectors.models import Inspector
from dudao.organizations.models import Office, Zone
from dudao.workreports.models import Level, PeriodKind, Report, ReportPolicy, period_bounds, period_label

REPORT_RELATED = ("office", "zone", "inspector", "author", "reviewed_by", "draft", "submitted")


def report_list(*, user):
    """Reports the user may see, with what the list, the export and the API show."""
    return Report.objects.for_user(user).select_related(*REPORT_RELATED)


def report_get(*, user, pk: int) -> Report:
    """One report in the user's scope (``DoesNotExist`` otherwise, i.e. 404)."""
    return Report.objects.for_user(user).select_related("office__region", "inspector__user", *REPORT_RELATED).get(pk=pk)


def _office_over(user, office: Office, *, strictly: bool = False) -> bool:
    """Whether one of the user's offices is ``office`` (unless ``strictly``) or above it."""
    return oversees_region(user, office.region.path, strictly=strictly)


def may_author(*, user, level: str, office: Office, zone: Zone | None = None,
               inspector: Inspector | None = None) -> bool:
    """Whether ``user`` writes the report of this subject.

    An inspector writes their own; the office writes it for an inspector without a login
    account (a paper report typed in). A zone's report is written by its leader or the office;
    an office's by its own staff.
    """
    if not user.is_authenticated or not user.has_perm("workreports.add_report"):
        return False
    if level == Level.INSPECTOR:
        if inspector.user_id is not None:
            return inspector.user_id == user.pk
        return _office_over(user, office)
    if level == Level.ZONE:
        return zone.pk in zones_of(user) or _office_over(user, office)
    return sees_everything(user) or (acts_for_office(user) and office.pk in offices_of(user))


def report_may_author(*, user, report: Report) -> bool:
    return may_author(user=user, level=report.level, office=report.office, zone=report.zone,
                      inspector=report.inspector)


def report_may_review(*, user, report: Report) -> bool:
    """The office accepts or returns a report (an office's own report goes to the office above it)."""
    if not user.has_perm("workreports.review_report"):
        return False
    return _office_over(user, report.office, strictly=report.level == Level.OFFICE)


def report_transitions(*, user, report: Report) -> list[str]:
    """The transitions the page offers ``user`` on ``report`` now."""
    out = []
    if report.status in Report.TRANSITIONS["submit"].sources and report_may_author(user=user, report=report) \
            and user.has_perm(Report.TRANSITIONS["submit"].permission):
        out.append("submit")
    if report.status == Report.Status.SUBMITTED and report_may_review(user=user, report=report):
        out += ["accept", "return"]
    return out


def report_history(*, user, report: Report) -> list[AuditEvent]:
    """The audit events of a report the user can see, oldest first."""
    if not Report.objects.for_user(user).filter(pk=report.pk).exists():
        return []
    ct = ContentType.objects.get_for_model(Report)  # scope: the model's type, no row
    events = list(AuditEvent.objects.filter(target_ct=ct, target_id=str(report.pk))  # scope: the report above
                  .select_related("actor").order_by("seq"))
    states = dict(Report.Status.choices)
    for event in events:
        event.label = HISTORY_LABELS.get(event.action.rsplit(".", 1)[-1], event.action)
        old, new = (event.changes.get("status") or [None, None])[:2]
        event.status_change = (states.get(old, ""), states.get(new, "")) if new else None
    return events


HISTORY_LABELS = {
    "create": gettext_lazy("Drafted from the records"),
    "redraft": gettext_lazy("Drafted again"),
    "submit": gettext_lazy("Submitted"),
    "return": gettext_lazy("Returned"),
    "accept": gettext_lazy("Accepted"),
}


def policy_for(office: Office) -> ReportPolicy:
    """The office's due-date rule, or the defaults when it set none."""
    return ReportPolicy.objects.filter(office=office).first() or ReportPolicy(office=office)  # scope: the office's own rule


# ---- who may draft which report -------------------------------------------------------------------

def authorable_subjects(*, user) -> dict:
    """The inspectors, zones and offices whose reports ``user`` may draft (for the form's choices)."""
    if not user.is_authenticated or not user.has_perm("workreports.add_report"):
        return {"inspectors": [], "zones": [], "offices": []}
    inspectors = Inspector.objects.for_user(user).select_related("office__region").filter(
        status=Inspector.Status.ACTIVE)
    if acts_for_office(user):
        inspectors = inspectors.filter(Q(user=user) | Q(user__isnull=True))
    else:
        inspectors = inspectors.filter(user=user)
    zones = Zone.objects.for_user(user).select_related("office__region").filter(is_active=True)
    if not acts_for_office(user):
        zones = zones.filter(pk__in=sorted(zones_of(user)))
    offices = Office.objects.for_user(user).select_related("region")
    if not sees_everything(user):
        offices = offices.filter(pk__in=sorted(offices_of(user))) if acts_for_office(user) else offices.none()
    return {
        "inspectors": [i for i in inspectors.order_by("sort_key") if may_author(
            user=user, level=Level.INSPECTOR, office=i.office, inspector=i)],
        "zones": [z for z in zones.order_by("office_id", "number", "pk") if may_author(
            user=user, level=Level.ZONE, office=z.office, zone=z)],
        "offices": [o for o in offices.order_by("region__path") if may_author(user=user, level=Level.OFFICE, office=o)],
    }


# ---- the office's table of reports due -------------------------------------------------------------

class CellState:
    NOT_DUE = "not_due"
    DUE = "due"
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    LABELS = {
        NOT_DUE: gettext_lazy("Not yet due"),
        DUE: gettext_lazy("Due"),
        ON_TIME: gettext_lazy("Submitted on time"),
        LATE: gettext_lazy("Submitted late"),
        OVERDUE: gettext_lazy("Overdue / missing"),
    }
    ORDER = (ON_TIME, LATE, DUE, OVERDUE, NOT_DUE)
    CSS = {NOT_DUE: "", DUE: "bg-yellow-lt", ON_TIME: "bg-green-lt", LATE: "bg-orange-lt", OVERDUE: "bg-red-lt"}


@dataclass
class StatusColumn:
    kind: str
    start: datetime.date
    end: datetime.date
    due_on: datetime.date
    label: str


@dataclass
class StatusCell:
    state: str
    due_on: datetime.date
    report: Report | None = None

    @property
    def label(self):
        return CellState.LABELS[self.state]

    @property
    def css(self) -> str:
        return CellState.CSS[self.state]


@dataclass
class StatusRow:
    level: str
    subject: object
    cells: list[StatusCell] = field(default_factory=list)


def cell_state(report: Report | None, due_on: datetime.date, end: datetime.date, on: datetime.date) -> str:
    """Where a report stands on ``on``: submitted on time or late (the last submission counts,
    a returned report is back with its author), not yet due (the period runs), due (the period
    ended, the due date not passed), or overdue (the due date passed without a submission)."""
    if report is not None and report.submitted_at and report.status != Report.Status.RETURNED:
        return CellState.LATE if report.submitted_on() > due_on else CellState.ON_TIME
    if on <= end:
        return CellState.NOT_DUE
    return CellState.DUE if on <= due_on else CellState.OVERDUE


def status_columns(*, policy: ReportPolicy, year: int, term: str | None) -> list[StatusColumn]:
    """Months of the year (and the year summary), or of a term (and the term summary)."""
    if term == "spring":
        months = [datetime.date(year, m, 1) for m in range(2, 8)]
        summary = (PeriodKind.TERM, datetime.date(year, 2, 1))
    elif term == "autumn":
        months = [datetime.date(year, m, 1) for m in range(9, 13)] + [datetime.date(year + 1, 1, 1)]
        summary = (PeriodKind.TERM, datetime.date(year, 9, 1))
    else:
        months = [datetime.date(year, m, 1) for m in range(1, 13)]
        summary = (PeriodKind.YEAR, datetime.date(year, 1, 1))
    out = []
    for kind, start in [*((PeriodKind.MONTH, m) for m in months), summary]:
        first, last = period_bounds(kind, start)
        label = f"{start.month}月" if kind == PeriodKind.MONTH else str(PeriodKind(kind).label)
        out.append(StatusColumn(kind, first, last, policy.due_on(kind, first), label))
    return out


def report_status(*, user, office_id: int, year: int, term: str | None = None,
                  on: datetime.date | None = None) -> dict:
    """The office's inspectors and zones × the periods of a year or term, each cell with its state,
    and the count of each state. Four queries whatever the number of inspectors and reports."""
    if not (acts_for_office(user) and user.has_perm("workreports.view_report")):
        raise PermissionDenied
    on = on or timezone.localdate()
    office = Office.objects.for_user(user).select_related("region").get(pk=office_id)
    policy = policy_for(office)
    columns = status_columns(policy=policy, year=year, term=term)
    inspectors = list(Inspector.objects.for_user(user).filter(office=office, status=Inspector.Status.ACTIVE)
                      .order_by("sort_key", "pk"))
    zones = list(Zone.objects.for_user(user).filter(office=office, is_active=True).order_by("number", "pk"))
    reports = Report.objects.for_user(user).filter(
        office=office, level__in=(Level.INSPECTOR, Level.ZONE),
        period_start__in=sorted({c.start for c in columns}),
    )
    found = {(r.level, r.inspector_id or r.zone_id, r.period_kind, r.period_start): r for r in reports}
    counts = dict.fromkeys(CellState.ORDER, 0)
    rows = []
    for level, subjects in ((Level.INSPECTOR, inspectors), (Level.ZONE, zones)):
        for subject in subjects:
            row = StatusRow(level, subject)
            for column in columns:
                report = found.get((level, subject.pk, column.kind, column.start))
                state = cell_state(report, column.due_on, column.end, on)
                counts[state] += 1
                row.cells.append(StatusCell(state, column.due_on, report))
            rows.append(row)
    return {
        "office": office, "policy": policy, "year": year, "term": term, "on": on, "columns": columns,
        "rows": rows, "counts": [(state, CellState.LABELS[state], counts[state], CellState.CSS[state])
                                 for state in CellState.ORDER],
        "title_period": period_label(PeriodKind.TERM, columns[-1].start) if term else f"{year}年",
    }


def status_office_choices(*, user):
    """The offices whose report table the user may open: their own offices and those below."""
    if not acts_for_office(user):
        return Office.objects.none()
    return Office.objects.for_user(user).select_related("region").order_by("region__path")
