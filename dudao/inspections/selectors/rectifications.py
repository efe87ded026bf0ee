"""Scoped reads of the rectification loop, shared by pages, API, exports, dashboards and the
school's timeline.

"Overdue" is derived in SQL from the deadline and the state (STYLE §7.6), never stored: a notice
is overdue on ``on`` when it is still with the school (*issued* or *returned*) and its deadline
is before ``on``. A submitted notice waits for the inspector and is not overdue.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dudao.core.tables import order_rows
from dudao.core.tally import percent
from dudao.inspections.filters.rectifications import RectificationFilterSet
from dudao.inspections.models import (
    DeadlinePolicy,
    Escalation,
    Finding,
    FindingMonth,
    NoticeCount,
    Recheck,
    Rectification,
    RectificationQuerySet,
    RectificationResponse,
    Severity,
)
from dudao.inspectors.models import Listing
from dudao.organizations.models import Region, School, ZoneMembership
from dudao.organizations.selectors import area_of, region_parts

WITH_SCHOOL = ("issued", "returned")


def overdue_q(on: datetime.date) -> Q:
    return Q(status__in=WITH_SCHOOL, deadline__lt=on)


def overdue_expression(on: datetime.date):
    return Case(When(overdue_q(on), then=Value(True)), default=Value(False), output_field=BooleanField())


def _current(on):
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def listed_inspector_name(*, user, on, school_ref="school_id"):
    """A subquery: the name of the inspector listed at the row's school on ``on``."""
    rows = Listing.objects.for_user(user).filter(_current(on), school_id=OuterRef(school_ref))
    return Subquery(rows.order_by("-valid_from", "-pk").values("inspector__name")[:1])


def zone_name(*, user, on, school_ref="school_id"):
    """A subquery: the name of the zone the row's school is in on ``on``."""
    rows = ZoneMembership.objects.for_user(user).filter(_current(on), school_id=OuterRef(school_ref))
    return Subquery(rows.order_by("-valid_from", "-pk").values("zone__name")[:1])


# ---- findings ----------------------------------------------------------------------------------

def finding_list(*, user, on: datetime.date | None = None):
    """Findings in scope, with the state of their latest notice (``notice_status``)."""
    on = on or timezone.localdate()
    latest = Rectification.objects.for_user(user).filter(finding=OuterRef("pk")).order_by("-issued_on", "-pk")
    return (
        Finding.objects.for_user(user)
        .select_related("school", "visit", "item", "created_by")
        .annotate(notice_status=Subquery(latest.values("status")[:1]),
                  inspector_name=listed_inspector_name(user=user, on=on))
    )


def finding_get(*, user, pk: int) -> Finding:
    return (
        finding_list(user=user).prefetch_related("attachments")
        .select_related("visit__checklist__instrument").get(pk=pk)
    )


def finding_notices(*, user, finding):
    return rectification_list(user=user).filter(finding=finding).order_by("-issued_on", "-pk")


# ---- notices -----------------------------------------------------------------------------------

def rectification_list(*, user, on: datetime.date | None = None):
    """Notices in scope, annotated in SQL with ``overdue`` (bool, on ``on``, default today), the
    school's listed inspector ``inspector_name`` and zone ``zone_name``."""
    on = on or timezone.localdate()
    return (
        Rectification.objects.for_user(user)
        .select_related("school", "finding", "issued_by")
        .annotate(overdue=overdue_expression(on), inspector_name=listed_inspector_name(user=user, on=on),
                  zone_name=zone_name(user=user, on=on))
    )


# The notices list: its sort keys (``?sort=key``, ``-key`` descending), one per sortable column of the
# page, with the fields they sort by, and its order without one.
RECTIFICATION_SORTS = {"number": "number", "school.name": "school__sort_key", "zone_name": "zone_name",
                       "inspector_name": "inspector_name", "finding.severity": "finding__severity",
                       "issued_on": "issued_on", "deadline": "deadline", "status": "status"}
RECTIFICATION_ORDERING = ("deadline", "pk")


def rectification_filters(*, user, params) -> RectificationFilterSet:
    """The notices list's filters bound to ``params`` (the page's query) over the notices ``user`` sees."""
    return RectificationFilterSet(params or None, queryset=rectification_list(user=user), user=user)


