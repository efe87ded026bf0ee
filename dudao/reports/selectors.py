"""Dashboards that span apps; every number comes from scoped selectors.

* Office and zone leader: coverage of the month, findings by checklist item, open and overdue
  rectifications, completion of tasks, with a drill-down office → zone → inspector → school.
* Inspector: their schools in order of priority with the reasons, visits due this month, open
  notices with their deadlines, their tasks and their draft visits.
* School liaison and principal: the school's open notices (returned first) with the way to answer,
  the latest visit record, public complaints being verified or handled, and open self-checks and
  self-assessments.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Subquery, Sum, Value, When, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import acts_for_office, roles_of, zones_of
from dudao.accounts.models import Role
from dudao.audit.models import AuditEvent
from dudao.campaigns.models import Campaign, CampaignTarget
from dudao.campaigns.selectors import target_list
from dudao.complaints.selectors import school_complaints_in_progress
from dudao.evaluations import visibility as evaluation_phases
from dudao.evaluations.models import Unit
from dudao.evaluations.selectors import unit_list
from dudao.inspections.models import FindingMonth, LessonObservation, Rectification, RectificationQuerySet, Visit
from dudao.inspections.selectors.rectifications import rectification_list, rectification_summary
from dudao.inspections.selectors.visits import (
    coverage_counts,
    coverage_summary,
    read_schools,
    visit_list,
)
from dudao.inspections.services.findings import item_name
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.selectors import overloaded_inspectors
from dudao.instruments.models import Item
from dudao.organizations.models import School, Zone
from dudao.organizations.selectors import current_listing_by_school, drill_region, zone_list_with_counts
from dudao.plans.models import Task, term_for
from dudao.plans.selectors import completion_period, task_completion, task_list

LESSON_GAP_DAYS = 60  # a school without an observed lesson for this long moves up the list
SCHOOL_SIDE_ROLES = frozenset({Role.SCHOOL_LIAISON, Role.PRINCIPAL})


@dataclass
class SchoolPriority:
    school: School
    listing: object
    reasons: list[str] = field(default_factory=list)
    weight: int = 0


DASHBOARD_ZONES = 20  # zones an office's dashboard lists; the zone list and the coverage page have them all


def dashboard_for(*, user, zone_id: int | None = None, inspector_id: int | None = None) -> dict:
    """The figures and lists a user's role needs on landing."""
    today = timezone.localdate()
    schools = School.objects.for_user(user).filter(is_active=True)
    kind_counts = _kind_counts(schools)
    data = {
        "today": today,
        "roles": sorted(roles_of(user)),
        "school_count": sum(n for _kind, n in kind_counts),
        "kind_counts": kind_counts,
        "is_inspector": Role.INSPECTOR in roles_of(user),
        "is_zone_leader": Role.ZONE_LEADER in roles_of(user),
    }
    loop = user.has_perm("inspections.view_visit")
    if acts_for_office(user):
        zones = zone_list_with_counts(user=user)
        shown, zone_count = first_and_count(zones, DASHBOARD_ZONES)
        # an anti-join on the listing's school: a province's 20 000 schools are not hashed against its listings
        listed = Exists(Listing.objects.current(today).filter(school=OuterRef("pk")))  # scope: the schools above
        unlisted, unlisted_count = first_and_count(schools.exclude(listed).order_by("sort_key"), 20)
        data.update(
            {
                "is_office": True,
                "zone_count": zone_count,
                "zones_over_limit": list(zones.filter(over_limit=True)),
                "inspector_count": Inspector.objects.for_user(user).filter(status=Inspector.Status.ACTIVE).count(),
                "unlisted_schools": unlisted,
                "unlisted_count": unlisted_count,
                "overloaded": overloaded_inspectors(user=user, on=today),
                "recent_events": AuditEvent.objects.for_user(user).select_related("actor").order_by("-seq")[:8],
                "zones": shown,
                "zones_more": zone_count - len(shown),
            }
        )
    else:
        my_schools = list(schools.select_related("region").order_by("sort_key")[:200])
        listings = current_listing_by_school(user=user, school_ids=[s.pk for s in my_schools])
        data.update(
            {
                "is_office": False,
                "my_schools": [(s, listings.get(s.pk)) for s in my_schools],
                "zones": Zone.objects.for_user(user).filter(pk__in=zones_of(user)),
            }
        )
        if roles_of(user) & SCHOOL_SIDE_ROLES:
            data.update(school_overview(user=user, school_ids=[s.pk for s in my_schools], today=today))
    if data["is_inspector"] or data["is_zone_leader"]:
        data["my_drafts"] = list(
            visit_list(user=user).filter(status=Visit.Status.DRAFT, created_by=user).order_by("-date", "-pk")[:20]
        )
    if loop and (acts_for_office(user) or data["is_inspector"] or data["is_zone_leader"]):
        data.update(loop_overview(user=user, today=today, zone_id=zone_id, inspector_id=inspector_id,
                                  priorities=bool(inspector_id) or data["is_inspector"] or data["is_zone_leader"]))
    return data


