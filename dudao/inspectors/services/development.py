"""Inspector development: the training file (培训档案), case collection (优秀督导案例征集) and the
terms of part-time inspectors (兼职督学聘期), per 《督学管理暂行办法》 (STANDARDS §6).

* ``training_record_save`` / ``_delete``: a course in an inspector's file (the office for its
  inspectors, an inspector for themselves); ``training_alerts_send`` tells inspectors below the
  yearly floor of centralised hours and their office, once a year, from October on;
* ``case_create`` / ``case_update`` / ``case_attach`` and the transitions ``case_submit`` →
  ``case_return`` | ``case_accept`` → ``case_publish``;
* ``term_add`` (refuses a 4th consecutive term) / ``term_delete`` and ``term_reminders_send``
  (tells the office and the inspector N days before a term ends, once per term).

Each service checks scope (404), permission (403) and state (409), writes one audit record and
notifies after commit.
"""

import datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import offices_of, owns_region, sees_everything
from dudao.accounts.recipients import office_people
from dudao.audit.services import model_delete, model_save, record
from dudao.core.files import store_file, validate_upload
from dudao.core.review import Review, required_comment
from dudao.inspectors.models import (
    MAX_CONSECUTIVE_TERMS,
    RENEWAL_GAP_DAYS,
    Case,
    CaseAttachment,
    Inspector,
    InspectorPolicy,
    Term,
    TrainingAlert,
    TrainingRecord,
    term_end,
)
from dudao.inspectors.selectors.development import policies_for, policy_for, training_hours
from dudao.notifications.services import notify
from dudao.organizations.models import Office

# ---- helpers ---------------------------------------------------------------------------------------

def _after_commit(recipients, title: str, body: str = "", url: str = "") -> None:
    recipients = [r for r in recipients if r is not None and r.is_active]
    if recipients:
        transaction.on_commit(partial(notify, recipients=recipients, title=title, body=body, url=url))


def is_office_over(user, office: Office) -> bool:
    """True for a user of the office that owns ``office``'s rows (the office itself, or one above it
    with no office in between) and for the system administrator: who may change them. A city office
    sees its counties' inspectors, cases and training, and changes none of them."""
    return owns_region(user, office.region.path)


def _inspector_for(actor, inspector_id: int | None) -> Inspector:
    """The inspector a row is about: the actor's own when ``inspector_id`` is None, else one the actor
    sees (404) and may act for: their office, or themselves (403)."""
    if inspector_id is None:
        inspector = Inspector.objects.filter(user_id=actor.pk).select_related("office__region").first()  # scope: the actor's own record
        if inspector is None:
            raise ValidationError({"inspector": [_("Your account is not linked to an inspector.")]})
        return inspector
    inspector = Inspector.objects.for_user(actor).select_related("office__region").get(pk=inspector_id)
    if inspector.user_id != actor.pk and not is_office_over(actor, inspector.office):
        raise PermissionDenied
    return inspector


# ---- the office's rules ----------------------------------------------------------------------------

@transaction.atomic
def inspector_policy_set(*, actor, office_id: int, training_floor_hours, term_reminder_days: int) -> InspectorPolicy:
    """Sets the office's floor of centralised training hours a year and the term reminder lead time."""
    office = Office.objects.for_user(actor).select_related("region").get(pk=office_id)
    if not (actor.has_perm("inspectors.change_inspectorpolicy") and (
            sees_everything(actor) or office.pk in offices_of(actor))):
        raise PermissionDenied
    floor = Decimal(str(training_floor_hours))
    if not Decimal("1") <= floor <= Decimal("500"):
        raise ValidationError({"training_floor_hours": [_("Choose between 1 and 500 hours.")]})
    if not 1 <= int(term_reminder_days) <= 365:
        raise ValidationError({"term_reminder_days": [_("Choose between 1 and 365 days.")]})
    policy = InspectorPolicy.objects.select_for_update().filter(office=office).first() or InspectorPolicy(office=office)  # scope: the office above
    policy.training_floor_hours, policy.term_reminder_days = floor, int(term_reminder_days)
    return model_save(actor=actor, instance=policy)


# ---- training file -----------------------------------------------------------------------------------

