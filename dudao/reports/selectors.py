"""Dashboards that span apps; every number comes from scoped selectors.

* Office and zone leader: coverage of the month, findings by checklist item, open and overdue
  rectifications, completion of tasks, with a drill-down office → zone → inspector → school.
* Inspector: their schools in order of priority with the reasons, visits due this month, open
  notices with their deadlines, and their tasks.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.models import Role
from dudao.audit.models import AuditEvent
from dudao.inspections.models import Finding, LessonObservation, Rectification
from dudao.inspections.selectors_rectifications import rectification_list, rectification_summary
from dudao.inspections.selectors_visits import coverage_summary
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.selectors import overloaded_inspectors
from dudao.organizations.models import School, Zone
from dudao.organizations.selectors import current_listing_by_school, zone_list_with_counts
from dudao.plans.models import Task, term_for
from dudao.plans.selectors import completion_period, task_completion, task_list

LESSON_GAP_DAYS = 60  # a school without an observed lesson for this long moves up the list


@dataclass
class SchoolPriority:
    school: School
    listing: object
    reasons: list[str] = field(default_factory=list)
    weight: int = 0


def dashboard_for(*, user, zone_id: int | None = None, inspector_id: int | None = None) -> dict:
    """The figures and lists a user's role needs on landing."""
    today = timezone.localdate()
    scope = user.scope
    schools = School.objects.for_user(user).filter(is_active=True)
    data = {
        "today": today,
        "roles": sorted(scope.roles),
        "school_count": schools.count(),
        "kind_counts": _kind_counts(schools),
        "is_inspector": Role.INSPECTOR in scope.roles,
        "is_zone_leader": Role.ZONE_LEADER in scope.roles,
    }
    loop = user.has_perm("inspections.view_visit")
    if scope.is_office:
        zones = list(zone_list_with_counts(user=user))
        listed = Listing.objects.for_user(user).current(today).values("school_id")
        data.update(
            {
                "is_office": True,
                "zone_count": len(zones),
                "zones_over_limit": [z for z in zones if z.over_limit],
                "inspector_count": Inspector.objects.for_user(user).filter(status=Inspector.Status.ACTIVE).count(),
                "unlisted_schools": schools.exclude(pk__in=listed).order_by("sort_key")[:20],
                "unlisted_count": schools.exclude(pk__in=listed).count(),
                "overloaded": overloaded_inspectors(user=user, on=today),
                "recent_events": AuditEvent.objects.for_user(user).order_by("-seq")[:8],
                "zones": zones,
            }
        )
    else:
        my_schools = list(schools.select_related("region").order_by("sort_key")[:200])
        listings = current_listing_by_school(user=user, school_ids=[s.pk for s in my_schools])
        data.update(
            {
                "is_office": False,
                "my_schools": [(s, listings.get(s.pk)) for s in my_schools],
                "zones": Zone.objects.for_user(user).filter(pk__in=scope.zone_ids),
            }
        )
    if loop and (scope.is_office or data["is_inspector"] or data["is_zone_leader"]):
        data.update(loop_overview(user=user, today=today, zone_id=zone_id, inspector_id=inspector_id))
    return data


def loop_overview(*, user, today: datetime.date, zone_id=None, inspector_id=None) -> dict:
    """The supervision loop at a glance, drilled down to a zone or an inspector when asked."""
    coverage = coverage_summary(user=user, month=today, zone_id=zone_id)
    rows = coverage.rows
    if inspector_id:
        rows = [r for r in rows if r.inspector and r.inspector.pk == inspector_id]
    summary = rectification_summary(user=user, on=today)
    open_by_school = {r["id"]: r for r in summary["by_school"]}
    school_ids = [r.school.pk for r in rows]
    returned = set(
        Rectification.objects.for_user(user).filter(status=Rectification.Status.RETURNED, school_id__in=school_ids)
        .values_list("school_id", flat=True)
    )
    # only the recent past matters: a school with no lesson in the window is flagged either way
    since = today - datetime.timedelta(days=LESSON_GAP_DAYS)
    last_lesson = dict(
        LessonObservation.objects.filter(  # scope: schools read through for_user above
            visit__school_id__in=school_ids, visit__status="submitted", visit__date__gte=since,
        ).values("visit__school_id").annotate(last=Max("visit__date")).values_list("visit__school_id", "last")
    )
    priorities = []
    for row in rows:
        item = SchoolPriority(school=row.school, listing=row.inspector)
        counts = open_by_school.get(row.school.pk, {})
        if counts.get("overdue"):
            item.reasons.append(_("{n} overdue notices").format(n=counts["overdue"]))
            item.weight += 100 + counts["overdue"]
        if row.school.pk in returned:
            item.reasons.append(_("a returned notice waits for the school"))
            item.weight += 50
        if row.missing_month:
            item.reasons.append(_("no visit yet this month"))
            item.weight += 30
        if row.school.pk not in last_lesson:
            item.reasons.append(_("no lesson observed for {days}+ days").format(days=LESSON_GAP_DAYS))
            item.weight += 10
        if counts.get("open") and not counts.get("overdue"):
            item.reasons.append(_("{n} open notices").format(n=counts["open"]))
            item.weight += 5
        priorities.append(item)
    priorities.sort(key=lambda p: (-p.weight, p.school.sort_key))
    year = today.year
    by_item = list(
        Finding.objects.for_user(user).filter(found_on__year=year)
        .values("item_code", "item__text").annotate(n=Count("pk")).order_by("item_code")
    )
    open_notices = (
        rectification_list(user=user, on=today).filter(status__in=("issued", "returned", "submitted"))
        .order_by("deadline")[:12]
    )
    tasks = task_list(user=user).filter(status=Task.Status.OPEN)
    if not user.scope.is_office:
        tasks = tasks.filter(inspector__user=user)
    term_year, term = term_for(today)
    completion = task_completion(user=user, period=completion_period(term_year, term, on=today), on=today)
    return {
        "coverage": coverage,
        "coverage_rows": rows,
        "visits_due": [r for r in rows if r.missing_month],
        "priorities": priorities,
        "rectifications": summary,
        "open_notices": list(open_notices),
        "my_tasks": list(tasks.order_by("due_date")[:10]),
        "completion": completion,
        "findings_by_item": by_item,
        "findings_chart": {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 10, "top": 10, "bottom": 90},
            "xAxis": {"type": "category", "axisLabel": {"interval": 0, "rotate": 30},
                      "data": [_item_label(row) for row in by_item]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [{"type": "bar", "data": [row["n"] for row in by_item]}],
        },
        "drill_zone": zone_id,
        "drill_inspector": inspector_id,
        "coverage_by_zone": coverage.by_zone,
        "coverage_by_inspector": [g for g in coverage.by_inspector
                                  if not zone_id or any(r in rows for r in g.rows)],
    }


def _item_label(row) -> str:
    """A short axis label: the item's code and the start of its text (school and kindergarten
    checklists share codes)."""
    text = (row["item__text"] or "").rstrip("。")
    return f"{row['item_code']} {text[:6]}".strip() if row["item_code"] else _("Other")


def _kind_counts(schools) -> list[tuple[str, int]]:
    labels = dict(School.Kind.choices)
    rows = schools.values("kind").annotate(n=Count("pk")).order_by("kind")
    return [(str(labels.get(r["kind"], r["kind"])), r["n"]) for r in rows]
