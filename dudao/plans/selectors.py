"""Scoped reads of plans and tasks shared by pages, API, exports and the completion table."""

import datetime

from django.db.models import F, Q, Sum
from django.utils import timezone

from dudao.accounts.access import acts_for_office, offices_of, sees_everything
from dudao.core.tally import percent
from dudao.inspectors.models import Inspector, Listing
from dudao.organizations.models import Region, Zone, ZoneMembership
from dudao.organizations.selectors import area_of, region_parts
from dudao.plans.models import PlanItem, Task, TaskCount, WorkPlan, term_dates

PLAN_RELATED = ("office", "zone", "inspector", "created_by", "reviewed_by")
TASK_RELATED = ("office", "inspector", "school", "zone")


def workplan_list(*, user):
    """Plans the user may see, with what the list shows."""
    return WorkPlan.objects.for_user(user).select_related(*PLAN_RELATED)


def workplan_get(*, user, pk: int) -> WorkPlan:
    """One plan in the user's scope (``DoesNotExist`` otherwise, i.e. 404)."""
    return WorkPlan.objects.for_user(user).select_related("office__region", *PLAN_RELATED).get(pk=pk)


def workplan_items(*, user, plan: WorkPlan) -> list[PlanItem]:
    """The month table of a plan the user may see, in the plan's month order."""
    if not WorkPlan.objects.for_user(user).filter(pk=plan.pk).exists():
        return []
    return list(PlanItem.objects.filter(plan=plan).order_by("position", "month"))  # scope: the plan above


def workplan_may_author(*, user, plan: WorkPlan) -> bool:
    """Whether ``user`` writes this plan: fills its month table and submits it.

    An inspector's plan is written by the inspector; the office writes it on their behalf only
    when the inspector has no login account (a paper plan typed in). Zone plans are written by
    the zone's leader or the office; office plans by the office.
    """
    if not WorkPlan.objects.for_user(user, "change").filter(pk=plan.pk).exists():
        return False
    if plan.level != WorkPlan.Level.INSPECTOR:
        return True
    owner = plan.inspector.user_id
    return owner == user.pk or (owner is None and acts_for_office(user))


def workplan_may_review(*, user, plan: WorkPlan) -> bool:
    """Whether ``user`` reviews this plan (审核备案): the plan's own office, with the permission."""
    if not user.has_perm("plans.review_workplan"):
        return False
    if sees_everything(user):
        return True
    return plan.office_id in offices_of(user) and acts_for_office(user)


def task_list(*, user):
    """Tasks the user may see: the office's in its region, an inspector's own, a zone leader's zone."""
    return Task.objects.for_user(user).select_related(*TASK_RELATED)


def inspectors_by_zone(*, user, zone_ids=None, on: datetime.date | None = None) -> dict[int, set[int]]:
    """The inspectors of each zone now: those listed (挂牌) at a school that is in the zone now."""
    on = on or timezone.localdate()
    memberships = ZoneMembership.objects.for_user(user).current(on)
    if zone_ids is not None:
        memberships = memberships.filter(zone_id__in=list(zone_ids))
    zone_of_school = dict(memberships.values_list("school_id", "zone_id"))
    listings = (
        Listing.objects.for_user(user).current(on)
        .filter(school_id__in=list(zone_of_school), inspector__status=Inspector.Status.ACTIVE)
        .values_list("inspector_id", "school_id")
    )
    out: dict[int, set[int]] = {}
    for inspector_id, school_id in listings:
        out.setdefault(zone_of_school[school_id], set()).add(inspector_id)
    return out