@transaction.atomic
def training_record_save(*, actor, instance: TrainingRecord, reason: str = "") -> TrainingRecord:
    """Adds or changes a course in an inspector's training file (the year follows the start date)."""
    creating = instance.pk is None
    if not actor.has_perm(f"inspectors.{'add' if creating else 'change'}_trainingrecord"):
        raise PermissionDenied
    if not creating and not TrainingRecord.objects.for_user(actor, "change").filter(pk=instance.pk).exists():
        raise PermissionDenied
    inspector = _inspector_for(actor, instance.inspector_id)
    instance.inspector = inspector
    if instance.start_date is None:
        raise ValidationError({"start_date": [_("This field is required.")]})
    instance.year = instance.start_date.year
    if instance.hours is not None and instance.hours <= 0:
        raise ValidationError({"hours": [_("Enter a number of hours above 0.")]})
    if instance.certificate and not getattr(instance.certificate, "_committed", True):
        # a certificate is checked like a case's file
        instance.certificate_sha256 = validate_upload(instance.certificate.file, CaseAttachment).sha256
    elif not instance.certificate:
        instance.certificate_sha256 = ""
    if creating and instance.created_by_id is None:
        instance.created_by = actor
    return model_save(actor=actor, instance=instance, reason=reason)


@transaction.atomic
def training_record_delete(*, actor, instance: TrainingRecord, reason: str = "") -> None:
    if not TrainingRecord.objects.for_user(actor, "delete").filter(pk=instance.pk).exists():
        raise PermissionDenied
    model_delete(actor=actor, instance=instance, reason=reason)


ALERT_FROM_MONTH = 10  # the fourth quarter: time is short to catch up before the year ends


@transaction.atomic
def training_alerts_send(*, on: datetime.date | None = None) -> list[TrainingAlert]:
    """From October on, tells each active inspector whose centralised hours of the year are below
    their office's floor, and the office, once a year (``TrainingAlert``): running it again sends
    nothing new. Earlier in the year it does nothing."""
    on = on or timezone.localdate()
    if on.month < ALERT_FROM_MONTH:
        return []
    inspectors = list(Inspector.objects.filter(status=Inspector.Status.ACTIVE)  # scope: the whole platform's job
                      .exclude(pk__in=TrainingAlert.objects.filter(year=on.year).values("inspector_id"))
                      .select_related("office__region", "user"))
    hours = training_hours(inspector_ids=[i.pk for i in inspectors], year=on.year)
    policies = policies_for({i.office_id for i in inspectors})
    alerts, short_by_office = [], {}
    for inspector in inspectors:
        floor = policies[inspector.office_id].training_floor_hours
        done = hours.get(inspector.pk, {}).get(TrainingRecord.Kind.CENTRALISED, Decimal(0))
        if done >= floor:
            continue
        alerts.append(TrainingAlert(inspector=inspector, year=on.year, hours=done, floor=floor, sent_on=on))
        short_by_office.setdefault(inspector.office_id, []).append((inspector, done, floor))
        if inspector.user_id:
            _after_commit([inspector.user], _("Centralised training below {floor} hours").format(floor=floor),
                          _("{year}: {hours} hours of centralised training recorded so far.").format(
                              year=on.year, hours=done), inspector.get_absolute_url())
    TrainingAlert.objects.bulk_create(alerts)
    for office_id, rows in short_by_office.items():
        body = "\n".join(f"{i.name}: {done} / {floor}" for i, done, floor in rows)
        _after_commit(office_people(office_id),
                      _("{count} inspectors below the centralised training floor in {year}").format(
                          count=len(rows), year=on.year), body, f"/inspectors/training/overview/?year={on.year}")
    return alerts


# ---- cases -------------------------------------------------------------------------------------------

def _case_locked(actor, case_id: int) -> Case:
    return (Case.objects.for_user(actor).select_for_update(no_key=True, of=("self",))
            .select_related("office__region", "inspector__user").get(pk=case_id))


def _may_edit_case(actor, case: Case) -> bool:
    return case.inspector.user_id == actor.pk or is_office_over(actor, case.office)


