"""The school at a glance (学校画像): what the platform knows of one school, each figure read from the
scoped selectors of its app and linked to its source — the school against the 2017 standards
(monitoring), visits of the last terms and findings by checklist item (inspections), open and overdue
notices, complaints and their satisfaction, surveys and evaluations. ``compare`` puts up to five
schools side by side.

Each part is one grouped query over the schools asked for, so the number of queries does not grow
with a school's visits, notices or complaints; the surveys and evaluations read are bounded
(``SURVEYS``, ``EVALUATIONS``). A section the user's role may not read is ``None``.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dudao.complaints.selectors import complaint_list, complaint_stats
from dudao.evaluations import visibility as evaluation_phases
from dudao.evaluations.models import Evaluation
from dudao.evaluations.selectors import unit_list
from dudao.inspections.models import Finding, Rectification, RectificationQuerySet, Visit
from dudao.inspections.selectors.rectifications import overdue_q, rectification_list
from dudao.inspections.selectors.visits import TERM_FLOOR, term_for, visit_list
from dudao.monitoring.selectors import school_balances
from dudao.organizations.models import School
from dudao.organizations.selectors import current_listing_by_school
from dudao.plans.models import Term as TermChoice
from dudao.reports.selectors import findings_by_item
from dudao.surveys.models import Survey, SurveyLink
from dudao.surveys.selectors import survey_results

TERMS = 4  # the current term and the three before it
MAX_COMPARED = 5
NOTICES = 10  # open notices listed on the portrait
SURVEYS = 3  # the latest surveys of the schools
EVALUATIONS = 3  # the latest evaluations of each school
RADAR_FULL = 150  # the radar's rim: 150 % of the standard, or the largest ratio when above it


@dataclass
class Portrait:
    school: School
    listing: object
    balance: dict | None
    terms: list[dict] | None
    findings: int | None
    notices: dict | None
    complaints: dict | None
    surveys: list[dict] | None
    evaluations: list[dict] | None
    links: dict = field(default_factory=dict)
    by_item: list[dict] = field(default_factory=list)
    open_notices: list = field(default_factory=list)


def last_terms(today: datetime.date, n: int = TERMS) -> list:
    """The term of ``today`` and the ``n - 1`` before it, the current first (the coverage pages' terms)."""
    terms = [term_for(today)]
    while len(terms) < n:
        terms.append(term_for(terms[-1].start - datetime.timedelta(days=32)))
    return terms


def term_label(term) -> str:
    season = TermChoice.SPRING.label if term.season == "spring" else TermChoice.AUTUMN.label
    return _("{year} {term}").format(year=term.year, term=season)


def too_many_message() -> str:
    return _("At most {n} schools can be compared: remove one before adding another.").format(n=MAX_COMPARED)


def schools_in_scope(*, user, school_ids) -> list[School]:
    """The schools asked for, in the order asked; ``School.DoesNotExist`` when one is outside the
    user's scope (404), ``ValidationError`` past ``MAX_COMPARED``."""
    ids = list(dict.fromkeys(int(pk) for pk in school_ids))
    if not ids:
        raise ValidationError(_("Choose at least one school."), code="empty")
    if len(ids) > MAX_COMPARED:
        raise ValidationError(too_many_message(), code="too_many")
    found = School.objects.for_user(user).select_related("region").in_bulk(ids)
    if len(found) < len(ids):
        raise School.DoesNotExist
    return [found[pk] for pk in ids]


def portraits(*, user, schools: list[School], today: datetime.date | None = None) -> list[Portrait]:
    """The figures of each school (the compare page's columns)."""
    today = today or timezone.localdate()
    ids = [s.pk for s in schools]
    terms = last_terms(today)
    listings = current_listing_by_school(user=user, school_ids=ids, on=today)
    balances = school_balances(user=user, school_ids=ids) if user.has_perm("monitoring.view_schoolreturn") else None
    loop = user.has_perm("inspections.view_visit")
    coverage = _coverage(user=user, school_ids=ids, terms=terms, today=today) if loop else None
    findings = _findings(user=user, school_ids=ids, since=terms[-1].start) if loop else None
    notices = _notices(user=user, school_ids=ids, today=today) if user.has_perm(
        "inspections.view_rectification") else None
    complaints = _complaints(user=user, school_ids=ids, today=today) if user.has_perm(
        "complaints.view_complaint") else None
    surveys = _surveys(user=user, school_ids=ids) if user.has_perm("surveys.view_survey") else None
    evaluations = _evaluations(user=user, school_ids=ids) if user.has_perm("evaluations.view_unit") else None
    out = []
    for school in schools:
        pk = school.pk
        out.append(Portrait(
            school=school, listing=listings.get(pk),
            balance=None if balances is None else balances.get(pk),
            terms=None if coverage is None else coverage[pk],
            findings=None if findings is None else findings.get(pk, 0),
            notices=None if notices is None else notices.get(pk, dict.fromkeys(NOTICE_COUNTS, 0)),
            complaints=None if complaints is None else complaints[pk],
            surveys=None if surveys is None else surveys.get(pk, []),
            evaluations=None if evaluations is None else evaluations.get(pk, []),
            links=_links(school),
        ))
    return out


def school_portrait(*, user, school_id: int, today: datetime.date | None = None) -> Portrait:
    """One school's portrait: the figures and, below them, the findings by checklist item of the
    last terms and the open notices (overdue first). ``School.DoesNotExist`` outside the scope."""
    today = today or timezone.localdate()
    school = School.objects.for_user(user).select_related("region").get(pk=school_id)
    portrait = portraits(user=user, schools=[school], today=today)[0]
    if portrait.terms is not None:
        portrait.by_item = findings_by_item(user=user, school_id=school.pk, since=last_terms(today)[-1].start)
    if portrait.notices is not None:
        portrait.open_notices = list(
            rectification_list(user=user, on=today).filter(school_id=school.pk, status__in=RectificationQuerySet.OPEN)
            .order_by("-overdue", "deadline", "pk")[:NOTICES])
    return portrait


# ---- the parts ---------------------------------------------------------------------------------

def _coverage(*, user, school_ids, terms, today) -> dict[int, list[dict]]:
    """Per school and term: submitted visits and the months with one, against the floors (a term
    still running counts its months so far). One query."""
    counts = {}
    for i, term in enumerate(terms):
        within = Q(date__range=(term.start, term.end))
        counts[f"v{i}"] = Count("pk", filter=within)
        counts[f"m{i}"] = Count(TruncMonth("date"), filter=within, distinct=True)
    rows = {
        row["school_id"]: row for row in
        visit_list(user=user).filter(school_id__in=school_ids, status=Visit.Status.SUBMITTED,
                                     date__range=(terms[-1].start, terms[0].end))
        .order_by().values("school_id").annotate(**counts)
    }
    out = {}
    for pk in school_ids:
        row = rows.get(pk, {})
        out[pk] = [{
            "label": term_label(term), "start": term.start, "end": term.end,
            "visits": row.get(f"v{i}", 0), "months_visited": row.get(f"m{i}", 0),
            "months": _months(term.start, min(term.end, today)), "floor": TERM_FLOOR,
            "below_floor": row.get(f"v{i}", 0) < TERM_FLOOR and term.end < today,
        } for i, term in enumerate(terms)]
    return out


def _months(first: datetime.date, last: datetime.date) -> int:
    """Calendar months from ``first`` to ``last`` (the term's months so far; August counts for none)."""
    if last < first:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _findings(*, user, school_ids, since) -> dict[int, int]:
    return dict(Finding.objects.for_user(user).filter(school_id__in=school_ids, found_on__gte=since)
                .order_by().values("school_id").annotate(n=Count("pk")).values_list("school_id", "n"))


NOTICE_COUNTS = ("open", "overdue", "awaiting_recheck", "closed")


def _notices(*, user, school_ids, today) -> dict[int, dict]:
    """Per school: open, overdue (on ``today``), awaiting re-check and closed notices. One query."""
    rows = (Rectification.objects.for_user(user).filter(school_id__in=school_ids).order_by().values("school_id")
            .annotate(open=Count("pk", filter=Q(status__in=RectificationQuerySet.OPEN)),
                      overdue=Count("pk", filter=overdue_q(today)),
                      awaiting_recheck=Count("pk", filter=Q(status=Rectification.Status.SUBMITTED)),
                      closed=Count("pk", filter=Q(status=Rectification.Status.CLOSED))))
    return {row.pop("school_id"): row for row in rows}


def _complaints(*, user, school_ids, today) -> dict[int, dict]:
    """Per school: ``complaints.selectors.complaint_stats`` over the school's complaints."""
    return {pk: complaint_stats(user=user, on=today, queryset=complaint_list(user=user, on=today).filter(school_id=pk))
            for pk in school_ids}


def _surveys(*, user, school_ids) -> dict[int, list[dict]]:
    """Per school: its satisfaction in the latest ``SURVEYS`` surveys (open or closed) of the schools,
    as the survey's results page counts it (``survey_results``)."""
    links = (SurveyLink.objects.for_user(user).filter(school_id__in=school_ids)
             .exclude(survey__status=Survey.Status.DRAFT).values_list("survey_id", flat=True).distinct())
    surveys = list(Survey.objects.for_user(user).filter(pk__in=links).select_related("version__instrument")
                   .order_by("-year", "-pk")[:SURVEYS])
    out: dict[int, list[dict]] = {}
    for survey in surveys:
        results = survey_results(user=user, survey=survey)
        for row in results.schools:
            if row.school.pk not in school_ids:
                continue
            out.setdefault(row.school.pk, []).append({
                "id": survey.pk, "title": survey.title, "year": survey.year,
                "responses": row.overall.responses, "percent": row.overall.percent,
                "passed": row.overall.passed, "threshold": None if survey.pass_threshold is None
                else (survey.pass_threshold * 100).quantize(Decimal("0.1")),
                "url": reverse("surveys:survey_results", args=[survey.pk]) + f"?school={row.school.pk}",
            })
    return out


def _evaluations(*, user, school_ids) -> dict[int, list[dict]]:
    """Per school: its latest ``EVALUATIONS`` evaluations with the score where the phase shows it to
    the user (``evaluations.visibility``)."""
    units = list(unit_list(user=user).filter(school_id__in=school_ids)
                 .order_by("school_id", "-evaluation__year", "-evaluation_id"))
    runs = set(Evaluation.objects.for_user(user, "change").filter(
        pk__in={u.evaluation_id for u in units}).values_list("pk", flat=True))
    out: dict[int, list[dict]] = {}
    for unit in units:
        rows = out.setdefault(unit.school_id, [])
        if len(rows) >= EVALUATIONS:
            continue
        evaluation = unit.evaluation
        shown = evaluation_phases.results_visible(evaluation.status, office=evaluation.pk in runs)
        rows.append({
            "id": unit.pk, "title": evaluation.title, "year": evaluation.year,
            "phase": evaluation.get_status_display(),
            "total": unit.total if shown else None, "maximum": unit.maximum if shown else None,
            "grade": unit.grade if shown else "", "rank": unit.rank if shown else None,
            "url": unit.get_absolute_url(),
        })
    return out


def _links(school: School) -> dict[str, str]:
    """Where each figure comes from: the lists filtered to the school, its timeline and page."""
    q = f"?school={school.pk}"
    return {
        "school": school.get_absolute_url(),
        "timeline": reverse("reports:school_timeline", args=[school.pk]),
        "visits": reverse("inspections:visit_list") + q,
        "findings": reverse("inspections:finding_list") + q,
        "notices": reverse("inspections:rectification_list") + q,
        "overdue": reverse("inspections:rectification_list") + q + "&overdue=yes",
        "complaints": reverse("complaints:complaint_list") + q,
        "returns": reverse("monitoring:return_list") + "?" + urlencode({"q": school.code}),
    }


# ---- the compare table ------------------------------------------------------------------------

def indicator_rows(items: list[Portrait]) -> list[dict]:
    """The 7 indicators as rows of the compare table: per school the stages' ratio to the standard
    and status (empty without a return)."""
    names: dict[str, str] = {}
    for p in items:
        for stage in (p.balance or {}).get("stages", []):
            for i in stage["indicators"]:
                names.setdefault(i["key"], f"{i['number']}. {i['name']}")
    return [{"name": name, "cells": [[
        {"stage": stage["label"], "status": i["status"],
         "percent": None if i["ratio"] is None else round(i["ratio"] * 100, 1)}
        for stage in (p.balance or {}).get("stages", []) for i in stage["indicators"] if i["key"] == key]
        for p in items]} for key, name in names.items()]


def term_rows(items: list[Portrait]) -> list[dict]:
    """The terms as rows of the compare table: per school its visits of the term."""
    if not items or items[0].terms is None:
        return []
    return [{"label": term["label"], "cells": [p.terms[k] for p in items]} for k, term in enumerate(items[0].terms)]


# ---- charts ------------------------------------------------------------------------------------

def radar_chart(items: list[Portrait]) -> dict | None:
    """An ECharts radar: each school's stage as a line of its 7 indicators in % of the standard in
    force, and the standard itself (100 %) as the reference; ``None`` without a return."""
    lines = [(p, stage) for p in items if p.balance for stage in p.balance["stages"]]
    if not lines:
        return None
    first = lines[0][1]["indicators"]
    ratios = [i["ratio"] for _p, stage in lines for i in stage["indicators"] if i["ratio"] is not None]
    rim = max([RADAR_FULL, *[round(r * 100) + 10 for r in ratios]])
    several = len(items) > 1
    series = [{"value": [100] * len(first), "name": _("Standard (100%)"),
               "lineStyle": {"type": "dashed"}, "symbol": "none"}]
    for portrait, stage in lines:
        name = f"{portrait.school.name} · {stage['label']}" if several or len(portrait.balance["stages"]) > 1 \
            else stage["label"]
        series.append({"name": name, "areaStyle": {"opacity": 0.08 if several else 0.2},
                       "value": [None if i["ratio"] is None else round(i["ratio"] * 100, 1)
                                 for i in stage["indicators"]]})
    return {
        "tooltip": {"trigger": "item", "confine": True},
        "legend": {"type": "scroll", "bottom": 0, "data": [s["name"] for s in series]},
        "radar": {"radius": "62%", "center": ["50%", "46%"],
                  "indicator": [{"name": f"{i['number']}. {i['name']}", "max": rim} for i in first],
                  "axisName": {"color": "#49566c"}},
        "series": [{"type": "radar", "data": series}],
    }

