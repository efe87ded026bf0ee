"""Scoped reads of visits (督导记录), their evidence files, the checklist a visit is recorded on,
and the monthly and term coverage of schools.

Who sees which visit: ``Visit.objects.for_user`` gives the schools (office: its region; zone
leader: the zone's schools; inspector: the schools listed to them; liaison and principal: their
school). On top of that, a **draft is private to the person recording it**: everybody else,
the school included, sees a visit only once it is submitted (on-the-spot feedback, STANDARDS
§1.5–§1.6). Every page, API, export and count reads through ``visit_list``/``visit_get``.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from dudao.accounts.access import office_regions, sees_everything, zones_of
from dudao.core.scope import ancestor_paths
from dudao.inspections.models import Attachment, LessonObservation, Visit, VisitMonth
from dudao.inspectors.models import Inspector, Listing
from dudao.instruments.models import Answer, Instrument, InstrumentVersion, Item
from dudao.instruments.national import KINDERGARTEN_CHECKLIST, SCHOOL_CHECKLIST
from dudao.organizations.models import Office, Region, School, Zone, ZoneMembership
from dudao.organizations.selectors import ZONE_STAMPS, area_of, region_parts

# ---- visibility ------------------------------------------------------------------------------


def visit_visible_q(user, prefix: str = "") -> Q:
    """Submitted visits, and the user's own drafts (unrestricted users see every draft)."""
    if sees_everything(user):
        return Q()
    return Q(**{f"{prefix}status": Visit.Status.SUBMITTED}) | Q(**{f"{prefix}created_by": user.pk})


def visit_list(*, user):
    """Visits the user may see, with what the list, the export and the API show."""
    return (
        Visit.objects.for_user(user, "view")
        .filter(visit_visible_q(user))
        .select_related("school", "inspector", "created_by")
        # a correlated count, so a page of 25 visits never groups every visit in scope
        .annotate(lesson_count=Coalesce(Subquery(
            LessonObservation.objects.filter(visit=OuterRef("pk"))  # scope: through the visit
            .order_by().values("visit").annotate(n=Count("pk")).values("n")[:1]
        ), 0))
    )


def visit_get(*, user, pk: int) -> Visit:
    """One visible visit with its lessons, files and checklist (``DoesNotExist`` → 404).

    The checklist comes in a query of its own: joining its version and instrument (and the response)
    to the visit's five tables made PostgreSQL plan eight tables for one row, the largest single cost
    of a visit's page (4.9 → 2.8 ms with the checklist's own query, on a province).
    The answers are read by the response's id (``visit_answers``)."""
    visit = (
        Visit.objects.for_user(user, "view")
        .filter(visit_visible_q(user))
        .select_related("school__region", "inspector", "created_by")
        .prefetch_related(
            Prefetch("lessons", queryset=LessonObservation.objects.order_by("pk")),  # scope: through the visit
            Prefetch("attachments", queryset=Attachment.objects.order_by("pk")),  # scope: through the visit
        )
        .get(pk=pk)
    )
    if visit.checklist_id:
        visit.checklist = (InstrumentVersion.objects.select_related("instrument")  # scope: the visit's checklist
                           .get(pk=visit.checklist_id))
    return visit


def visit_editable_get(*, user, pk: int) -> Visit:
    """A visit the user may still change: their own draft in their change scope.

    Invisible → ``DoesNotExist`` (404); visible but someone else's or in another state → the
    caller decides (``visit_is_editable``).
    """
    return Visit.objects.for_user(user, "view").filter(visit_visible_q(user)).select_related("school").get(pk=pk)


def visit_is_editable(*, user, visit: Visit, in_change_scope: bool | None = None) -> bool:
    """Whether ``user`` may still change ``visit``; ``in_change_scope`` when the caller asked already."""
    return (
        visit.status == Visit.Status.DRAFT
        and visit.created_by_id == user.pk
        and user.has_perm("inspections.change_visit")
        and (Visit.objects.for_user(user, "change").filter(pk=visit.pk).exists()
             if in_change_scope is None else in_change_scope)
    )


