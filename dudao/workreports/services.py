"""Writing work reports: draft from the records, submit the finished .docx, return or accept.

* ``report_draft``: the author (or the office for an inspector without a login) has the report of
  a month, term or year drafted from the records as a .docx and PDF (a ``work_report`` document);
  drafting again while the report is a draft or returned makes a new draft from today's records.
* ``report_submit``: the author uploads the finished .docx (a real Word document, at most 20 MB);
  it is filed as a document and the office is told.
* ``report_return`` (with the reason) and ``report_accept``: the office's review; the author is told.

Each service checks scope (404), authorship or review right (403) and state (409), writes one
audit record and notifies after commit.
"""

import datetime
from collections import Counter
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import offices_of, sees_everything
from dudao.accounts.models import Role, User
from dudao.accounts.recipients import holders, office_people
from dudao.audit.services import model_save, record
from dudao.core.review import Review, required_comment
from dudao.core.scope import ancestor_paths
from dudao.core.workflow import TransitionNotAllowed
from dudao.documents.render import PdfUnavailable
from dudao.documents.services import document_file_upload, document_generate, read_docx_upload
from dudao.inspectors.models import Inspector, Listing
from dudao.notifications.models import Kind as MessageKind
from dudao.notifications.services import notify, reminder_send, reminder_window
from dudao.organizations.models import Office, Zone, ZoneMembership
from dudao.workreports import charts, drafting
from dudao.workreports.documents import KIND, report_context
from dudao.workreports.models import Level, PeriodKind, Report, ReportPolicy, period_bounds, period_label
from dudao.workreports.selectors import may_author, policy_for, report_may_author, report_may_review

__all__ = ["report_draft", "report_submit", "report_return", "report_accept", "report_policy_set",
           "report_reminders_send", "REPORT_TRANSITION_SERVICES"]

TITLE_WORDS = {PeriodKind.MONTH: "督导工作报告", PeriodKind.TERM: "督导工作总结", PeriodKind.YEAR: "督导工作总结"}


# ---- helpers ---------------------------------------------------------------------------------------

