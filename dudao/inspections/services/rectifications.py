"""The rectification loop: notice (整改通知书) → the school's answer → re-check (回头看) → closed or
returned; overdue notices escalate to the zone leader and the office.

The legal frame is 《教育督导条例》 第二十二条: "被督导单位应当根据督导意见书进行整改，并将整改情况报告
教育督导机构。教育督导机构应当对被督导单位的整改情况进行核查。" (STANDARDS §5.2), and the local
practice of STANDARDS §7.2 (整改清单, 回头看, 销号 only after acceptance). No national deadline
exists (STANDARDS §1.6): each office sets its default per severity (``DeadlinePolicy``).

Rules decided here (and shown in the interface):

* **Closing** (销号) needs the re-check result *rectified* (已整改). A *partial* (部分整改) or *not
  rectified* (未整改) result returns the notice to the school with reasons, which are required.
* **Escalation** (约谈 / 通报批评, 条例 第二十五条(三)) is recorded by the office on a notice that is
  overdue (past its deadline and still with the school) or returned after a failed re-check.
  It does not change the notice's state; the school still has to answer.
* **Numbers** follow ``DUDAO_RECTIFICATION_NUMBER_PATTERN`` (default ``{office}督整〔{year}〕{seq}号``),
  drawn from the office's sequence of that pattern in the year (``documents.numbering``: shared
  with any kind of document written with the same pattern, and entered in the office's register,
  so a number, also one typed by hand, names one notice); ``{office}`` is the office's county name
  without its last character (县/区/市), e.g. 甲县 → 甲督整〔2026〕1号.
* **Overdue** is derived from the deadline and the state, never stored. ``overdue_alerts_send``
  (the ``dudao escalate_overdue`` command) tells the zone leaders and the office once per overdue
  episode and keeps an ``OverdueAlert`` row as proof. Three calendar days before the deadline (the
  deadline is a date counted in calendar days) ``deadline_reminders_send`` (``dudao notify
  reminders``) reminds the school's liaisons and principal of a notice still with them, once per deadline.

Every transition goes through ``Rectification.TRANSITIONS`` and ``apply_transition``: a wrong
state raises ``TransitionNotAllowed`` (409), a missing permission or a notice the actor sees but
may not change (outside their change scope) ``PermissionDenied`` (403), a notice outside their
view scope ``DoesNotExist`` (404). Each service is atomic, writes its audit
event in the same transaction and notifies after commit.
"""

import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dudao.accounts.recipients import office_people, school_contacts, school_inspector_users, zone_leaders
from dudao.audit.services import record
from dudao.core.tally import tallied, tally_move
from dudao.core.workflow import TransitionNotAllowed, apply_transition, check_transition
from dudao.documents.numbering import number_next, number_register
from dudao.inspections.models import (
    DeadlinePolicy,
    Escalation,
    Finding,
    NoticeCount,
    OverdueAlert,
    Recheck,
    Rectification,
    RectificationResponse,
    Severity,
)
from dudao.inspections.services.attachments import attachment_store
from dudao.notifications.models import Kind as MessageKind
from dudao.notifications.services import notify, reminder_send, reminder_window
from dudao.organizations.models import Office, School
from dudao.organizations.selectors import office_of_school

__all__ = [
    "DEFAULT_NUMBER_PATTERN", "RECTIFICATION_TRANSITION_SERVICES", "deadline_days", "deadline_policy_set",
    "deadline_reminders_send", "default_deadline", "escalation_allowed", "office_of_school", "overdue_alerts_send", "rectification_close",
    "rectification_escalate", "rectification_escalation_check", "rectification_issue", "rectification_overdue_alert",
    "rectification_recheck", "rectification_return", "rectification_submit", "rectification_transition_check",
]

DEFAULT_NUMBER_PATTERN = "{office}督整〔{year}〕{seq}号"
MAX_DEADLINE_DAYS = 365


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _notify_later(recipients_fn, title: str, body: str, url: str, kind: str = MessageKind.OTHER) -> None:
    transaction.on_commit(lambda: notify(recipients=recipients_fn(), title=title, body=body, url=url, kind=kind))


# ---- deadlines and numbers ---------------------------------------------------------------------