def checklist_items(version) -> list:
    """The items of a checklist version in tree order (a section, then its items), each with ``depth``."""
    if version is None:
        return []
    items = list(version.items.order_by("position", "pk"))  # scope: the version a visible visit or school uses
    children: dict[int | None, list] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    out = []

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            item.depth = depth
            out.append(item)
            walk(item.pk, depth + 1)

    walk(None, 0)
    return out


def visit_answers(*, visit: Visit) -> list[dict]:
    """The checklist items of the visit's frozen version in order, each with its answer and note."""
    if not visit.checklist_id:
        return []
    items = checklist_items(visit.checklist)
    answers = {}
    if visit.response_id:
        answers = {a.item_id: a for a in Answer.objects.filter(response_id=visit.response_id)}  # scope: through the visit
    out = []
    for item in items:
        answer = answers.get(item.pk)
        value = answer.value if answer else None
        out.append({
            "display": "、".join(map(str, value)) if isinstance(value, list) else value,
            "item": item, "code": item.code, "text": item.text, "response_type": item.response_type,
            "value": value, "note": answer.note if answer else "",
            "is_problem": bool(answer and item.options and answer.value == item.options[-1]
                               and item.response_type == item.ResponseType.SINGLE_CHOICE),
        })
    return out


def visit_problem_answer(*, visit: Visit, code: str):
    """The item of the visit's own checklist with ``code`` and the note of its answer, as
    ``(item, note)``, to start a finding from; ``(None, "")`` when the checklist has no such item."""
    if not (code and visit.checklist_id):
        return None, ""
    item = (
        Item.objects.filter(version_id=visit.checklist_id, code=code)  # scope: the checklist of a visible visit
        .exclude(response_type=Item.ResponseType.SECTION).first()
    )
    if item is None:
        return None, ""
    answer = visit.response.answers.filter(item=item).first() if visit.response_id else None  # scope: through the visit
    return item, (answer.note if answer else "").strip()


def attachment_list(*, user):
    """Evidence files the user may open: those of the schools in scope, except the files of
    someone else's draft visit."""
    qs = Attachment.objects.for_user(user, "view").select_related("school")
    visible = visit_visible_q(user, prefix="visit__")
    return qs.filter(Q(visit__isnull=True) | visible) if visible else qs  # Q() | x would be x alone


def attachment_get(*, user, pk: int) -> Attachment:
    return attachment_list(user=user).get(pk=pk)


# ---- where an inspector may record visits ----------------------------------------------------


def visit_school_ids(*, user, on: datetime.date | None = None) -> set[int]:
    """Schools where ``user`` may record a visit today: those listed to their inspector record
    (挂牌) and, for a zone leader, the schools of their zone. Office users record none."""
    if not user.is_authenticated or not user.has_perm("inspections.add_visit"):
        return set()
    on = on or timezone.localdate()
    ids = set(Listing.objects.current(on).filter(inspector__user=user).values_list("school_id", flat=True))  # scope: the user's own listings
    zone_ids = zones_of(user)
    if zone_ids:
        ids |= set(
            ZoneMembership.objects.current(on).filter(zone_id__in=sorted(zone_ids))  # scope: the user's own zones
            .values_list("school_id", flat=True)
        )
    return ids


def visit_school_choices(*, user):
    """The schools offered in the visit form, in the user's scope and active."""
    ids = visit_school_ids(user=user)
    return School.objects.for_user(user, "view").filter(pk__in=sorted(ids), is_active=True).order_by("sort_key", "code")


# ---- the checklist a visit is recorded on ----------------------------------------------------


def routine_checklist_codes(*, kindergarten: bool) -> tuple[str, ...]:
    """Codes under which an office publishes its own routine checklist: the national code (an
    office's copy keeps it) or the same without ``national-`` (``school-routine``)."""
    national = (KINDERGARTEN_CHECKLIST if kindergarten else SCHOOL_CHECKLIST)["code"]
    return national, national.removeprefix("national-")