def rectifications_listed(*, user, params, filters: RectificationFilterSet | None = None):
    """The notices of the list page for ``params`` (its query: filters and ``sort``), in its order. The
    page, its Excel export and the batch of 整改通知书 read this, so each holds the rows the page shows;
    ``filters``: the page's own ``rectification_filters``, read once."""
    filters = filters if filters is not None else rectification_filters(user=user, params=params)
    rows = filters.qs if filters.is_bound and filters.is_valid() else filters.queryset
    return order_rows(rows, params.get("sort", ""), RECTIFICATION_SORTS, RECTIFICATION_ORDERING)


def rectification_get(*, user, pk: int, on: datetime.date | None = None) -> Rectification:
    """One notice in scope with its finding, answers and their files, re-checks and escalations."""
    return (
        rectification_list(user=user, on=on)
        .select_related("finding__item", "finding__visit", "finding__created_by", "school__region")
        .prefetch_related("responses__attachments", "responses__submitted_by", "rechecks__checked_by",
                          "escalations__recorded_by", "finding__attachments")
        .get(pk=pk)
    )


def overdue_list(*, user, on: datetime.date | None = None):
    """Overdue notices in scope, oldest deadline first, with how often the school answered and how
    often the office escalated. For the office and the zone leader (STANDARDS §7.2)."""
    on = on or timezone.localdate()
    answers = RectificationResponse.objects.filter(rectification=OuterRef("pk")).order_by().values(  # scope: the outer notice
        "rectification").annotate(n=Count("pk")).values("n")
    escalations = Escalation.objects.filter(rectification=OuterRef("pk")).order_by().values(  # scope: the outer notice
        "rectification").annotate(n=Count("pk")).values("n")
    return (
        rectification_list(user=user, on=on).filter(overdue_q(on))
        .annotate(answer_count=Subquery(answers[:1]), escalation_count=Subquery(escalations[:1]))
        .order_by("deadline", "pk")
    )


def rectification_summary(*, user, on: datetime.date | None = None, groups: bool = True) -> dict:
    """Open, overdue, awaiting re-check and closed notices in scope, and open/overdue per school,
    zone and listed inspector: the figures dashboards show, added up from the notices per school,
    status and deadline (``NoticeCount``). A fixed number of queries; without ``groups``, one, and
    the lists per school, zone and inspector are empty."""
    on = on or timezone.localdate()
    qs = NoticeCount.objects.for_user(user)
    open_q = Q(status__in=RectificationQuerySet.OPEN)
    totals = {name: n or 0 for name, n in qs.aggregate(
        open=Sum("notices", filter=open_q), overdue=Sum("notices", filter=overdue_q(on)),
        awaiting_recheck=Sum("notices", filter=Q(status="submitted")), closed=Sum("notices", filter=Q(status="closed")),
    ).items()}
    if not groups:
        return {**totals, "by_school": [], "by_zone": [], "by_inspector": []}
    per_school = list(
        qs.filter(open_q).values("school_id", "school__name")
        .annotate(open=Sum("notices"), overdue=Coalesce(Sum("notices", filter=overdue_q(on)), 0))
        .order_by("school__sort_key")
    )
    with_open = qs.filter(open_q).values("school_id")
    zones = {school: (pk, name) for school, pk, name in (
        ZoneMembership.objects.for_user(user).filter(_current(on), school_id__in=with_open)
        .values_list("school_id", "zone_id", "zone__name"))}
    inspectors = {school: (pk, name) for school, pk, name in (
        Listing.objects.for_user(user).filter(_current(on), school_id__in=with_open)
        .values_list("school_id", "inspector_id", "inspector__name"))}

    def grouped(owner_of):
        out: dict = {}
        for row in per_school:
            key, name = owner_of.get(row["school_id"], (None, ""))
            entry = out.setdefault(key, {"id": key, "name": name, "open": 0, "overdue": 0})
            entry["open"] += row["open"]
            entry["overdue"] += row["overdue"]
        return sorted(out.values(), key=lambda e: (-e["overdue"], -e["open"], e["name"]))

    return {
        **totals,
        "by_school": [{"id": r["school_id"], "name": r["school__name"], "open": r["open"], "overdue": r["overdue"]}
                      for r in sorted(per_school, key=lambda r: (-r["overdue"], -r["open"]))],
        "by_zone": grouped(zones),
        "by_inspector": grouped(inspectors),
    }