def first_and_count(rows, n: int) -> tuple[list, int]:
    """The first ``n`` of ``rows`` and, counted in the same query, how many there are."""
    first = list(rows.annotate(total_rows=Window(Count("pk")))[:n])
    return first, first[0].total_rows if first else 0


def loop_overview(*, user, today: datetime.date, zone_id=None, inspector_id=None, priorities=True) -> dict:
    """The supervision loop at a glance, drilled down to a zone or an inspector when asked. The
    schools in order of priority (``priorities``) are for an inspector's list and the drill-down
    to one inspector; an office's overview leaves them out."""
    if zone_id or priorities:
        coverage = coverage_summary(user=user, month=today, zone_id=zone_id, schools=False)
        rows = coverage.rows
    else:  # the office's overview: a line per zone (or, above a county, per part), counted by the database
        coverage, rows = coverage_counts(user=user, month=today, region=drill_region(user=user)), []
    if inspector_id:
        rows = [r for r in rows if r.inspector and r.inspector.pk == inspector_id]
    if priorities:
        read_schools(rows)
    summary = rectification_summary(user=user, on=today, groups=priorities)
    by_item = findings_by_item(user=user, year=today.year)
    open_notices = (
        rectification_list(user=user, on=today).filter(status__in=("issued", "returned", "submitted"))
        .order_by("deadline")[:12]
    )
    tasks = task_list(user=user).filter(status=Task.Status.OPEN)
    if not acts_for_office(user):
        tasks = tasks.filter(inspector__user=user)
    term_year, term = term_for(today)
    completion = task_completion(user=user, period=completion_period(term_year, term, on=today), on=today, groups=False)
    return {
        "coverage": coverage,
        "coverage_rows": rows,
        "visits_due": [r for r in rows if r.missing_month],
        "priorities": school_priorities(user=user, rows=rows, summary=summary, today=today) if priorities else [],
        "rectifications": summary,
        "open_notices": list(open_notices),
        "my_tasks": list(tasks.order_by("due_date")[:10]),
        "completion": completion,
        "findings_by_item": by_item,
        "findings_chart": findings_chart(by_item),
        "findings_chart_height": findings_chart_height(by_item),
        "drill_zone": zone_id,
        "drill_inspector": inspector_id,
        "coverage_by_zone": least_visited(coverage.by_zone),
        "coverage_zones_more": len(coverage.by_zone) - len(least_visited(coverage.by_zone)),
        "coverage_by_area": getattr(coverage, "by_area", []),
        "coverage_by_inspector": [g for g in getattr(coverage, "by_inspector", [])
                                  if not zone_id or any(r in rows for r in g.rows)],
    }


def least_visited(groups: list) -> list:
    """The coverage lines of the zones as they come, or, past ``DASHBOARD_ZONES`` (a province's 500),
    the zones with the smallest share of schools visited this month first."""
    if len(groups) <= DASHBOARD_ZONES:
        return groups
    return sorted(groups, key=lambda g: (g.visited_count / g.school_count if g.school_count else 1,
                                         -g.school_count))[:DASHBOARD_ZONES]


def school_priorities(*, user, rows, summary: dict, today: datetime.date) -> list[SchoolPriority]:
    """The schools of the coverage ``rows`` most in need of attention first, with the reasons."""
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
    return priorities


def school_overview(*, user, school_ids: list[int], today: datetime.date) -> dict:
    """What a school's liaison or principal acts on, each row one tap from its page: the open
    notices (returned first, then overdue, then by deadline) with the way to answer those still
    with the school, the latest visit record of each school, public complaints about the school
    being verified or handled, and the self-checks (专项督导) and self-assessments (督导评估) still
    to submit. A fixed number of queries whatever the number of rows."""
    notices = list(
        rectification_list(user=user, on=today)
        .filter(school_id__in=school_ids, status__in=RectificationQuerySet.OPEN)
        .annotate(with_school_rank=Case(When(status=Rectification.Status.RETURNED, then=Value(0)),
                                        When(status=Rectification.Status.ISSUED, then=Value(1)),
                                        default=Value(2), output_field=IntegerField()))
        .order_by("with_school_rank", "-overdue", "deadline", "pk")
    )
    can_answer = user.has_perm(Rectification.TRANSITIONS["submit"].permission)
    for notice in notices:
        notice.answer_url = (notice.get_absolute_url() + "#answer-form"
                             if can_answer and notice.status in Rectification.TRANSITIONS["submit"].sources else "")
    latest = (
        Visit.objects.filter(school_id=OuterRef("school_id"), status=Visit.Status.SUBMITTED)  # scope: the outer visit
        .order_by("-date", "-pk").values("pk")[:1]
    )
    latest_visits = list(
        visit_list(user=user).filter(school_id__in=school_ids, status=Visit.Status.SUBMITTED, pk=Subquery(latest))
        .order_by("school__sort_key")
    )
    self_checks = list(
        target_list(user=user).filter(school_id__in=school_ids, status=CampaignTarget.Status.NOTIFIED,
                                      campaign__status=Campaign.Status.LAUNCHED)
        .order_by("campaign__self_check_due", "pk")
    )
    self_assessments = list(
        unit_list(user=user).filter(school_id__in=school_ids, status=Unit.Status.PENDING,
                                    evaluation__status__in=sorted(evaluation_phases.SELF_ASSESSMENT_PHASES))
        .order_by("evaluation__self_assessment_due", "pk")
    )
    return {
        "is_school": True,
        "school_notices": notices,
        "latest_visits": latest_visits,
        "school_complaints": school_complaints_in_progress(user=user, school_ids=school_ids, on=today),
        "open_self_checks": self_checks,
        "open_self_assessments": self_assessments,
    }