def primary_zone(inspector: Inspector, on: datetime.date) -> Zone | None:
    """The zone the inspector mostly works in on ``on``: the zone of most of their listed schools."""
    schools = list(Listing.objects.current(on).filter(inspector=inspector).values_list("school_id", flat=True))  # scope: the inspector the caller reached
    zones = Counter(ZoneMembership.objects.current(on).filter(school_id__in=schools)  # scope: as above
                    .values_list("zone_id", flat=True))
    if not zones:
        return None
    zone_id = min(zones.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return Zone.objects.get(pk=zone_id)  # scope: a zone of the inspector's own schools


def _reviewers(report: Report) -> list[User]:
    """The office that receives the report: its own office, or for an office's report the office above."""
    office = report.office
    if report.level == Level.OFFICE:
        parent = office.region.parent
        above = Office.objects.filter(region__path__in=ancestor_paths(parent.path)).order_by(  # scope: the offices above a report the actor reached
            "-region__level").first() if parent else None
        return office_people(above.pk) if above else []
    return office_people(office.pk)


def _authors(report: Report) -> list[User]:
    people = [report.author]
    if report.level == Level.INSPECTOR and report.inspector.user_id:
        people.append(report.inspector.user)
    return [p for p in people if p is not None and p.is_active]


def _subject(actor, level: str, office_id, zone_id, inspector_id):
    """The subject's rows through the actor's scope (404 outside it)."""
    zone = inspector = None
    if level == Level.INSPECTOR:
        if inspector_id is None:
            inspector = Inspector.objects.filter(user_id=actor.pk).select_related("office__region").first()  # scope: the actor's own record
            if inspector is None:
                raise ValidationError({"inspector": [_("Your account is not linked to an inspector.")]})
        else:
            inspector = Inspector.objects.for_user(actor).select_related("office__region").get(pk=inspector_id)
        office = inspector.office
    elif level == Level.ZONE:
        if zone_id is None:
            raise ValidationError({"zone": [_("Choose the zone.")]})
        zone = Zone.objects.for_user(actor).select_related("office__region").get(pk=zone_id)
        office = zone.office
    elif level == Level.OFFICE:
        ids = sorted(offices_of(actor)) if office_id is None else [office_id]
        office = Office.objects.for_user(actor).select_related("region").filter(pk__in=ids).first()
        if office is None:
            raise ValidationError({"office": [_("Choose the office.")]})
    else:
        raise ValidationError({"level": [_("Unknown level.")]})
    return office, zone, inspector


def _title(name: str, kind: str, start: datetime.date) -> str:
    return f"{name}{period_label(kind, start)}{TITLE_WORDS[kind]}"


# ---- drafting ----------------------------------------------------------------------------------------

@transaction.atomic
def report_draft(*, actor, level: str, period_kind: str, period_start: datetime.date, office_id: int | None = None,
                 zone_id: int | None = None, inspector_id: int | None = None, pdf: bool = True,
                 on: datetime.date | None = None) -> Report:
    """Drafts (or drafts again) the report of a subject for a month, term or year from the records.

    ``period_start`` may be any day of the period. The report row is made on the first draft with
    its due date from the office's rule (``ReportPolicy``); a submitted or accepted report is not
    drafted again (409). The draft is a ``work_report`` document filed in the archive.
    """
    if not actor.has_perm("workreports.add_report"):
        raise PermissionDenied
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period_kind": [_("Choose month, term or year.")]})
    today = on or timezone.localdate()
    start, end = period_bounds(period_kind, period_start)
    if start > today:
        raise ValidationError({"period_start": [_("The period has not started yet.")]})
    office, zone, inspector = _subject(actor, level, office_id, zone_id, inspector_id)
    if not may_author(user=actor, level=level, office=office, zone=zone, inspector=inspector):
        raise PermissionDenied

    same = Report.objects.select_for_update(of=("self",)).filter(level=level, period_kind=period_kind,
                                                                 period_start=start)
    same = (same.filter(inspector=inspector) if level == Level.INSPECTOR
            else same.filter(zone=zone) if level == Level.ZONE else same.filter(office=office))
    report = same.first()
    if report is not None and report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise TransitionNotAllowed(_("This report was submitted already; it can be drafted again only once returned."))
    creating = report is None
    if creating:
        name = inspector.name if inspector else zone.name if zone else office.name
        report = Report.objects.create(
            level=level, office=office, period_kind=period_kind, period_start=start, period_end=end,
            zone=zone if level == Level.ZONE else (primary_zone(inspector, min(end, today)) if inspector else None),
            inspector=inspector, due_on=policy_for(office).due_on(period_kind, start),
            title=_title(name, period_kind, start), author=actor,
        )

    summary = drafting.period_summary(user=actor, level=level, office=office, zone=zone, inspector=inspector,
                                      start=start, end=end, on=today)
    context = report_context(summary, title=report.title, period_kind=period_kind,
                             period_label=period_label(period_kind, start), date=today,
                             charts=charts.report_charts(summary))
    generate = partial(document_generate, actor=actor, kind=KIND, context=context, office=office,
                       title=f"{report.title}（初稿）", zone=report.zone, inspector=inspector, date=today, subject=report)
    try:
        document = generate(pdf=pdf)
    except PdfUnavailable:
        document = generate(pdf=False)  # without LibreOffice the editable .docx is still drafted
    old = report.draft_id
    report.draft = document
    report.save(update_fields=["draft", "updated_at"])
    changes = {"draft": [old, document.pk]}
    if creating:
        changes.update({"status": [None, report.status], "level": [None, level], "period_kind": [None, period_kind],
                        "period_start": [None, start], "due_on": [None, report.due_on]})
    record(actor=actor, action=f"reports.report.{'create' if creating else 'redraft'}", target=report, changes=changes)
    return report


# ---- the workflow ------------------------------------------------------------------------------------

def _locked(actor, report_id: int) -> Report:
    return (Report.objects.for_user(actor).select_for_update(no_key=True, of=("self",))
            .select_related("office__region__parent", "zone", "inspector__user", "author").get(pk=report_id))


REVIEW = Review(action="reports.report", record=record, notify=notify)


def report_submit(*, actor, report_id: int, uploaded_file, comment: str = "", pdf: bool = True) -> Report:
    """Submits the finished report: the uploaded .docx is checked (before the transaction), filed as a
    document, and the office (for an office's report, the office above) is told."""
    upload = read_docx_upload(uploaded_file)
    with transaction.atomic():
        report = _locked(actor, report_id)

        def attach(report):
            name = getattr(uploaded_file, "name", "") or f"{report.title}.docx"
            document = document_file_upload(
                actor=actor, kind=KIND, upload=upload, filename=name, office=report.office, title=report.title,
                zone=report.zone, inspector=report.inspector, subject=report, pdf=pdf,
            )
            previous, report.submitted = report.submitted_id, document
            return {"submitted": [previous, document.pk], "late": [None, report.is_late()]}

        REVIEW.submit(report, actor=actor, reason=comment.strip(), allowed=report_may_author(user=actor, report=report),
                      attach=attach)
        REVIEW.tell(_reviewers(report), _("Report submitted: {title}").format(title=report.title),
                    _("Submitted after the due date.") if report.is_late() else comment.strip(),
                    report.get_absolute_url(), actor=actor)
        return report


def _review(actor, report_id: int, name: str, comment: str) -> Report:
    report = _locked(actor, report_id)
    return REVIEW.step(report, name, actor=actor, comment=comment, allowed=report_may_review(user=actor, report=report))


@transaction.atomic
def report_return(*, actor, report_id: int, reason: str) -> Report:
    """Sends a submitted report back to its author with what to change (the reason is required)."""
    reason = required_comment(reason)
    report = _review(actor, report_id, "return", reason)
    REVIEW.tell(_authors(report), _("Report returned: {title}").format(title=report.title), reason,
                report.get_absolute_url(), actor=actor)
    return report


@transaction.atomic
def report_accept(*, actor, report_id: int, reason: str = "") -> Report:
    """Accepts a submitted report and files it as final."""
    report = _review(actor, report_id, "accept", (reason or "").strip())
    REVIEW.tell(_authors(report), _("Report accepted: {title}").format(title=report.title), report.review_comment,
                report.get_absolute_url(), actor=actor)
    return report


REPORT_TRANSITION_SERVICES = {"return": report_return, "accept": report_accept}


# ---- the office's rule ------------------------------------------------------------------------------

@transaction.atomic
def report_policy_set(*, actor, office_id: int, month_due_day: int, term_due_days: int,
                      year_due_days: int) -> ReportPolicy:
    """Sets when the office's reports fall due; reports drafted later take the new dates."""
    office = Office.objects.for_user(actor).select_related("region").get(pk=office_id)
    if not (actor.has_perm("workreports.change_reportpolicy") and (
            sees_everything(actor) or office.pk in offices_of(actor))):
        raise PermissionDenied
    if not 1 <= int(month_due_day) <= 28:
        raise ValidationError({"month_due_day": [_("Choose a day between 1 and 28.")]})
    for name, value in (("term_due_days", term_due_days), ("year_due_days", year_due_days)):
        if not 0 <= int(value) <= 120:
            raise ValidationError({name: [_("Choose between 0 and 120 days.")]})
    policy = ReportPolicy.objects.select_for_update().filter(office=office).first() or ReportPolicy(office=office)  # scope: the office above
    policy.month_due_day, policy.term_due_days, policy.year_due_days = month_due_day, term_due_days, year_due_days
    # the code due dates were logged under before work reports had their own app (audit.actions.MOVED)
    return model_save(actor=actor, instance=policy, action_prefix="reports.reportpolicy")



# ---- reminders -----------------------------------------------------------------------------------------

def _periods_due(policy: ReportPolicy, first: datetime.date, last: datetime.date) -> list[tuple[str, datetime.date]]:
    """The (kind, start) of the months, terms and years whose report falls due from ``first`` to ``last``
    under ``policy`` (a summary is due at most 120 days after its period ends)."""
    starts = set()
    for back in range(0, 160, 20):
        day = first - datetime.timedelta(days=back)
        starts |= {(kind, period_bounds(kind, day)[0]) for kind in PeriodKind.values}
    return sorted((kind, start) for kind, start in starts if first <= policy.due_on(kind, start) <= last)


def report_reminders_send(*, on: datetime.date | None = None) -> list:
    """Reminds each active inspector (their account) and each active zone (its leaders) of a monthly
    report, term or year summary falling due in at most three calendar days and not yet submitted (a
    returned one is back with its author), once per report and due date (``dudao notify reminders``).
    The subjects are those of the office's table of reports due (``selectors.report_status``)."""
    on, last = reminder_window(on)
    inspectors = list(Inspector.objects.filter(status=Inspector.Status.ACTIVE, user__is_active=True)  # scope: the daily job, every office
                      .select_related("user").order_by("office_id", "sort_key", "pk"))
    zones = list(Zone.objects.filter(is_active=True).order_by("office_id", "number", "pk"))  # scope: as above
    offices = {s.office_id for s in [*inspectors, *zones]}
    policies = {p.office_id: p for p in ReportPolicy.objects.filter(office_id__in=offices)}  # scope: as above
    due = {office_id: _periods_due(policies.get(office_id) or ReportPolicy(office_id=office_id), on, last)
           for office_id in offices}
    starts = sorted({start for periods in due.values() for _kind, start in periods})
    reports = {(r.level, r.inspector_id or r.zone_id, r.period_kind, r.period_start): r
               for r in Report.objects.filter(level__in=(Level.INSPECTOR, Level.ZONE), period_start__in=starts)}  # scope: as above
    sent = []
    for level, subjects in ((Level.INSPECTOR, inspectors), (Level.ZONE, zones)):
        for subject in subjects:
            for kind, start in due[subject.office_id]:
                report = reports.get((level, subject.pk, kind, start))
                if report is not None and report.submitted_at and report.status != Report.Status.RETURNED:
                    continue
                # a drafted report keeps the due date it was drafted with
                due_on = report.due_on if report else (policies.get(subject.office_id) or ReportPolicy()).due_on(kind, start)
                if not on <= due_on <= last:
                    continue
                people = ([subject.user] if level == Level.INSPECTOR
                          else holders(Q(role=Role.ZONE_LEADER, zone_id=subject.pk), on))
                title = _("Report due {date}: {title}").format(date=formats.date_format(due_on, "DATE_FORMAT"),
                                                               title=_title(subject.name, kind, start))
                url = report.get_absolute_url() if report else reverse("workreports:report_add")
                reminder = reminder_send(kind=MessageKind.REPORT_DUE, deadline=due_on, recipients=people,
                                         subject=f"workreports.report:{level}:{subject.pk}:{kind}:{start.isoformat()}",
                                         title=title, url=url)
                if reminder is not None:
                    sent.append(reminder)
    return sent