def checklist_for_school(*, school: School) -> InstrumentVersion | None:
    """The published routine checklist a visit to ``school`` is recorded on.

    The nearest office above the school (county before city before province) that has published
    its own routine checklist for the school's audience (kindergartens or schools) wins; else the
    national one shipped with the platform (挂牌督导办法 第四条, STANDARDS §1.4; kindergartens §2.2).
    """
    kindergarten = school.is_kindergarten
    audience = Instrument.Audience.KINDERGARTENS if kindergarten else Instrument.Audience.SCHOOLS
    codes = routine_checklist_codes(kindergarten=kindergarten)
    published = InstrumentVersion.Status.PUBLISHED
    paths = ancestor_paths(school.region.path)
    offices = {o.pk: o.region.path for o in Office.objects.filter(region__path__in=paths).select_related("region")}  # scope: the offices above a school the caller already reached
    versions = list(
        InstrumentVersion.objects.filter(  # scope: published checklists are readable by every user of the school's offices
            status=published, instrument__kind=Instrument.Kind.CHECKLIST, instrument__audience=audience,
            instrument__code__in=codes,
        )
        .filter(Q(instrument__office_id__in=list(offices)) | Q(instrument__office__isnull=True))
        .select_related("instrument")
        .order_by("-number")
    )

    def rank(version):
        office_id = version.instrument.office_id
        depth = len(offices[office_id]) if office_id else -1  # deeper path = nearer office
        return (depth, version.number)

    return max(versions, key=rank) if versions else None


def checklists_for_schools(*, schools) -> dict[int, InstrumentVersion | None]:
    """``checklist_for_school`` for each school (few distinct answers: memoised per office path and audience)."""
    memo: dict[tuple[str, bool], InstrumentVersion | None] = {}
    out = {}
    for school in schools:
        key = (school.region.path, school.is_kindergarten)
        if key not in memo:
            memo[key] = checklist_for_school(school=school)
        out[school.pk] = memo[key]
    return out


def checkin_points(*, schools) -> dict[int, dict]:
    """What the form needs to show a check-in's distance on the device, also offline: each school's
    coordinates (WGS-84, or none) and its office's radius, in one query for the offices."""
    paths = {p for school in schools for p in ancestor_paths(school.region.path)}
    radius = dict(Office.objects.filter(region__path__in=paths)  # scope: public (the radius of whoever owns the school)
                  .values_list("region__path", "checkin_radius_m"))
    out = {}
    for school in schools:
        owner = next((radius[p] for p in reversed(ancestor_paths(school.region.path)) if p in radius), None)
        out[school.pk] = {
            "lat": float(school.latitude) if school.latitude is not None else None,
            "lon": float(school.longitude) if school.longitude is not None else None,
            "radius": owner or settings.DUDAO_DEFAULT_CHECKIN_RADIUS_M,
        }
    return out


