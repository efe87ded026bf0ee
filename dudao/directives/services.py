"""Following up directives: each service checks scope and state (``core.workflow``), writes the
audit record and notifies after commit.

立项 ``directive_register`` → 计划 ``item_add`` and ``directive_assign`` → 反馈 ``item_report`` (by
the unit's users; a completion report submits the item for review) → 督办 ``item_urge`` (a numbered
督办通知单 filed in the archive, the unit told) → 审核 ``item_accept`` / ``item_return`` (the shared
review, ``core.review``) → 通报 ``directive_publish`` (the bulletin, filed) → 归档 ``directive_archive``.
"""

import datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import offices_of
from dudao.accounts.recipients import office_people, unit_contacts
from dudao.audit.services import record
from dudao.core.files import store_file, validate_upload
from dudao.core.review import Review, required_comment
from dudao.core.workflow import TransitionNotAllowed, apply_transition, check_transition
from dudao.directives import documents, selectors
from dudao.directives.models import (
    MANAGE,
    REPORT,
    Directive,
    DirectiveItem,
    ProgressReport,
    ReportFile,
    Source,
    Urge,
)
from dudao.documents.services import document_generate
from dudao.notifications.models import Kind
from dudao.notifications.services import notify, reminder_send, reminder_window
from dudao.organizations.models import Department, Office, School

__all__ = [
    "directive_register", "directive_update", "item_add", "directive_assign", "item_report", "item_urge",
    "item_accept", "item_return", "directive_publish", "directive_archive", "directive_reminders_send",
]

REVIEW = Review(action="directives.item", record=record, notify=notify)
EDITABLE = (Directive.Status.REGISTERED, Directive.Status.ASSIGNED)
OPEN = selectors.OPEN
MAX_INTERVAL = 366


def _tell(recipients, title: str, body: str = "", url: str = "", *, actor=None, kind: str = Kind.OTHER) -> None:
    people = [p for p in recipients if p is not None and p.is_active and (actor is None or p.pk != actor.pk)]
    if people:
        transaction.on_commit(partial(notify, recipients=people, title=title, body=body, url=url, kind=kind))