@transaction.atomic
def case_create(*, actor, title: str, text: str, year: int | None = None, inspector_id: int | None = None) -> Case:
    """Starts a case as a draft, written by the actor's own inspector record (or, for the office,
    on behalf of one of its inspectors)."""
    if not actor.has_perm("inspectors.add_case"):
        raise PermissionDenied
    inspector = _inspector_for(actor, inspector_id)
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise ValidationError({"title" if not title else "text": [_("This field is required.")]})
    case = Case.objects.create(office=inspector.office, inspector=inspector, year=year or timezone.localdate().year,
                               title=title[:200], text=text, created_by=actor)
    record(actor=actor, action="inspectors.case.create", target=case,
           changes={"status": [None, case.status], "title": [None, case.title], "inspector": [None, inspector.pk]})
    return case


@transaction.atomic
def case_update(*, actor, case_id: int, title: str, text: str, year: int, reason: str = "") -> Case:
    """Changes a draft or returned case (its author or the office)."""
    case = _case_locked(actor, case_id)
    if not (actor.has_perm("inspectors.change_case") and _may_edit_case(actor, case)):
        raise PermissionDenied
    if not case.is_editable:
        from dudao.core.workflow import TransitionNotAllowed

        raise TransitionNotAllowed(_("Only a draft or returned case can be changed."))
    changes = {}
    for name, value in (("title", (title or "").strip()[:200]), ("text", (text or "").strip()), ("year", int(year))):
        if not value:
            raise ValidationError({name: [_("This field is required.")]})
        if getattr(case, name) != value:
            changes[name] = [getattr(case, name), value]
            setattr(case, name, value)
    if changes:
        case.save(update_fields=[*changes, "updated_at"])
        record(actor=actor, action="inspectors.case.update", target=case, changes=changes, reason=reason)
    return case


@transaction.atomic
def case_attach(*, actor, case_id: int, uploaded_file) -> CaseAttachment:
    """Attaches a file (PDF, photo, Word, Excel; 20 MB at most) to a draft or returned case."""
    case = _case_locked(actor, case_id)
    if not (actor.has_perm("inspectors.change_case") and _may_edit_case(actor, case)):
        raise PermissionDenied
    if not case.is_editable:
        from dudao.core.workflow import TransitionNotAllowed

        raise TransitionNotAllowed(_("Only a draft or returned case can be changed."))
    attachment = store_file(CaseAttachment, uploaded_file, user=actor, case=case)
    record(actor=actor, action="inspectors.case.attach", target=case,
           changes={"attachment": [None, attachment.original_name], "sha256": [None, attachment.sha256]})
    return attachment


CASE_REVIEW = Review(action="inspectors.case", record=record, notify=notify)


@transaction.atomic
def case_submit(*, actor, case_id: int, reason: str = "") -> Case:
    """Submits a case to the office (its author only)."""
    case = _case_locked(actor, case_id)
    CASE_REVIEW.submit(case, actor=actor, reason=reason, allowed=case.inspector.user_id == actor.pk)
    CASE_REVIEW.tell(office_people(case.office_id), _("Case submitted: {title}").format(title=case.title),
                     case.inspector.name, case.get_absolute_url(), actor=actor)
    return case


def _review(actor, case_id: int, name: str, reason: str) -> Case:
    case = _case_locked(actor, case_id)
    CASE_REVIEW.step(case, name, actor=actor, comment=reason, allowed=is_office_over(actor, case.office),
                     keep_comment=False, values={"published_at": timezone.now()} if name == "publish" else None)
    titles = {"return": _("Case returned: {title}"), "accept": _("Case accepted: {title}"),
              "publish": _("Case published: {title}")}
    CASE_REVIEW.tell([case.inspector.user], titles[name].format(title=case.title), reason, case.get_absolute_url(),
                     actor=actor)
    return case


@transaction.atomic
def case_return(*, actor, case_id: int, reason: str) -> Case:
    """Sends a submitted case back to its author with what to change (the reason is required)."""
    return _review(actor, case_id, "return", required_comment(reason))


@transaction.atomic
def case_accept(*, actor, case_id: int, reason: str = "") -> Case:
    """Accepts a submitted case (selected for publication)."""
    return _review(actor, case_id, "accept", (reason or "").strip())


@transaction.atomic
def case_publish(*, actor, case_id: int, reason: str = "") -> Case:
    """Publishes an accepted case: every inspector of the office's region reads it."""
    return _review(actor, case_id, "publish", (reason or "").strip())