PROBLEM_COUNTS = ("findings", "notices", "open", "overdue", "awaiting_recheck", "closed")


def problems_by_region(*, user, year: int, region: Region | None = None, on: datetime.date | None = None) -> dict:
    """The findings of ``year`` and where the notices stand on ``on`` (all notices, whatever the
    year), in ``region`` when given: above a county a line per part of it (a province's cities, a
    city's counties; the region itself for schools directly under it), else a line per zone (the
    school's zone on ``on``; ``None`` for schools in none). Each line and the total hold
    ``PROBLEM_COUNTS`` and ``closed_rate``, the closed notices' share in per cent. Added up from
    ``FindingMonth`` and ``NoticeCount``: four queries whatever the number of schools and rows."""
    on = on or timezone.localdate()
    findings = FindingMonth.objects.for_user(user).filter(month__year=year)
    notices = NoticeCount.objects.for_user(user)
    memberships = ZoneMembership.objects.for_user(user).filter(_current(on))
    if region is not None:
        findings, notices, memberships = (
            rows.filter(school__region__path__startswith=region.path) for rows in (findings, notices, memberships))
    area = area_of(region)
    key = "school__region_id" if area else "school_id"
    found: dict[int, dict] = {}
    for row in findings.order_by().values(key).annotate(n=Sum("findings")):
        found.setdefault(row[key], dict.fromkeys(PROBLEM_COUNTS, 0))["findings"] += row["n"]
    open_q = Q(status__in=RectificationQuerySet.OPEN)
    for row in notices.order_by().values(key).annotate(
            n_notices=Sum("notices"), n_open=Coalesce(Sum("notices", filter=open_q), 0),
            n_overdue=Coalesce(Sum("notices", filter=overdue_q(on)), 0),
            n_awaiting_recheck=Coalesce(Sum("notices", filter=Q(status="submitted")), 0),
            n_closed=Coalesce(Sum("notices", filter=Q(status="closed")), 0)):
        counts = found.setdefault(row[key], dict.fromkeys(PROBLEM_COUNTS, 0))
        for name in PROBLEM_COUNTS[1:]:
            counts[name] += row[f"n_{name}"]
    if area:
        part_of = region_parts(area, set(found))
        owner_of = {k: (part.pk, part.name, (part.pk != area.pk, part.path)) for k, part in part_of.items()}
    else:
        owner_of = {school: (zone, name, (False, office, number, zone)) for school, zone, name, office, number in
                    memberships.values_list("school_id", "zone_id", "zone__name", "zone__office_id", "zone__number")}
    lines: dict = {}
    total = dict.fromkeys(PROBLEM_COUNTS, 0)
    for k, counts in found.items():
        pk, name, sort = owner_of.get(k, (None, "", (True,)))
        line = lines.setdefault(pk, {"id": pk, "name": name, "sort": sort} | dict.fromkeys(PROBLEM_COUNTS, 0))
        for target in (line, total):
            for name_ in PROBLEM_COUNTS:
                target[name_] += counts[name_]
    rows = sorted(lines.values(), key=lambda line: line["sort"])
    for line in (*rows, total):
        line["closed_rate"] = percent(line["closed"], line["notices"])
        line.pop("sort", None)
    return {"areas": rows if area else [], "zones": [] if area else rows, "total": total, "year": year, "on": on}


# ---- history and timeline ----------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineEntry:
    """One dated event of a school's record: what happened, when, and where to read it."""

    date: datetime.date
    kind: str  # finding, notice, answer, recheck, escalation
    title: str
    url: str
    at: datetime.datetime | None = None  # the time it was recorded, to order events of one day
    detail: str = ""
    obj: object = None

    @property
    def sort_key(self):
        order = ("finding", "notice", "answer", "recheck", "escalation")
        return (self.date, self.at or datetime.datetime.min.replace(tzinfo=datetime.UTC), order.index(self.kind))