def deadline_days(office, severity: str) -> int:
    """The office's days to rectify for a severity, or ``DeadlinePolicy.DEFAULT_DAYS`` (STANDARDS §1.6)."""
    if office is not None:
        policy = DeadlinePolicy.objects.filter(office=office, severity=severity).values_list("days", flat=True).first()
        if policy is not None:
            return policy
    return DeadlinePolicy.DEFAULT_DAYS.get(severity, DeadlinePolicy.DEFAULT_DAYS[Severity.GENERAL])


def default_deadline(finding: Finding, issued_on: datetime.date | None = None) -> datetime.date:
    """The deadline a notice on ``finding`` gets when the inspector leaves it empty."""
    issued_on = issued_on or timezone.localdate()
    return issued_on + datetime.timedelta(days=deadline_days(office_of_school(finding.school), finding.severity))


def _number(office, year: int, given: str, rectification: Rectification) -> str:
    """The number typed by hand, entered in the office's register (refused when taken), or the
    office's next number of the year."""
    if office is None:
        return given
    if given:
        return number_register(office=office, year=year, number=given, kind="rectification_notice",
                               subject=rectification)
    pattern = getattr(settings, "DUDAO_RECTIFICATION_NUMBER_PATTERN", DEFAULT_NUMBER_PATTERN)
    return number_next(office=office, year=year, pattern=pattern, kind="rectification_notice",
                       subject=rectification)


# ---- the notice --------------------------------------------------------------------------------

def _locked(actor, rectification_id: int) -> Rectification:
    """The notice, locked, from the actor's view scope (outside it: DoesNotExist → 404); whether
    they may change it is asked by ``apply_transition`` or ``_require_change`` (403)."""
    return (
        Rectification.objects.for_user(actor, "view").select_for_update(no_key=True, of=("self",))
        .get(pk=rectification_id)
    )


def _transition(rectification: Rectification, name: str, actor) -> dict:
    """Moves the notice and its count per status and deadline (``NoticeCount``) together."""
    with tallied(NoticeCount, rectification):
        return apply_transition(rectification, name, actor=actor)


def _require_change(actor, rectification: Rectification, permission: str) -> None:
    """403 unless ``actor`` holds ``permission`` and the notice lies in their change scope: the
    school answers its own notice, its inspectors re-check it, its own office escalates it (a
    city office watches its counties' notices)."""
    if not Rectification.objects.for_user(actor, "change", permission=permission).filter(pk=rectification.pk).exists():
        raise PermissionDenied


def rectification_transition_check(*, actor, rectification: Rectification, name: str) -> None:
    """Raises what ``apply_transition`` would (409 wrong state, 403 no permission or outside the
    change scope) without moving the notice; pages and the API call it before they validate the form."""
    try:
        check_transition(rectification, name, actor=actor)
    except TransitionNotAllowed:
        raise TransitionNotAllowed(_("A notice in the state “{state}” cannot do this.").format(
            state=rectification.get_status_display())) from None


def _check_date(value: datetime.date, *, field: str, not_before: datetime.date | None = None) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: [_("The date cannot be in the future.")]})
    if not_before is not None and value < not_before:
        raise ValidationError({field: [_("The date cannot be before the notice was issued.")]})


@transaction.atomic
def rectification_issue(*, actor, finding_id: int, requirements: str, deadline: datetime.date | None = None,
                        number: str | None = None, issued_on: datetime.date | None = None) -> Rectification:
    """Issues a rectification notice (整改通知书) on a finding, with a deadline (限期整改).

    条例 第二十一条/第二十二条: the office sets 限期整改要求; no national deadline exists (STANDARDS §1.6,
    §7.2), so an empty ``deadline`` is ``issued_on`` plus the office's days for the finding's
    severity (``DeadlinePolicy``, else ``DeadlinePolicy.DEFAULT_DAYS``). An empty ``number`` takes
    the office's next number of the year. A finding has at most one open notice: issuing a second
    answers 409. The school's liaisons and principal are notified.
    """
    if not actor.has_perm("inspections.add_rectification"):
        raise PermissionDenied
    finding = Finding.objects.select_for_update(no_key=True, of=("self",)).get_for_change(
        actor, finding_id, permission="inspections.add_rectification")
    if Rectification.objects.open().filter(finding=finding).exists():
        raise TransitionNotAllowed(_("This finding already has an open rectification notice."))
    requirements = (requirements or "").strip()
    if not requirements:
        raise ValidationError({"requirements": [_("State what the school must rectify.")]})
    issued_on = issued_on or timezone.localdate()
    _check_date(issued_on, field="issued_on")
    school = School.objects.select_related("region").get(pk=finding.school_id)
    office = office_of_school(school)
    if deadline is None:
        deadline = issued_on + datetime.timedelta(days=deadline_days(office, finding.severity))
    if deadline < issued_on:
        raise ValidationError({"deadline": [_("The deadline cannot be before the issue date.")]})
    rectification = Rectification.objects.create(
        finding=finding, school=school, number="", requirements=requirements, issued_on=issued_on,
        deadline=deadline, issued_by=actor,
    )
    tally_move(NoticeCount, None, NoticeCount.line_of(rectification))
    number = rectification.number = _number(office, issued_on.year, (number or "").strip(), rectification)
    rectification.save(update_fields=["number", "updated_at"])
    record(actor=actor, action="inspections.rectification.issue", target=rectification, changes={
        "status": [None, rectification.status], "finding": [None, finding.pk], "number": [None, number],
        "issued_on": [None, issued_on], "deadline": [None, deadline],
    })
    _notify_later(
        partial(school_contacts, school.pk),
        _("Rectification notice {number}: rectify by {deadline}").format(number=rectification,
                                                                          deadline=_date(deadline)),
        requirements, rectification.get_absolute_url(), MessageKind.NEW_NOTICE,
    )
    return rectification


