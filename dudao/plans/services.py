"""Writing plans and tasks: each service checks scope, state and authorship, audits, and notifies.

Plans (规程 Art. 2): the author fills the month table and submits the plan; the plan's own office
approves it (审核备案) or returns it with a comment; a returned plan is corrected and submitted again.
Tasks: the office prescribes one task to many inspectors at once (a batch), inspectors add their
own, and whoever holds the task records its completion.
"""

import datetime
import uuid
from collections import Counter
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import offices_of
from dudao.accounts.models import User
from dudao.accounts.recipients import office_people
from dudao.audit.services import model_delete, record
from dudao.core.choices import is_year, year_message
from dudao.core.review import Review, required_comment
from dudao.core.tally import tallied, tally_move
from dudao.core.workflow import TransitionNotAllowed, apply_transition
from dudao.inspectors.models import Inspector, Listing
from dudao.notifications.models import Kind as MessageKind
from dudao.notifications.services import notify, reminder_send, reminder_window
from dudao.organizations.models import Office, School, Zone, ZoneMembership
from dudao.plans.models import TERM_MONTHS, PlanItem, Task, TaskCount, WorkPlan
from dudao.plans.selectors import inspectors_by_zone, workplan_may_author, workplan_may_review

__all__ = [
    "workplan_create", "workplan_update_items", "workplan_submit", "workplan_approve", "workplan_return",
    "workplan_delete", "task_prescribe", "task_create_self", "task_update", "task_complete", "task_reopen",
    "task_delete", "task_reminders_send",
]

Level = WorkPlan.Level

# ---- helpers ---------------------------------------------------------------------------------

def _primary_zones(inspector_ids, on: datetime.date) -> dict[int, int]:
    """The zone each inspector mostly works in now: the zone of most of their listed schools."""
    listings = list(Listing.objects.current(on).filter(inspector_id__in=list(inspector_ids))
                    .values_list("inspector_id", "school_id"))
    zone_of_school = dict(
        ZoneMembership.objects.current(on).filter(school_id__in=[s for _i, s in listings])
        .values_list("school_id", "zone_id")
    )
    tally: dict[int, Counter] = {}
    for inspector_id, school_id in listings:
        if school_id in zone_of_school:
            tally.setdefault(inspector_id, Counter())[zone_of_school[school_id]] += 1
    # most schools first; on a tie the lower zone id, so the answer does not depend on row order
    return {i: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for i, c in tally.items()}


def _school_zone(school_id: int, on: datetime.date) -> int | None:
    return ZoneMembership.objects.current(on).filter(school_id=school_id).values_list("zone_id", flat=True).first()


def _own_inspector(actor) -> Inspector:
    inspector = Inspector.objects.filter(user_id=actor.pk).select_related("office").first()
    if inspector is None:
        raise ValidationError(_("Your account is not linked to an inspector."))
    return inspector


def _plan_authors(plan: WorkPlan) -> list[User]:
    people = [plan.created_by]
    if plan.level == Level.INSPECTOR and plan.inspector.user_id:
        people.append(plan.inspector.user)
    return [p for p in people if p is not None and p.is_active]


def _notify(recipients, title, body, url):
    notify(recipients=recipients, title=title, body=body, url=url)


def _after_commit(recipients, title, body="", url=""):
    if recipients:
        transaction.on_commit(partial(_notify, list(recipients), title, body, url))


# ---- work plans ------------------------------------------------------------------------------

def _clean_items(plan: WorkPlan, items) -> dict[int, tuple[str, str]]:
    """``items`` as ``{month: (theme, work_items)}``; months outside the plan's period are refused."""
    if items is None:
        return {}
    pairs = items.items() if isinstance(items, dict) else (
        (row["month"], (row.get("theme", ""), row.get("work_items", ""))) for row in items)
    out = {}
    for month, value in pairs:
        month = int(month)
        if month not in plan.months:
            raise ValidationError({"items": _("Month {month} is not in the plan's period.").format(month=month)})
        theme, work = (value.get("theme", ""), value.get("work_items", "")) if isinstance(value, dict) else value
        theme, work = (theme or "").strip(), (work or "").strip()
        if len(theme) > PlanItem._meta.get_field("theme").max_length:
            raise ValidationError({"items": _("The theme of month {month} is too long.").format(month=month)})
        out[month] = (theme, work)
    return out