def completion_period(year: int, term: str, until: str = "today",
                      on: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The due dates a completion table counts: the term's, cut at ``on`` (today) unless ``until="end"``.

    Counting only the tasks due so far keeps a running term's rate from being dragged down by
    tasks that are not due yet.
    """
    start, end = term_dates(year, term)
    if until == "today":
        end = min(end, on or timezone.localdate())
    return start, end



def task_completion(*, user, period: tuple[datetime.date, datetime.date] | None = None,
                    on: datetime.date | None = None, groups: bool = True, region: Region | None = None) -> dict:
    """Completion per inspector and per zone of the tasks due in ``period`` (all tasks when None),
    of the offices in ``region`` when given; above a county (``area_of``), per part of the region
    instead (a province's cities, a city's counties), each leading down to its own.

    Each row holds ``total``, ``done``, ``on_time`` (done no later than the due date),
    ``overdue`` (open past the due date on ``on``) and the rates in per cent. Added up from the
    tasks per inspector and day (``TaskCount``): three queries whatever the number of inspectors
    and tasks (four per part); without ``groups``, one for the total alone.
    """
    on = on or timezone.localdate()
    lines = TaskCount.objects.for_user(user)
    if region is not None:
        lines = lines.filter(office__region__path__startswith=region.path)
    if period is not None:
        lines = lines.filter(due_date__gte=period[0], due_date__lte=period[1])
    counts = {
        "total": Sum("tasks"),
        "done": Sum("completed"),
        "on_time": Sum("completed_on_time"),
        "overdue": Sum(F("tasks") - F("completed"), filter=Q(due_date__lt=on)),
    }

    def rows(group, names=None):
        """Lines per ``group``; the inspectors' names come with them, the zones' from ``names``."""
        named = names is None
        out = []
        for row in lines.order_by().values(group, *(("inspector__name", "inspector__sort_key") if named else ())
                                           ).annotate(**counts):
            name, sort = (row["inspector__name"], row["inspector__sort_key"]) if named else names.get(
                row[group], ("", None))
            row = {k: row[k] or 0 for k in counts} | {"id": row[group] or None, "name": name, "sort": sort}
            out.append(row | {"rate": percent(row["done"], row["total"]), "on_time_rate": percent(row["on_time"], row["total"])})
        # rows without a zone last; then the zones' own order, inspectors by pinyin
        return sorted(out, key=lambda r: (r["id"] is None, r["sort"] if r["sort"] is not None else 0, r["id"] or 0))

    area = area_of(region)
    if groups and area is not None:
        found = list(lines.order_by().values("office__region_id").annotate(**counts))
        part_of = region_parts(area, {row["office__region_id"] for row in found})
        parts: dict = {}
        for row in found:
            part = part_of[row["office__region_id"]]
            entry = parts.setdefault(part.pk, {"id": part.pk, "name": part.name, "sort": part.code} | dict.fromkeys(counts, 0))
            for k in counts:
                entry[k] += row[k] or 0
        by_area = sorted(parts.values(), key=lambda r: r["sort"])
        for row in by_area:
            row.update(rate=percent(row["done"], row["total"]), on_time_rate=percent(row["on_time"], row["total"]))
        total = {k: sum(r[k] for r in by_area) for k in counts}
        total.update(rate=percent(total["done"], total["total"]), on_time_rate=percent(total["on_time"], total["total"]))
        return {"inspectors": [], "zones": [], "areas": by_area, "total": total, "period": period, "on": on}
    if groups:
        zones = {pk: (name, number) for pk, name, number in Zone.objects.filter(  # scope: the zones counted
            pk__in=lines.values("zone_key")).values_list("pk", "name", "number")}
        by_inspector, by_zone = rows("inspector_id"), rows("zone_key", zones)
        total = {k: sum(r[k] for r in by_inspector) for k in counts}
    else:
        by_inspector, by_zone = [], []
        total = {k: n or 0 for k, n in lines.order_by().aggregate(**counts).items()}
    total.update(rate=percent(total["done"], total["total"]), on_time_rate=percent(total["on_time"], total["total"]))
    return {"inspectors": by_inspector, "zones": by_zone, "areas": [], "total": total, "period": period, "on": on}