@transaction.atomic
def rectification_submit(*, actor, rectification_id: int, measures: str, files=()) -> Rectification:
    """The school answers a notice (整改报告): measures taken and evidence files (条例 第二十二条:
    "并将整改情况报告教育督导机构"). Runs from *issued* or *returned*; the school's liaison or
    principal only. The listed inspector and the issuer are notified."""
    rectification = _locked(actor, rectification_id)
    change = _transition(rectification, "submit", actor)
    measures = (measures or "").strip()
    if not measures:
        raise ValidationError({"measures": [_("Describe the measures taken.")]})
    response = RectificationResponse.objects.create(rectification=rectification, measures=measures,
                                                    submitted_by=actor)
    stored = [attachment_store(actor=actor, school=rectification.school_id, uploaded_file=f, response=response)
              for f in files]
    record(actor=actor, action="inspections.rectification.submit", target=rectification,
           changes={**change, "response": [None, response.pk], "files": [0, len(stored)]}, reason=measures[:500])
    issuer_id, school_id = rectification.issued_by_id, rectification.school_id

    def recipients():
        users = school_inspector_users(school_id)
        issuer = get_user_model().objects.filter(pk=issuer_id, is_active=True).first()
        return users + ([issuer] if issuer else [])

    _notify_later(recipients, _("The school answered notice {number}").format(number=rectification),
                  measures, rectification.get_absolute_url())
    return rectification


@transaction.atomic
def rectification_recheck(*, actor, rectification_id: int, result: str, remarks: str = "", close: bool,
                          checked_on: datetime.date | None = None) -> Rectification:
    """Re-checks the school's answer (回头看 / 核查, 条例 第二十二条) and closes or returns the notice.

    ``close=True`` runs the *close* transition and needs ``result == "rectified"`` (销号 only after
    acceptance, STANDARDS §7.2). ``close=False`` runs *return*, needs a *partial* or *not
    rectified* result and the reasons in ``remarks``; the notice goes back to the school, whose
    liaisons and principal are notified either way.
    """
    rectification = _locked(actor, rectification_id)
    name = "close" if close else "return"
    change = _transition(rectification, name, actor)
    remarks = (remarks or "").strip()
    if result not in Recheck.Result.values:
        raise ValidationError({"result": [_("Choose the result of the re-check.")]})
    if close and result != Recheck.Result.RECTIFIED:
        raise ValidationError({"result": [_("Only a rectified notice can be closed; return it with reasons.")]})
    if not close and result == Recheck.Result.RECTIFIED:
        raise ValidationError({"result": [_("A rectified notice is closed, not returned.")]})
    if not close and not remarks:
        raise ValidationError({"remarks": [_("Give the reasons for returning the notice.")]})
    checked_on = checked_on or timezone.localdate()
    _check_date(checked_on, field="checked_on", not_before=rectification.issued_on)
    recheck = Recheck.objects.create(rectification=rectification, result=result, remarks=remarks,
                                     checked_on=checked_on, checked_by=actor, closed=close)
    changes = {**change, "result": [None, result], "recheck": [None, recheck.pk]}
    if close:
        changes["closed_on"] = [rectification.closed_on, checked_on]
        rectification.closed_on = checked_on
        rectification.save(update_fields=["closed_on", "updated_at"])
    record(actor=actor, action=f"inspections.rectification.{name}", target=rectification, changes=changes,
           reason=remarks)
    title = (_("Notice {number} closed after re-check") if close
             else _("Notice {number} returned: rectify again")).format(number=rectification)
    _notify_later(partial(school_contacts, rectification.school_id), title, remarks, rectification.get_absolute_url())
    return rectification