OTHER_GROUP = "other"


def findings_by_item(*, user, year: int | None = None, school_id: int | None = None,
                     since: datetime.date | None = None) -> list[dict]:
    """The findings of the ``year`` (or found since the first day of a month, ``since``; of one
    school when asked) per checklist item, grouped by instrument: the groups largest first and, in
    each, the items largest first. Versions of one instrument count as one item per code. Findings
    tied to no checklist item (an evaluation's demand, a code typed by hand) make one last row. Each
    row: ``group``, ``group_name``, ``name`` (the item's wording), ``n``. Added up from the findings
    per school, month and item (``FindingMonth``): two queries, whatever the years of findings."""
    if since is not None and since.day != 1:
        raise ValueError("findings are counted by month: since must be the first day of a month")
    lines = FindingMonth.objects.for_user(user)
    if year is not None:
        lines = lines.filter(month__year=year)
    if since is not None:
        lines = lines.filter(month__gte=since)
    if school_id is not None:
        lines = lines.filter(school_id=school_id)
    counts = dict(lines.order_by().values("item_key").annotate(n=Sum("findings")).values_list("item_key", "n"))
    other = counts.pop(0, 0)
    rows = (
        Item.objects.filter(pk__in=list(counts))  # scope: the items of the findings counted above
        .values("pk", "version__instrument_id", "version__instrument__name", "code", "text")
        .order_by("version__instrument_id", "code", "-version__number")
    )
    items: dict[tuple, dict] = {}
    for row in rows:
        instrument = row["version__instrument_id"]
        entry = items.setdefault((instrument, row["code"]), {
            "group": instrument, "group_name": row["version__instrument__name"],
            "name": item_name(row["text"]), "n": 0})
        entry["n"] += counts[row["pk"]]
    totals: dict[int, int] = {}
    for entry in items.values():
        totals[entry["group"]] = totals.get(entry["group"], 0) + entry["n"]
    out = sorted(items.values(), key=lambda e: (-totals[e["group"]], e["group_name"], -e["n"], e["name"]))
    if other:
        label = _("Not tied to a checklist item")
        out.append({"group": OTHER_GROUP, "group_name": label, "name": label, "n": other})
    return out


CHART_LABEL_CHARS = 16  # about two lines of the axis label on a phone
CHART_ROW_PX = 34


def _short_name(name: str, limit: int = CHART_LABEL_CHARS) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def findings_chart(by_item: list[dict]) -> dict:
    """An ECharts option: one horizontal bar per item, named by its wording (shortened and wrapped
    to stay readable on a phone; the tooltip has the whole wording), one colour per instrument."""
    labels = [_short_name(row["name"]) for row in by_item]
    groups = list(dict.fromkeys((row["group"], row["group_name"]) for row in by_item))
    series = [
        {"name": group_name, "type": "bar", "stack": "findings", "barMaxWidth": 22,
         "label": {"show": True, "position": "right"},
         "data": [{"value": row["n"], "name": row["name"]} if row["group"] == group else "-" for row in by_item]}
        for group, group_name in groups
    ]
    return {
        "tooltip": {"trigger": "item", "confine": True},
        "legend": {"type": "scroll", "top": 0, "left": 0, "right": 0},
        "grid": {"left": 4, "right": 28, "top": 36, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": labels,
                  "axisTick": {"show": False},
                  "axisLabel": {"interval": 0, "width": 112, "overflow": "break", "lineHeight": 14}},
        "series": series,
    }


def findings_chart_height(by_item: list[dict]) -> int:
    """Pixels for the chart: a fixed row per item, so labels never overlap however many there are."""
    return 60 + CHART_ROW_PX * max(len(by_item), 1)


def _kind_counts(schools) -> list[tuple[str, int]]:
    labels = dict(School.Kind.choices)
    rows = schools.values("kind").annotate(n=Count("pk")).order_by("kind")
    return [(str(labels.get(r["kind"], r["kind"])), r["n"]) for r in rows]