# ---- coverage ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A school term: spring = February to July, autumn = September to January (next year).

    August (summer holiday) belongs to the autumn term that starts in September, so a visit in
    August counts for no term and the coverage page of August shows the coming term.
    """

    start: datetime.date
    end: datetime.date
    season: str  # "spring" | "autumn"
    year: int  # the calendar year the term starts in


def term_for(day: datetime.date) -> Term:
    if 2 <= day.month <= 7:
        return Term(datetime.date(day.year, 2, 1), datetime.date(day.year, 7, 31), "spring", day.year)
    start_year = day.year - 1 if day.month == 1 else day.year
    return Term(datetime.date(start_year, 9, 1), datetime.date(start_year + 1, 1, 31), "autumn", start_year)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


MONTHLY_FLOOR = 1  # 挂牌督导办法: "每月不得少于1次" (STANDARDS §0, §1.5)
TERM_FLOOR = 2  # 教育督导条例 第十四条: "每学期不得少于2次" (STANDARDS §0, §5.2)
DETAIL_LIMIT = 400  # past this many schools, the coverage page lists zones and a zone its schools


@dataclass
class CoverageRow:
    school_id: int
    month_visits: int
    term_visits: int
    zone: Zone | None
    inspector: Inspector | None
    school: School | None = None  # read with the rows, or later by ``Coverage.read_schools``
    month_unchecked: int = 0  # submitted visits of the month without a valid check-in

    @property
    def missing_month(self) -> bool:
        return self.month_visits < MONTHLY_FLOOR

    @property
    def below_term(self) -> bool:
        return self.term_visits < TERM_FLOOR


class _Rows:
    """The schools of ``rows`` not visited in the month, and how many were."""

    @property
    def missing(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.missing_month]

    @property
    def school_count(self) -> int:
        return len(self.rows)

    @property
    def missing_count(self) -> int:
        return len(self.missing)

    @property
    def visited_count(self) -> int:
        return len(self.rows) - len(self.missing)

    @property
    def below_term_count(self) -> int:
        return sum(r.below_term for r in self.rows)

    @property
    def unchecked_count(self) -> int:
        """Submitted visits of the month without a valid check-in (入校签到)."""
        return sum(r.month_unchecked for r in self.rows)


@dataclass
class CoverageGroup(_Rows):
    key: object  # a Zone, an Inspector, or None
    rows: list[CoverageRow] = field(default_factory=list)


@dataclass
class Coverage(_Rows):
    month: datetime.date
    month_end: datetime.date
    term: Term
    rows: list[CoverageRow]
    by_zone: list[CoverageGroup]
    by_inspector: list[CoverageGroup]

    @property
    def below_term(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.below_term]


SCHOOL_FIELDS = ("pk", "name", "code", "sort_key", "region_id")  # what the pages show: no datetimes to parse


def read_schools(rows: list[CoverageRow]) -> list[CoverageRow]:
    """Fills in the school of coverage rows read without (``coverage_summary(schools=False)``), in one query."""
    schools = School.objects.only(*SCHOOL_FIELDS).in_bulk(  # scope: the rows' schools were read through for_user
        [r.school_id for r in rows if r.school is None])
    for row in rows:
        row.school = row.school or schools[row.school_id]
    return rows


def can_see_coverage(user) -> bool:
    """Whoever reads visits; the scope decides which schools (a school sees only itself)."""
    return user.is_authenticated and user.has_perm("inspections.view_visit")


def _coverage_window(user, month: datetime.date | None) -> tuple[datetime.date, datetime.date, Term, datetime.date]:
    """The month's first and last day, its term, and the day whose zones and listings count: the end
    of the month, or today for the current month. Refused to whoever may not see coverage."""
    if not can_see_coverage(user):
        raise PermissionDenied
    today = timezone.localdate()
    first, last = month_bounds(month or today)
    return first, last, term_for(first), min(last, today) if first <= today else last


def coverage_summary(*, user, month: datetime.date | None = None, zone_id: int | None = None,
                     schools: bool = True, region: Region | None = None) -> Coverage:
    """Submitted visits per school in ``month`` and in its term, grouped per zone and per inspector.

    The schools are the active schools in the user's scope: an office its region's, a zone leader
    the zone's, an inspector those listed to them, a liaison or principal their own. Zone and listed inspector are those of the end
    of the month (or today for the current month). Seven queries whatever the number of schools;
    without ``schools``, the rows hold only the school's id (a province's counts need no more).
    """
    first, last, term, on = _coverage_window(user, month)
    in_scope = _active_schools(user, region)
    if zone_id:
        in_scope = in_scope.filter(pk__in=ZoneMembership.objects.current(on).filter(  # scope: narrowing the schools above
            zone_id=zone_id).values("school_id"))
    in_scope = in_scope.order_by("sort_key", "code")
    month_visits, unchecked = _submitted_visits_and_unchecked(in_scope, first, last)
    term_visits = _submitted_visits(in_scope, term.start, term.end)
    zone_of = _current(ZoneMembership, in_scope, on, "zone_id")
    inspector_of = _current(Listing, in_scope, on, "inspector_id")
    if schools:
        read = [(school.pk, school) for school in in_scope.only(*SCHOOL_FIELDS)]
    else:
        read = [(pk, None) for pk in in_scope.values_list("pk", flat=True)]
    zones = {zone.pk: zone for zone in Zone.objects.for_user(user, "view").select_related("office").filter(
        pk__in=ZoneMembership.objects.current(on).filter(school__in=in_scope).values("zone_id"))}  # scope: as above
    inspectors = {inspector.pk: inspector for inspector in Inspector.objects.for_user(user, "view").filter(
        pk__in=Listing.objects.current(on).filter(school__in=in_scope).values("inspector_id"),  # scope: as above
    ).only("pk", "name", "sort_key", "office_id")}
    rows = [
        CoverageRow(school_id=pk, month_visits=month_visits.get(pk, 0), term_visits=term_visits.get(pk, 0),
                    zone=zones.get(zone_of.get(pk)), inspector=inspectors.get(inspector_of.get(pk)), school=school,
                    month_unchecked=unchecked.get(pk, 0))
        for pk, school in read
    ]
    return Coverage(
        month=first, month_end=last, term=term, rows=rows,
        by_zone=_group(rows, lambda r: r.zone, lambda z: (z.office_id, z.number, z.pk)),
        by_inspector=_group(rows, lambda r: r.inspector, lambda i: (i.sort_key, i.pk)),
    )


@dataclass
class ZoneCounts:
    """A line of coverage counts: of a zone (``None`` for schools in no zone), or of a part of an area
    (a city of a province, a county of a city; the area itself for the schools directly under it)."""

    key: Zone | Region | None
    school_count: int = 0
    visited_count: int = 0
    below_term_count: int = 0
    unchecked_count: int = 0

    @property
    def missing_count(self) -> int:
        return self.school_count - self.visited_count


@dataclass
class CoverageCounts(ZoneCounts):
    """The counts of ``coverage_summary`` per zone and in all, without a row per school: what an
    office above a few hundred schools is shown."""

    month: datetime.date | None = None
    month_end: datetime.date | None = None
    term: Term | None = None
    by_zone: list[ZoneCounts] = field(default_factory=list)
    area: Region | None = None  # above a county: the region whose parts are counted
    by_area: list[ZoneCounts] = field(default_factory=list)


NARROW_SCOPE = 2000  # schools; see ``coverage_counts``
COUNTED = ("school_count", "visited_count", "below_term_count", "unchecked_count")


def parse_month(value: str | None) -> datetime.date | None:
    """The first day of a ``YYYY-MM`` month, or ``None`` for anything else."""
    try:
        year, month = (int(p) for p in (value or "").split("-", 1))
        return datetime.date(year, month, 1)
    except ValueError:
        return None


def _active_schools(user, region: Region | None):
    schools = School.objects.for_user(user, "view").filter(is_active=True)
    if region is None or office_regions(user) == (region.path,):  # the scope is that subtree already
        return schools
    return schools.filter(region__path__startswith=region.path)


def coverage_counts(*, user, month: datetime.date | None = None, region: Region | None = None) -> CoverageCounts:
    """``coverage_summary`` counted by the database in one query: the schools in scope (under
    ``region`` when given) and the submitted visits of the month and of the term grouped per school,
    joined and counted per zone (the school's at the end of the month) or, when ``region`` is above
    a county, per part of it (a province's cities, a city's counties). A province's 20 000 schools
    never become Python rows. Three queries; four with the parts."""
    first, last, term, on = _coverage_window(user, month)
    area = area_of(region)
    schools = _active_schools(user, region).order_by().values("pk", "region_id")
    zone_of = ZoneMembership.objects.current(on).order_by().values("school_id", "zone_id")  # scope: joined to the schools above

    # a few thousand schools read their own months through the (school, month) key; more, the months
    # of every school are grouped at once and the join keeps the scope's (counted no further than
    # the limit: a province's 20 000 schools, 2.8 → 0.8 ms)
    narrow = schools[:NARROW_SCOPE + 1].count() <= NARROW_SCOPE
    months = VisitMonth.objects.filter(school__in=schools.values("pk")) if narrow else VisitMonth.objects.all()  # scope: the schools above

    def visits(start, end):
        return (months.filter(month__range=(start, end)).order_by().values("school_id")
                .annotate(n=Sum("submitted"), unchecked=Sum("unchecked")).values("school_id", "n", "unchecked"))

    parts = [query.query.sql_with_params() for query in (schools, zone_of, visits(first, last), visits(term.start, term.end))]
    key, join = ("s.key", "") if area else ("z.zone_id", "LEFT JOIN z ON z.school_id = s.id ")
    sql = (
        "WITH s(id, key) AS ({}), z(school_id, zone_id) AS ({}), m(school_id, n, unchecked) AS ({}), "
        "t(school_id, n, unchecked) AS ({}) "
        f"SELECT {key}, COUNT(*), "
        "SUM(CASE WHEN COALESCE(m.n, 0) >= %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN COALESCE(t.n, 0) < %s THEN 1 ELSE 0 END), "
        "SUM(COALESCE(m.unchecked, 0)) "
        f"FROM s {join}LEFT JOIN m ON m.school_id = s.id LEFT JOIN t ON t.school_id = s.id GROUP BY {key}"
    ).format(*(part_sql for part_sql, _params in parts))
    params = [p for _sql, part_params in parts for p in part_params] + [MONTHLY_FLOOR, TERM_FLOOR]
    with connections[schools.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    total = CoverageCounts(None, month=first, month_end=last, term=term, area=area)
    if area:  # a line per township, gathered into the parts of the area
        part_of = region_parts(area, {region_id for region_id, *_counts in found})
        keys = {region_id: part_of[region_id] for region_id, *_counts in found}
    else:  # a zone the user may not see counts with the schools in none
        zones = Zone.objects.for_user(user, "view").select_related("office").defer(*ZONE_STAMPS).in_bulk(
            {zone_id for zone_id, *_counts in found if zone_id is not None})
        keys = {zone_id: zones.get(zone_id) for zone_id, *_counts in found}
    lines: dict[int | None, ZoneCounts] = {}
    for found_key, *counts in found:
        line_key = keys[found_key]
        for line in (lines.setdefault(line_key.pk if line_key else None, ZoneCounts(line_key)), total):
            for name, n in zip(COUNTED, counts, strict=True):
                setattr(line, name, getattr(line, name) + int(n or 0))
    if area:
        total.by_area = sorted(lines.values(), key=lambda line: (line.key.pk != area.pk, line.key.path))
        return total
    known = sorted((line for key, line in lines.items() if key is not None),
                   key=lambda line: (line.key.office_id, line.key.number, line.key.pk))
    total.by_zone = known + ([lines[None]] if None in lines else [])
    return total


def _submitted_visits(schools, first: datetime.date, last: datetime.date) -> dict[int, int]:
    """school id → its submitted visits in the months from ``first`` to ``last`` (``VisitMonth``)."""
    return _submitted_visits_and_unchecked(schools, first, last)[0]


def _submitted_visits_and_unchecked(schools, first: datetime.date, last: datetime.date
                                    ) -> tuple[dict[int, int], dict[int, int]]:
    """``_submitted_visits`` and, in the same query, school id → those without a valid check-in."""
    rows = (
        VisitMonth.objects.filter(school__in=schools, month__range=(first, last))  # scope: counting for schools read through for_user
        .order_by().values("school").annotate(n=Sum("submitted"), unchecked=Sum("unchecked"))
        .values_list("school", "n", "unchecked")
    )
    counts, unchecked = {}, {}
    for school, n, without in rows:
        counts[school] = n
        if without:
            unchecked[school] = without
    return counts, unchecked


def _current(model, schools, on: datetime.date, column: str) -> dict[int, int]:
    """school id → ``column`` of its period of ``model`` current on ``on`` (periods never overlap;
    of two the later start wins)."""
    return dict(
        model.objects.current(on).filter(school__in=schools)  # scope: the schools read through for_user
        .order_by("school_id", "valid_from").values_list("school_id", column)
    )


def _group(rows, key_of, order) -> list[CoverageGroup]:
    groups: dict[object, CoverageGroup] = {}
    for row in rows:
        key = key_of(row)
        groups.setdefault(key.pk if key else None, CoverageGroup(key=key)).rows.append(row)
    known = sorted((g for k, g in groups.items() if k is not None), key=lambda g: order(g.key))
    return known + ([groups[None]] if None in groups else [])


def coverage_zone_choices(*, user, region: Region | None = None):
    zones = Zone.objects.for_user(user, "view").select_related("office")
    if region is not None:
        zones = zones.filter(office__region__path__startswith=region.path)
    return zones.order_by("office__region__path", "number", "pk")