def _text(value, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    if max_length and len(value) > max_length:
        raise ValidationError({field: [_("This text is too long.")]})
    return value


def _clean_directive(*, title, source, decided_on) -> str:
    if source not in Source.values:
        raise ValidationError({"source": [_("Choose where the directive comes from.")]})
    if not isinstance(decided_on, datetime.date):
        raise ValidationError({"decided_on": [_("Enter the date it was decided.")]})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": [_("The decision date cannot be in the future.")]})
    return _text(title, "title", _("Enter a title."), 200)


def _locked_directive(actor, directive_id: int) -> Directive:
    return (Directive.objects.select_for_update(no_key=True, of=("self",)).select_related("office__region")
            .get_for_change(actor, directive_id))


def _locked_item(actor, item_id: int, permission: str) -> DirectiveItem:
    """The item to change: 404 unseen, 403 outside the change scope or without ``permission``."""
    return (DirectiveItem.objects.select_for_update(no_key=True, of=("self",))
            .select_related("directive__office__region", "school__region", "department")
            .get_for_change(actor, item_id, permission=permission))


def _contacts(item: DirectiveItem, on=None) -> list:
    """Who is told about an item: its unit's contacts (a school's liaisons and principal, a
    department's unit liaisons)."""
    return unit_contacts(school_id=item.school_id, department_id=item.department_id, on=on)


# ---- 立项 and 计划 -----------------------------------------------------------------------------------

@transaction.atomic
def directive_register(*, actor, title: str, source: str, decided_on: datetime.date, source_text: str = "",
                       requirements: str = "", office_id: int | None = None) -> Directive:
    """Registers a directive (立项) of one of the actor's offices, with its source."""
    if not actor.has_perm("directives.add_directive"):
        raise PermissionDenied
    title = _clean_directive(title=title, source=source, decided_on=decided_on)
    ids = sorted(offices_of(actor)) if office_id is None else [office_id]
    office = Office.objects.for_user(actor, "change").filter(pk__in=ids).select_related("region").first()
    if office is None:
        raise ValidationError({"office": [_("Choose the office.")]})
    directive = Directive.objects.create(office=office, title=title, source=source, decided_on=decided_on,
                                         source_text=(source_text or "").strip(),
                                         requirements=(requirements or "").strip(), created_by=actor)
    if not Directive.objects.for_user(actor, "change").filter(pk=directive.pk).exists():
        raise PermissionDenied  # an office the actor does not run: roll back
    record(actor=actor, action="directives.directive.register", target=directive, changes={
        "title": [None, title], "source": [None, source], "decided_on": [None, decided_on]})
    return directive


@transaction.atomic
def directive_update(*, actor, directive_id: int, title: str, source: str, decided_on: datetime.date,
                     source_text: str = "", requirements: str = "") -> Directive:
    """Corrects a directive's title, source and requirements while it is followed up."""
    directive = _locked_directive(actor, directive_id)
    if directive.status not in EDITABLE:
        raise TransitionNotAllowed(_("A directive whose bulletin is published can no longer be changed."))
    new = {"title": _clean_directive(title=title, source=source, decided_on=decided_on), "source": source,
           "decided_on": decided_on, "source_text": (source_text or "").strip(),
           "requirements": (requirements or "").strip()}
    changes = {f: [getattr(directive, f), v] for f, v in new.items() if getattr(directive, f) != v}
    if changes:
        for field, (_old, value) in changes.items():
            setattr(directive, field, value)
        directive.save(update_fields=[*changes, "updated_at"])
        record(actor=actor, action="directives.directive.update", target=directive, changes=changes)
    return directive


@transaction.atomic
def item_add(*, actor, directive_id: int, content: str, deadline: datetime.date, report_every_days: int = 7,
             school_id: int | None = None, department_id: int | None = None) -> DirectiveItem:
    """Gives a responsible unit its part of the directive (计划), with a deadline and how often it
    reports; once the directive is assigned, the unit is told at once. The unit is a school of the
    office's region (``school_id``) or one of the office's departments and township education offices
    (``department_id``), exactly one of them."""
    directive = _locked_directive(actor, directive_id)
    if directive.status not in EDITABLE:
        raise TransitionNotAllowed(_("Items are added before the bulletin is published."))
    if not actor.has_perm("directives.add_directiveitem"):
        raise PermissionDenied
    content = _text(content, "content", _("Say what the unit must do."))
    if not isinstance(deadline, datetime.date):
        raise ValidationError({"deadline": [_("Enter the deadline.")]})
    if deadline < directive.decided_on:
        raise ValidationError({"deadline": [_("The deadline cannot be before the decision.")]})
    if not 0 <= int(report_every_days) <= MAX_INTERVAL:
        raise ValidationError({"report_every_days": [_("Enter a number of days from 0 to 366.")]})
    if (school_id is None) == (department_id is None):
        raise ValidationError({"school": [_("Choose one responsible unit: a school, or a department or township "
                                            "office.")]})
    school = department = None
    if school_id is not None:
        school = School.objects.for_user(actor).filter(
            pk=school_id, region__path__startswith=directive.office.region.path).first()
        if school is None:
            raise ValidationError({"school": [_("Choose a unit of the office's region.")]})
    else:
        department = Department.objects.for_user(actor).filter(
            pk=department_id, office=directive.office, is_active=True).first()
        if department is None:
            raise ValidationError({"department": [_("Choose a department or township office of the office.")]})
    item = DirectiveItem.objects.create(directive=directive, school=school, department=department, content=content,
                                        deadline=deadline, report_every_days=int(report_every_days))
    unit = {"school": [None, school.name]} if school else {"department": [None, department.name]}
    record(actor=actor, action="directives.item.add", target=item, changes={
        **unit, "content": [None, content], "deadline": [None, deadline],
        "report_every_days": [None, item.report_every_days]})
    if directive.status == Directive.Status.ASSIGNED:
        _tell_assigned(item, actor)
    return item


def _tell_assigned(item: DirectiveItem, actor) -> None:
    _tell(_contacts(item), _("New directive to follow up: {title}").format(title=item.directive.title),
          _("Due {date}.").format(date=formats.date_format(item.deadline, "DATE_FORMAT")), item.get_absolute_url(),
          actor=actor)


@transaction.atomic
def directive_assign(*, actor, directive_id: int, reason: str = "") -> Directive:
    """Assigns the items to their units (计划下达): each unit is told what and by when."""
    directive = _locked_directive(actor, directive_id)
    check_transition(directive, "assign", actor=actor)
    items = list(directive.items.select_related("school", "department", "directive"))  # scope: of a directive in change scope
    if not items:
        raise ValidationError(_("Add at least one item with its responsible unit first."))
    change = apply_transition(directive, "assign", actor=actor)
    directive.assigned_at = timezone.now()
    directive.save(update_fields=["assigned_at", "updated_at"])
    record(actor=actor, action="directives.directive.assign", target=directive,
           changes={**change, "items": [None, len(items)]}, reason=reason)
    for item in items:
        _tell_assigned(item, actor)
    return directive


# ---- 反馈, 督办 and 审核 ---------------------------------------------------------------------------------

def _open_item(item: DirectiveItem) -> None:
    if item.directive.status not in OPEN:
        raise TransitionNotAllowed(_("The directive is not being followed up."))


@transaction.atomic
def item_report(*, actor, item_id: int, text: str, is_final: bool = False, files=()) -> ProgressReport:
    """The unit reports its progress (反馈), with ``files`` (photos, scanned records) if any; a
    completion report (``is_final``) submits the item to the office for review. Reports and their
    files are kept as sent, never changed."""
    checked = [(uploaded, validate_upload(uploaded, ReportFile)) for uploaded in files or ()]
    item = _locked_item(actor, item_id, REPORT)
    _open_item(item)
    text = _text(text, "text", _("Say what has been done."))
    if is_final:
        check_transition(item, "submit", actor=actor)
    elif item.status not in (DirectiveItem.Status.PENDING, DirectiveItem.Status.RETURNED):
        raise TransitionNotAllowed(_("The completion is already reported or accepted."))
    report = ProgressReport.objects.create(item=item, text=text, is_final=is_final, reported_by=actor)
    for uploaded, facts in checked:
        store_file(ReportFile, uploaded, user=actor, checked=facts, report=report, item=item)
        record(actor=actor, action="directives.item.file", target=item,
               changes={"file": [None, facts.name], "sha256": [None, facts.sha256], "size": [None, facts.size]})
    if is_final:
        REVIEW.submit(item, actor=actor, reason=text)
        _tell(office_people(item.directive.office_id),
              _("Completion to review: {title}").format(title=item.directive.title),
              _("{unit} reported its part done.").format(unit=item.unit_name), item.get_absolute_url(), actor=actor)
    else:
        record(actor=actor, action="directives.item.report", target=item, changes={"progress": [None, text]})
    return report


@transaction.atomic
def item_urge(*, actor, item_id: int, note: str = "", pdf: bool = False) -> Urge:
    """Urges the unit (催办): files a numbered 督办通知单 in the archive and tells the unit."""
    item = _locked_item(actor, item_id, MANAGE)
    _open_item(item)
    if item.status not in (DirectiveItem.Status.PENDING, DirectiveItem.Status.RETURNED):
        raise TransitionNotAllowed(_("Only an item still with its unit is urged."))
    note = (note or "").strip()
    before = item.urges.count()  # scope: of an item in change scope
    reports = list(item.reports.order_by("created_at", "pk"))  # scope: of an item in change scope
    urge = Urge.objects.create(item=item, note=note, sent_by=actor)
    today = timezone.localdate()
    document = document_generate(
        actor=actor, kind=documents.URGE_KIND, office=item.directive.office, school=item.school, date=today,
        context=documents.urge_context(item, reports=reports, urges_before=before, note=note, date=today),
        title=f"督办通知单 {item.unit_name} {item.directive.title}", subject=urge, pdf=pdf)
    urge.document = document
    urge.save(update_fields=["document", "updated_at"])
    record(actor=actor, action="directives.item.urge", target=item,
           changes={"urges": [before, before + 1], "document": [None, document.number]}, reason=note)
    _tell(_contacts(item), _("Urged: {title}").format(title=item.directive.title),
          _("Urge notice {number}. Due {date}.").format(number=document.number, date=item.deadline.isoformat())
          + (f"\n{note}" if note else ""), item.get_absolute_url(), actor=actor, kind=Kind.OVERDUE)
    return urge


def _review(actor, item_id: int, name: str, comment: str) -> DirectiveItem:
    item = _locked_item(actor, item_id, MANAGE)
    _open_item(item)
    REVIEW.step(item, name, actor=actor, comment=comment)
    return item


@transaction.atomic
def item_accept(*, actor, item_id: int, comment: str = "") -> DirectiveItem:
    """Accepts the unit's completion (审核通过): the item is done."""
    item = _review(actor, item_id, "accept", (comment or "").strip())
    _tell(_contacts(item), _("Accepted: {title}").format(title=item.directive.title),
          item.review_comment, item.get_absolute_url(), actor=actor)
    return item


@transaction.atomic
def item_return(*, actor, item_id: int, comment: str) -> DirectiveItem:
    """Returns the unit's completion with what is still missing (退回重办; the comment is required)."""
    comment = required_comment(comment, field="comment")
    item = _review(actor, item_id, "return", comment)
    _tell(_contacts(item), _("Returned: {title}").format(title=item.directive.title), comment,
          item.get_absolute_url(), actor=actor)
    return item


# ---- 通报 and 归档 ---------------------------------------------------------------------------------------

@transaction.atomic
def directive_publish(*, actor, directive_id: int, reason: str = "", pdf: bool = False) -> Directive:
    """Publishes the bulletin of the results so far (通报), numbered and filed in the archive; units
    still open go on reporting until the office accepts them."""
    directive = _locked_directive(actor, directive_id)
    check_transition(directive, "publish", actor=actor)
    today = timezone.localdate()
    rows = selectors.item_rows(user=actor, directive=directive, on=today,
                               items=selectors.item_list(user=actor, directive=directive))
    if not rows:
        raise ValidationError(_("The directive has no items to report on."))
    document = document_generate(
        actor=actor, kind=documents.BULLETIN_KIND, office=directive.office, date=today, subject=directive,
        context=documents.bulletin_context(directive, rows=rows, counts=selectors.board_counts(rows), date=today),
        title=f"督办事项通报 {directive.title}", pdf=pdf)
    change = apply_transition(directive, "publish", actor=actor)
    directive.bulletin, directive.published_at = document, timezone.now()
    directive.save(update_fields=["bulletin", "published_at", "updated_at"])
    record(actor=actor, action="directives.directive.publish", target=directive,
           changes={**change, "bulletin": [None, document.number]}, reason=reason)
    units = {r["item"].unit_key: r["item"] for r in rows}
    _tell([p for key in sorted(units) for p in _contacts(units[key])],
          _("Bulletin published: {title}").format(title=directive.title), document.number,
          directive.get_absolute_url(), actor=actor)
    return directive


@transaction.atomic
def directive_archive(*, actor, directive_id: int, reason: str = "") -> Directive:
    """Archives a directive once every item is accepted (归档): its notices and bulletin are on file."""
    directive = _locked_directive(actor, directive_id)
    check_transition(directive, "archive", actor=actor)
    if directive.items.exclude(status=DirectiveItem.Status.ACCEPTED).exists():  # scope: of a directive in change scope
        raise ValidationError(_("Every item must be accepted before the directive is archived."))
    change = apply_transition(directive, "archive", actor=actor)
    directive.archived_at = timezone.now()
    directive.save(update_fields=["archived_at", "updated_at"])
    record(actor=actor, action="directives.directive.archive", target=directive, changes=change, reason=reason)
    return directive


DIRECTIVE_TRANSITION_SERVICES = {
    "assign": directive_assign,
    "publish": directive_publish,
    "archive": directive_archive,
}
ITEM_TRANSITION_SERVICES = {
    "accept": item_accept,
    "return": item_return,
}


def directive_reminders_send(*, on: datetime.date | None = None) -> list:
    """Reminds each unit still working on an item of an assigned directive, once per date: of its
    deadline when at most three calendar days away (即将到期), else of its next progress report when
    that falls due as soon (报告待交) (``dudao notify reminders``)."""
    on, last = reminder_window(on)
    items = (DirectiveItem.objects.filter(directive__status=Directive.Status.ASSIGNED,  # scope: the daily job, every office
                                          status__in=(DirectiveItem.Status.PENDING, DirectiveItem.Status.RETURNED),
                                          deadline__gte=on)
             .select_related("directive", "school", "department").annotate(last_reported_at=Max("reports__created_at"))
             .order_by("deadline", "pk"))
    sent = []
    for item in items:
        due = item.deadline if item.deadline <= last else item.next_report_due(selectors.last_reported_on(item))
        if due is None or not on <= due <= last:
            continue
        when = formats.date_format(due, "DATE_FORMAT")
        if due == item.deadline:
            kind, title = Kind.DEADLINE_SOON, _("Deadline soon: {title} at {school}, due {date}")
        else:
            kind, title = Kind.REPORT_DUE, _("Progress report due {date}: {title} at {school}")
        reminder = reminder_send(kind=kind, subject=f"directives.item:{item.pk}", deadline=due,
                                 recipients=_contacts(item, on),
                                 title=title.format(title=item.directive.title, school=item.unit_name, date=when),
                                 body=item.content, url=item.get_absolute_url())
        if reminder is not None:
            sent.append(reminder)
    return sent