def _notice_entries(rectifications, responses, rechecks, escalations) -> list[TimelineEntry]:
    out = []
    for r in rectifications:
        out.append(TimelineEntry(r.issued_on, "notice", _("Notice {number} issued, deadline {deadline}").format(
            number=r, deadline=formats.date_format(r.deadline, "DATE_FORMAT")), r.get_absolute_url(), r.created_at,
            r.requirements, r))
    for a in responses:
        out.append(TimelineEntry(timezone.localdate(a.submitted_at), "answer", _("The school answered notice {number}")
                                 .format(number=a.rectification), a.rectification.get_absolute_url() + f"#answer-{a.pk}",
                                 a.submitted_at, a.measures, a))
    for c in rechecks:
        title = (_("Re-check of notice {number}: {result}, closed") if c.closed
                 else _("Re-check of notice {number}: {result}, returned"))
        out.append(TimelineEntry(c.checked_on, "recheck", title.format(number=c.rectification,
                                                                        result=c.get_result_display()),
                                 c.rectification.get_absolute_url() + f"#recheck-{c.pk}", c.recorded_at, c.remarks, c))
    for e in escalations:
        out.append(TimelineEntry(e.date, "escalation", _("{kind} on notice {number}").format(
            kind=e.get_kind_display(), number=e.rectification), e.rectification.get_absolute_url() + f"#escalation-{e.pk}",
            e.recorded_at, e.note, e))
    return out


def rectification_history(*, rectification: Rectification) -> list[TimelineEntry]:
    """The notice's own history in order: issued, every answer, re-check and escalation. Takes a
    notice already read through the scope (``rectification_get``), whose relations are prefetched."""
    for rows in (rectification.responses.all(), rectification.rechecks.all(), rectification.escalations.all()):
        for row in rows:
            row.rectification = rectification  # the scoped, already loaded notice
    entries = _notice_entries([rectification], rectification.responses.all(), rectification.rechecks.all(),
                              rectification.escalations.all())
    return sorted(entries, key=lambda e: e.sort_key)


def school_rectification_events(*, user, school_id: int, year: int | None = None) -> list[TimelineEntry]:
    """A school's findings, notices, answers, re-checks and escalations as dated timeline entries
    (资源包), in order; the school's timeline merges them with its visits. A school outside the
    user's scope raises ``School.DoesNotExist`` (404)."""
    school = School.objects.for_user(user).get(pk=school_id)
    findings = Finding.objects.for_user(user).filter(school=school)
    every_notice = Rectification.objects.for_user(user).filter(school=school)
    notices = every_notice
    answers = RectificationResponse.objects.filter(rectification__in=every_notice).select_related(  # scope: notices
        "rectification")
    rechecks = Recheck.objects.filter(rectification__in=every_notice).select_related(  # scope: notices
        "rectification")
    escalations = Escalation.objects.filter(rectification__in=every_notice).select_related(  # scope: notices
        "rectification")
    if year is not None:  # each event by its own date: an answer in January to a December notice
        findings = findings.filter(found_on__year=year)
        notices = notices.filter(issued_on__year=year)
        answers = answers.filter(submitted_at__year=year)
        rechecks = rechecks.filter(checked_on__year=year)
        escalations = escalations.filter(date__year=year)
    entries = [
        TimelineEntry(f.found_on, "finding", _("Finding: {text}").format(text=f), f.get_absolute_url(), f.created_at,
                      f.description, f)
        for f in findings
    ]
    entries += _notice_entries(notices, answers, rechecks, escalations)
    return sorted(entries, key=lambda e: e.sort_key)


def deadline_policies(*, user, office) -> list[dict]:
    """Each severity with the office's days, whether it is the office's own setting or the default."""
    own = dict(
        DeadlinePolicy.objects.for_user(user).filter(office=office).values_list("severity", "days")
    )
    return [
        {"severity": value, "label": label, "days": own.get(value, DeadlinePolicy.DEFAULT_DAYS[value]),
         "default": DeadlinePolicy.DEFAULT_DAYS[value], "own": value in own}
        for value, label in Severity.choices
    ]