def rectification_return(*, actor, rectification_id: int, remarks: str, result: str = Recheck.Result.NOT_RECTIFIED,
                         checked_on: datetime.date | None = None) -> Rectification:
    """Returns a submitted notice to the school with reasons (回头看未通过); see ``rectification_recheck``."""
    return rectification_recheck(actor=actor, rectification_id=rectification_id, result=result,
                                 remarks=remarks, close=False, checked_on=checked_on)


def rectification_close(*, actor, rectification_id: int, remarks: str = "",
                        checked_on: datetime.date | None = None) -> Rectification:
    """Closes a submitted notice whose re-check found it rectified (销号); see ``rectification_recheck``."""
    return rectification_recheck(actor=actor, rectification_id=rectification_id, result=Recheck.Result.RECTIFIED,
                                 remarks=remarks, close=True, checked_on=checked_on)


RECTIFICATION_TRANSITION_SERVICES = {
    "submit": rectification_submit,
    "return": rectification_return,
    "close": rectification_close,
}


def escalation_allowed(rectification: Rectification, on: datetime.date | None = None) -> bool:
    """An office escalates a notice that is overdue or was returned after a failed re-check."""
    return rectification.is_overdue(on) or rectification.status == Rectification.Status.RETURNED


def rectification_escalation_check(*, actor, rectification: Rectification) -> None:
    """409 unless the notice is overdue or returned; 403 unless the actor is a user of the office
    that owns the notice (a city office sees its counties' notices and escalates none of them)."""
    if not escalation_allowed(rectification):
        raise TransitionNotAllowed(_("Only an overdue or returned notice can be escalated."))
    _require_change(actor, rectification, "inspections.escalate_rectification")


@transaction.atomic
def rectification_escalate(*, actor, rectification_id: int, kind: str, date: datetime.date | None = None,
                           note: str = "") -> Escalation:
    """Records the office's interview (约谈) or public criticism (通报批评) about a notice.

    条例 第二十五条(三): a unit that does not rectify per the 督导意见书 is 通报批评并责令改正; the
    2020 reform opinion lists 约谈 and 通报 among the uses of results (STANDARDS §5.3, §7.1). Allowed on
    overdue or returned notices only (409 otherwise), for users of the office that owns the notice
    (``inspections.escalate_rectification`` and the change scope, 403 otherwise). The school, its listed inspector and
    the zone leaders are notified.
    """
    rectification = _locked(actor, rectification_id)
    rectification_escalation_check(actor=actor, rectification=rectification)
    if kind not in Escalation.Kind.values:
        raise ValidationError({"kind": [_("Choose an interview or a public criticism.")]})
    date = date or timezone.localdate()
    _check_date(date, field="date", not_before=rectification.issued_on)
    note = (note or "").strip()
    escalation = Escalation.objects.create(rectification=rectification, kind=kind, date=date, note=note,
                                           recorded_by=actor)
    record(actor=actor, action="inspections.rectification.escalate", target=rectification,
           changes={"escalation": [None, kind], "date": [None, date]}, reason=note)
    school_id = rectification.school_id
    _notify_later(
        lambda: school_contacts(school_id) + school_inspector_users(school_id) + zone_leaders(school_id),
        _("{kind} on notice {number}").format(kind=escalation.get_kind_display(), number=rectification),
        note, rectification.get_absolute_url(),
    )
    return escalation


# ---- overdue -----------------------------------------------------------------------------------