CASE_TRANSITION_SERVICES = {"submit": case_submit, "return": case_return, "accept": case_accept,
                            "publish": case_publish}


# ---- terms of part-time inspectors ---------------------------------------------------------------------

@transaction.atomic
def term_add(*, actor, inspector_id: int, start: datetime.date, note: str = "") -> Term:
    """Records a 3-year term of a part-time inspector from ``start``. A term starting less than a year
    after the previous one ended is a renewal (续聘); a 4th consecutive term is refused
    (“续聘一般不得超过3届”), as is a term overlapping another."""
    if not actor.has_perm("inspectors.add_term"):
        raise PermissionDenied
    inspector = Inspector.objects.select_for_update(of=("self",)).select_related(
        "office__region").get_for_change(actor, inspector_id)
    if inspector.kind != Inspector.Kind.PART_TIME:
        raise ValidationError({"inspector": [_("Terms of appointment are recorded for part-time inspectors.")]})
    end = term_end(start)
    terms = list(Term.objects.filter(inspector=inspector).order_by("start"))  # scope: the inspector reached above
    if any(t.start <= end and start <= t.end for t in terms):
        raise ValidationError({"start": [_("The term overlaps another term of this inspector.")]})
    previous = [t for t in terms if t.end < start]
    if any(t.start > start for t in terms):
        raise ValidationError({"start": [_("Record terms in order: a later term already exists.")]})
    number = 1
    if previous and (start - previous[-1].end).days <= RENEWAL_GAP_DAYS:
        number = previous[-1].number + 1
    if number > MAX_CONSECUTIVE_TERMS:
        raise ValidationError({"start": [_(
            "This would be a fourth consecutive term: part-time inspectors are renewed at most three terms in a row."
        )]})
    term = Term.objects.create(inspector=inspector, start=start, end=end, number=number, note=(note or "")[:200],
                               created_by=actor)
    record(actor=actor, action="inspectors.term.create", target=term,
           changes={"start": [None, start], "end": [None, end], "number": [None, number]})
    return term


@transaction.atomic
def term_delete(*, actor, term_id: int, reason: str = "") -> None:
    """Deletes an inspector's latest term (earlier ones number the later ones)."""
    term = Term.objects.for_user(actor, "delete").select_related("inspector__office__region").get(pk=term_id)
    if Term.objects.filter(inspector_id=term.inspector_id, start__gt=term.start).exists():  # scope: same inspector
        raise ValidationError({"term": [_("Only the latest term can be deleted.")]})
    model_delete(actor=actor, instance=term, reason=reason)


@transaction.atomic
def term_reminders_send(*, on: datetime.date | None = None) -> list[Term]:
    """Tells the office (and the inspector) about each term ending within the office's reminder lead
    time (default 60 days), once per term (``Term.reminded_on``): running it again sends nothing new."""
    on = on or timezone.localdate()
    candidates = list(Term.objects.select_for_update(of=("self",)).filter(  # scope: the whole platform's job
        reminded_on__isnull=True, end__gte=on, inspector__status=Inspector.Status.ACTIVE,
    ).select_related("inspector__office__region", "inspector__user"))
    policies = policies_for({t.inspector.office_id for t in candidates})
    due = [t for t in candidates if t.days_left(on) <= policies[t.inspector.office_id].term_reminder_days]
    for term in due:
        term.reminded_on = on
        term.save(update_fields=["reminded_on", "updated_at"])
        record(actor=None, action="inspectors.term.remind", target=term, changes={"reminded_on": [None, on]})
        inspector = term.inspector
        title = _("Term of {name} ends on {date}").format(name=inspector.name, date=term.end.isoformat())
        body = _("Term {number} of {limit} in a row.").format(number=term.number, limit=MAX_CONSECUTIVE_TERMS)
        _after_commit([*office_people(inspector.office_id), inspector.user], title, body, inspector.get_absolute_url())
    return due


__all__ = [
    "inspector_policy_set", "training_record_save", "training_record_delete", "training_alerts_send",
    "case_create", "case_update", "case_attach", "case_submit", "case_return", "case_accept", "case_publish",
    "CASE_TRANSITION_SERVICES", "term_add", "term_delete", "term_reminders_send", "policy_for",
]