@transaction.atomic
def workplan_create(*, actor, level: str, year: int, term: str, title: str, summary: str = "",
                    office_id: int | None = None, zone_id: int | None = None, inspector_id: int | None = None,
                    items=None) -> WorkPlan:
    """Starts a draft plan with an empty month table (12 months, or the 6 months of a term).

    * ``inspector``: the actor's own plan (``inspector_id`` defaults to the actor's inspector; the
      office may start the plan of an inspector without a login account);
    * ``zone``: a zone plan, by the zone's leader or the office;
    * ``office``: the plan of one of the actor's offices.
    """
    if not actor.has_perm("plans.add_workplan"):
        raise PermissionDenied
    if term not in TERM_MONTHS:
        raise ValidationError({"term": _("Unknown term.")})
    if not is_year(int(year)):
        raise ValidationError({"year": year_message()})
    today = timezone.localdate()
    zone = inspector = None
    if level == Level.INSPECTOR:
        if inspector_id is None:
            inspector = _own_inspector(actor)
        else:
            inspector = Inspector.objects.for_user(actor).select_related("office").get(pk=inspector_id)
        office = inspector.office
        zone_id = _primary_zones([inspector.pk], today).get(inspector.pk)
        zone = Zone.objects.filter(pk=zone_id).first() if zone_id else None
    elif level == Level.ZONE:
        if zone_id is None:
            raise ValidationError({"zone": _("Choose the zone.")})
        zone = Zone.objects.for_user(actor).select_related("office").get(pk=zone_id)
        office = zone.office
    elif level == Level.OFFICE:
        ids = sorted(offices_of(actor)) if office_id is None else [office_id]
        office = Office.objects.for_user(actor).filter(pk__in=ids).first()
        if office is None:
            raise ValidationError({"office": _("Choose the office.")})
    else:
        raise ValidationError({"level": _("Unknown level.")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Enter a title.")})

    same = WorkPlan.objects.filter(level=level, year=year, term=term)
    same = same.filter(inspector=inspector) if level == Level.INSPECTOR else (
        same.filter(zone=zone) if level == Level.ZONE else same.filter(office=office))
    if same.exists():
        raise ValidationError(_("A plan for this period already exists."))

    plan = WorkPlan.objects.create(
        office=office, level=level, zone=zone, inspector=inspector, year=year, term=term, title=title,
        summary=summary.strip(), created_by=actor,
    )
    filled = _clean_items(plan, items)
    PlanItem.objects.bulk_create([
        PlanItem(plan=plan, month=month, position=position,
                 theme=filled.get(month, ("", ""))[0], work_items=filled.get(month, ("", ""))[1])
        for position, month in enumerate(plan.months)
    ])
    if not workplan_may_author(user=actor, plan=plan):
        raise PermissionDenied  # outside what the actor writes: roll back
    record(actor=actor, action="plans.workplan.create", target=plan, changes={
        "level": [None, level], "year": [None, year], "term": [None, term], "title": [None, title],
        "owner": [None, plan.owner_name],
    })
    return plan


def _authored_plan(actor, workplan_id: int) -> WorkPlan:
    plan = (WorkPlan.objects.for_user(actor).select_for_update(no_key=True, of=("self",))
            .select_related("office__region", "inspector", "zone").get(pk=workplan_id))
    if not workplan_may_author(user=actor, plan=plan):
        raise PermissionDenied
    return plan


@transaction.atomic
def workplan_update_items(*, actor, workplan_id: int, items, title: str | None = None,
                          summary: str | None = None) -> WorkPlan:
    """Writes the month table (theme and work items per month) and the plan's title and summary.

    Only the author changes a plan, and only while it is a draft or after it was returned.
    """
    plan = _authored_plan(actor, workplan_id)
    if not plan.is_editable:
        raise TransitionNotAllowed(_("Only a draft or a returned plan can be changed."))
    changes = {}
    if title is not None and title.strip() and title.strip() != plan.title:
        changes["title"] = [plan.title, title.strip()]
        plan.title = title.strip()
    if summary is not None and summary.strip() != plan.summary:
        changes["summary"] = [plan.summary, summary.strip()]
        plan.summary = summary.strip()
    if changes:
        plan.save(update_fields=[*changes, "updated_at"])
    filled = _clean_items(plan, items)
    rows = {item.month: item for item in PlanItem.objects.filter(plan=plan)}
    changed_rows = []
    for month, (theme, work) in filled.items():
        item = rows.get(month)
        if item is None:
            item = PlanItem.objects.create(plan=plan, month=month, position=plan.months.index(month))
        if (item.theme, item.work_items) != (theme, work):
            if item.theme != theme:
                changes[f"month_{month}_theme"] = [item.theme, theme]
            if item.work_items != work:
                changes[f"month_{month}_work_items"] = [item.work_items, work]
            item.theme, item.work_items = theme, work
            changed_rows.append(item)
    if changed_rows:
        PlanItem.objects.bulk_update(changed_rows, ["theme", "work_items"])
    if changes:
        record(actor=actor, action="plans.workplan.update", target=plan, changes=changes)
    return plan


REVIEW = Review(action="plans.workplan", record=record, notify=notify)


@transaction.atomic
def workplan_submit(*, actor, workplan_id: int, comment: str = "") -> WorkPlan:
    """Reports a plan to the office for review and filing (报教育督导部门审核备案), with an optional note."""
    plan = _authored_plan(actor, workplan_id)
    if plan.status in WorkPlan.TRANSITIONS["submit"].sources and not plan.items.exclude(theme="").exists():
        raise ValidationError(_("Give at least one month a theme before submitting the plan."))
    REVIEW.submit(plan, actor=actor, reason=comment.strip())
    REVIEW.tell(office_people(plan.office_id), _("Plan to review: {title}").format(title=plan.title),
                _("{owner} submitted a plan for review.").format(owner=plan.owner_name), plan.get_absolute_url(),
                actor=actor)
    return plan


def _review(actor, workplan_id: int, name: str, comment: str) -> WorkPlan:
    plan = (WorkPlan.objects.for_user(actor).select_for_update(no_key=True, of=("self",))
            .select_related("office__region", "inspector__user", "created_by").get(pk=workplan_id))
    # only the plan's own office files it
    return REVIEW.step(plan, name, actor=actor, comment=comment, allowed=workplan_may_review(user=actor, plan=plan))


@transaction.atomic
def workplan_approve(*, actor, workplan_id: int, comment: str = "") -> WorkPlan:
    """Approves a submitted plan and files it (审核备案)."""
    plan = _review(actor, workplan_id, "approve", comment.strip())
    REVIEW.tell(_plan_authors(plan), _("Plan approved: {title}").format(title=plan.title), plan.review_comment,
                plan.get_absolute_url(), actor=actor)
    return plan


@transaction.atomic
def workplan_return(*, actor, workplan_id: int, comment: str) -> WorkPlan:
    """Sends a submitted plan back to its author with what to change (the comment is required)."""
    comment = required_comment(comment, field="comment", listed=False)
    plan = _review(actor, workplan_id, "return", comment)
    REVIEW.tell(_plan_authors(plan), _("Plan returned: {title}").format(title=plan.title), comment,
                plan.get_absolute_url(), actor=actor)
    return plan


@transaction.atomic
def workplan_delete(*, actor, instance: WorkPlan, reason: str = "") -> None:
    """Deletes a plan that was not filed yet, with its month table."""
    if not WorkPlan.objects.for_user(actor, "delete").filter(pk=instance.pk).exists():
        raise PermissionDenied
    if instance.status == WorkPlan.Status.APPROVED:
        raise TransitionNotAllowed(_("An approved plan is on file and cannot be deleted."))
    model_delete(actor=actor, instance=instance, reason=reason)


WORKPLAN_TRANSITION_SERVICES = {
    "submit": workplan_submit,
    "approve": workplan_approve,
    "return": workplan_return,
}


# ---- tasks -----------------------------------------------------------------------------------

def _check_task_fields(title: str, due_date) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Enter a title.")})
    if not isinstance(due_date, datetime.date):
        raise ValidationError({"due_date": _("Enter the due date.")})
    return title


@transaction.atomic
def task_prescribe(*, actor, title: str, due_date: datetime.date, description: str = "",
                   kind: str = Task.Kind.PRESCRIBED, inspector_ids=None, zone_id: int | None = None,
                   office_id: int | None = None) -> list[Task]:
    """Gives one task to many inspectors at once (规定任务): one row each, sharing a batch id.

    Name exactly one target: ``inspector_ids``, a ``zone_id`` (the inspectors listed at the
    zone's schools now) or an ``office_id`` (every inspector in service of the office). Each
    inspector with a login account is told in their inbox.
    """
    if not actor.has_perm("plans.prescribe_task"):
        raise PermissionDenied
    if kind not in (Task.Kind.PRESCRIBED, Task.Kind.ROUTINE):
        raise ValidationError({"kind": _("The office gives prescribed or routine tasks.")})
    title = _check_task_fields(title, due_date)
    if sum(target is not None for target in (inspector_ids, zone_id, office_id)) != 1:
        raise ValidationError(_("Choose the inspectors: by name, by zone or all of an office."))
    today = timezone.localdate()
    active = Inspector.objects.for_user(actor, "change").filter(status=Inspector.Status.ACTIVE).select_related(
        "office__region")
    zone = None
    if zone_id is not None:
        zone = Zone.objects.for_user(actor).get(pk=zone_id)
        ids = inspectors_by_zone(user=actor, zone_ids=[zone.pk], on=today).get(zone.pk, set())
        inspectors = list(active.filter(pk__in=ids, office_id=zone.office_id))
    elif office_id is not None:
        office = Office.objects.for_user(actor).get(pk=office_id)
        inspectors = list(active.filter(office=office))
    else:
        wanted = {int(i) for i in inspector_ids}
        inspectors = list(active.filter(pk__in=wanted))
        if len(inspectors) != len(wanted):
            raise ValidationError({"inspectors": _("Some of the inspectors are not yours to give tasks to.")})
    if not inspectors:
        raise ValidationError(_("There is no inspector in service to give the task to."))
    inspectors.sort(key=lambda i: (i.sort_key, i.pk))
    zones = {} if zone else _primary_zones([i.pk for i in inspectors], today)
    batch = uuid.uuid4()
    tasks = Task.objects.bulk_create([
        Task(office=i.office, kind=kind, title=title, description=description.strip(), inspector=i,
             zone_id=zone.pk if zone else zones.get(i.pk), due_date=due_date, batch=batch, created_by=actor)
        for i in inspectors
    ])
    if any(t.pk is None for t in tasks):  # a backend that does not return ids from a bulk insert
        tasks = list(Task.objects.filter(batch=batch).order_by("pk"))
    for task in tasks:
        tally_move(TaskCount, None, TaskCount.line_of(task))
        record(actor=actor, action="plans.task.prescribe", target=task, changes={
            "kind": [None, kind], "title": [None, title], "inspector": [None, task.inspector.name],
            "due_date": [None, due_date], "batch": [None, batch],
        })
    users = list(User.objects.filter(inspector__in=inspectors, is_active=True))
    _after_commit(
        users, _("New task: {title}").format(title=title),
        _("Due {date}.").format(date=due_date.isoformat()) + (f"\n{description.strip()}" if description.strip() else ""),
        reverse("plans:task_list") + f"?batch={batch}",
    )
    return tasks


@transaction.atomic
def task_create_self(*, actor, title: str, due_date: datetime.date, description: str = "",
                     kind: str = Task.Kind.SELF_CHOSEN, school_id: int | None = None) -> Task:
    """Adds a task an inspector sets themselves (自主任务), or a routine one they keep track of."""
    if not actor.has_perm("plans.add_task"):
        raise PermissionDenied
    if kind not in (Task.Kind.SELF_CHOSEN, Task.Kind.ROUTINE):
        raise ValidationError({"kind": _("Your own tasks are self-chosen or routine.")})
    title = _check_task_fields(title, due_date)
    inspector = _own_inspector(actor)
    today = timezone.localdate()
    school = School.objects.for_user(actor).get(pk=school_id) if school_id else None
    zone_id = (_school_zone(school.pk, today) if school else None) or _primary_zones([inspector.pk], today).get(
        inspector.pk)
    task = Task.objects.create(
        office=inspector.office, kind=kind, title=title, description=description.strip(), inspector=inspector,
        school=school, zone_id=zone_id, due_date=due_date, created_by=actor,
    )
    tally_move(TaskCount, None, TaskCount.line_of(task))
    record(actor=actor, action="plans.task.create", target=task, changes={
        "kind": [None, kind], "title": [None, title], "due_date": [None, due_date],
        "school": [None, school.name if school else None],
    })
    return task


@transaction.atomic
def task_update(*, actor, instance: Task, reason: str = "") -> Task:
    """Saves a changed title, description or due date.

    The office changes any task of its region; an inspector only the tasks they gave themselves.
    """
    current = Task.objects.select_for_update(no_key=True, of=("self",)).get_for_change(actor, instance.pk)
    if current.kind != Task.Kind.SELF_CHOSEN and not actor.has_perm("plans.prescribe_task"):
        raise PermissionDenied
    instance.title = _check_task_fields(instance.title, instance.due_date)
    changes = {f: [getattr(current, f), getattr(instance, f)]
               for f in ("title", "description", "due_date") if getattr(current, f) != getattr(instance, f)}
    if changes:
        instance.save(update_fields=[*changes, "updated_at"])
        with tallied(TaskCount, current):
            current.due_date = instance.due_date
        record(actor=actor, action="plans.task.update", target=instance, changes=changes, reason=reason)
    return instance


@transaction.atomic
def task_complete(*, actor, task_id: int, note: str = "", completed_on: datetime.date | None = None) -> Task:
    """Records a task as done on ``completed_on`` (today by default), with a note of what was done."""
    task = Task.objects.for_user(actor).select_for_update(no_key=True, of=("self",)).select_related(
        "office__region").get(pk=task_id)
    today = timezone.localdate()
    completed_on = completed_on or today
    if completed_on > today:
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
    # the completion first (a done task must have its date), then the state; a refused transition
    # rolls both back with the transaction
    with tallied(TaskCount, task):
        task.completed_on, task.completed_at, task.completion_note = completed_on, timezone.now(), note.strip()
        task.save(update_fields=["completed_on", "completed_at", "completion_note", "updated_at"])
        change = apply_transition(task, "complete", actor=actor)
    record(actor=actor, action="plans.task.complete", target=task,
           changes={**change, "completed_on": [None, completed_on]}, reason=task.completion_note)
    return task


@transaction.atomic
def task_reopen(*, actor, task_id: int, reason: str = "") -> Task:
    """Opens a done task again (it was not finished after all); the completion is cleared."""
    task = Task.objects.for_user(actor).select_for_update(no_key=True, of=("self",)).select_related(
        "office__region").get(pk=task_id)
    with tallied(TaskCount, task):
        change = apply_transition(task, "reopen", actor=actor)
        change["completed_on"] = [task.completed_on, None]
        task.completed_on = task.completed_at = None
        task.save(update_fields=["completed_on", "completed_at", "updated_at"])
    record(actor=actor, action="plans.task.reopen", target=task, changes=change, reason=reason)
    return task


@transaction.atomic
def task_delete(*, actor, instance: Task, reason: str = "") -> None:
    """Withdraws a task given by mistake."""
    if not Task.objects.for_user(actor, "delete").filter(pk=instance.pk).exists():
        raise PermissionDenied
    counted = TaskCount.line_of(Task.objects.select_for_update(no_key=True, of=("self",)).get(pk=instance.pk))
    model_delete(actor=actor, instance=instance, reason=reason)
    tally_move(TaskCount, counted, None)


def task_reminders_send(*, on: datetime.date | None = None) -> list:
    """Reminds each inspector of their open tasks due in at most three calendar days, once per task
    and due date (``dudao notify reminders``)."""
    on, last = reminder_window(on)
    tasks = (Task.objects.open().filter(due_date__range=(on, last), inspector__user__is_active=True)  # scope: the daily job, every office
             .select_related("inspector__user").order_by("due_date", "pk"))
    sent = []
    for task in tasks:
        title = _("Task due {date}: {title}").format(date=formats.date_format(task.due_date, "DATE_FORMAT"),
                                                     title=task.title)
        reminder = reminder_send(kind=MessageKind.DEADLINE_SOON, subject=f"plans.task:{task.pk}",
                                 deadline=task.due_date, recipients=[task.inspector.user], title=title,
                                 body=task.description, url=task.get_absolute_url())
        if reminder is not None:
            sent.append(reminder)
    return sent


TASK_TRANSITION_SERVICES = {
    "complete": task_complete,
    "reopen": task_reopen,
}