@transaction.atomic
def rectification_overdue_alert(*, rectification_id: int, on: datetime.date | None = None) -> OverdueAlert | None:
    """Tells the zone leaders and the office that a notice is overdue, once per overdue episode.

    Returns the new ``OverdueAlert``, or ``None`` when the notice is not overdue on ``on`` or this
    episode was already reported. Written by the system (no actor) and audited as such.
    """
    on = on or timezone.localdate()
    rectification = (
        Rectification.objects.overdue(on).select_for_update(no_key=True, of=("self",))
        .select_related("school__region").filter(pk=rectification_id).first()
    )
    if rectification is None:
        return None
    answers = rectification.responses.count()
    alert, created = OverdueAlert.objects.get_or_create(rectification=rectification, deadline=rectification.deadline,
                                                        answers=answers)
    if not created:
        return None
    recipients = zone_leaders(rectification.school_id, on) + office_people(office_of_school(rectification.school), on)
    alert.recipients = len({u.pk for u in recipients})
    alert.save(update_fields=["recipients"])
    days = (on - rectification.deadline).days
    record(actor=None, action="inspections.rectification.overdue", target=rectification,
           changes={"deadline": [None, rectification.deadline], "days_overdue": [None, days]})
    title = _("Overdue: notice {number} at {school}, deadline {deadline}").format(
        number=rectification, school=rectification.school.name, deadline=_date(rectification.deadline))
    url = rectification.get_absolute_url()
    transaction.on_commit(lambda: notify(recipients=recipients, title=title, body=rectification.requirements,
                                         url=url, kind=MessageKind.OVERDUE))
    return alert


def overdue_alerts_send(*, on: datetime.date | None = None) -> list[OverdueAlert]:
    """Alerts every overdue notice not yet reported in its current episode (one transaction each)."""
    on = on or timezone.localdate()
    overdue = list(
        Rectification.objects.overdue(on).annotate(answer_count=Count("responses"))
        .values_list("pk", "deadline", "answer_count").order_by("deadline", "pk")
    )
    sent = set(
        OverdueAlert.objects.filter(rectification_id__in=[pk for pk, _d, _n in overdue])
        .values_list("rectification_id", "deadline", "answers")
    )
    alerts = []
    for pk in [pk for pk, deadline, answers in overdue if (pk, deadline, answers) not in sent]:
        alert = rectification_overdue_alert(rectification_id=pk, on=on)
        if alert is not None:
            alerts.append(alert)
    return alerts


def deadline_reminders_send(*, on: datetime.date | None = None) -> list:
    """Reminds the school's liaisons and principal (who received the notice) of each notice still with
    the school (issued or returned) whose deadline is at most three calendar days away, once per
    notice and deadline (``dudao notify reminders``)."""
    on, last = reminder_window(on)
    notices = (Rectification.objects.filter(status__in=("issued", "returned"), deadline__range=(on, last))  # scope: the daily job, every office
               .select_related("school").order_by("deadline", "pk"))
    sent = []
    for notice in notices:
        title = _("Deadline soon: notice {number} at {school}, rectify by {deadline}").format(
            number=notice, school=notice.school.name, deadline=_date(notice.deadline))
        reminder = reminder_send(kind=MessageKind.DEADLINE_SOON, subject=f"inspections.rectification:{notice.pk}",
                                 deadline=notice.deadline, recipients=school_contacts(notice.school_id, on),
                                 title=title, body=notice.requirements, url=notice.get_absolute_url())
        if reminder is not None:
            sent.append(reminder)
    return sent


# ---- office settings ---------------------------------------------------------------------------

@transaction.atomic
def deadline_policy_set(*, actor, office_id: int, severity: str, days: int) -> DeadlinePolicy:
    """Sets an office's default days to rectify for one severity (STANDARDS §1.6: set locally)."""
    if not actor.has_perm("inspections.change_deadlinepolicy") or not actor.has_perm("inspections.add_deadlinepolicy"):
        raise PermissionDenied
    office = Office.objects.for_user(actor, "view").get(pk=office_id)
    if not Office.objects.for_user(actor, "change").filter(pk=office.pk).exists():
        raise PermissionDenied
    if severity not in Severity.values:
        raise ValidationError({"severity": [_("Choose a severity.")]})
    if not isinstance(days, int) or not 1 <= days <= MAX_DEADLINE_DAYS:
        raise ValidationError({"days": [_("Between 1 and {max} days.").format(max=MAX_DEADLINE_DAYS)]})
    policy = DeadlinePolicy.objects.select_for_update().filter(office=office, severity=severity).first()
    old = policy.days if policy else None
    if policy is None:
        policy = DeadlinePolicy.objects.create(office=office, severity=severity, days=days)
    elif policy.days != days:
        policy.days = days
        policy.save(update_fields=["days", "updated_at"])
    if old != days:
        record(actor=actor, action="inspections.deadlinepolicy.set", target=policy,
               changes={"days": [old if old is not None else DeadlinePolicy.DEFAULT_DAYS.get(severity), days]},
               reason=severity)
    return policy
