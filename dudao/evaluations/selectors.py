"""Scoped reads of evaluations shared by the pages, the API, the Excel export and the documents.

Every function takes the user; rows come through ``for_user`` and the phase rules of
``dudao.evaluations.visibility`` decide what of a row is shown (results, sheets).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from dudao.evaluations import scoring
from dudao.evaluations import visibility as v
from dudao.evaluations.models import Evaluation, Evidence, Rater, Rating, SiteVisit, Unit
from dudao.instruments.selectors import item_specs, version_items


def evaluation_list(*, user):
    """Evaluations the user may see, with their office and instrument (constant queries)."""
    return (Evaluation.objects.for_user(user).select_related("office__region", "version__instrument")
            .order_by("-year", "-pk"))


def evaluation_get(*, user, evaluation_id: int) -> Evaluation:
    return (Evaluation.objects.for_user(user).select_related("office__region", "version__instrument")
            .get(pk=evaluation_id))


def is_office(*, user, evaluation: Evaluation) -> bool:
    """The user runs the evaluation (its office's region, or above)."""
    return Evaluation.objects.for_user(user, "change").filter(pk=evaluation.pk).exists()


def rater_of(*, user, evaluation: Evaluation) -> Rater | None:
    return Rater.objects.filter(evaluation=evaluation, user=user).select_related("group").first()  # scope: own row


@dataclass
class Viewer:
    """How a user stands to one evaluation (computed in two queries)."""

    office: bool
    rater: Rater | None

    def results_visible(self, evaluation: Evaluation) -> bool:
        return v.results_visible(evaluation.status, office=self.office)


def viewer(*, user, evaluation: Evaluation) -> Viewer:
    return Viewer(office=is_office(user=user, evaluation=evaluation), rater=rater_of(user=user, evaluation=evaluation))


def unit_list(*, user, evaluation: Evaluation | None = None):
    """Units the user may see (of one evaluation), in a constant number of queries."""
    qs = Unit.objects.for_user(user).select_related("evaluation__office__region", "school", "region")
    if evaluation is not None:
        qs = qs.filter(evaluation=evaluation)
    return qs.order_by("evaluation", "name")


def unit_get(*, user, unit_id: int) -> Unit:
    return (Unit.objects.for_user(user).select_related("evaluation__office__region", "evaluation__version__instrument",
                                                       "school", "region").get(pk=unit_id))


def rating_list(*, user, evaluation: Evaluation | None = None, unit: Unit | None = None):
    """The sheets the user may see: all for the office, their own for a rater, the others' of a unit
    only once their own sheet of it is submitted; none for a unit."""
    qs = Rating.objects.for_user(user).select_related("rater__user", "rater__group", "unit")
    if evaluation is not None:
        qs = qs.filter(unit__evaluation=evaluation)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("unit__name", "rater_id")


def rating_get(*, user, rating_id: int) -> Rating:
    return (Rating.objects.for_user(user)
            .select_related("rater__user", "rater__group", "unit__evaluation__version__instrument",
                            "unit__evaluation__office__region", "unit__school")
            .get(pk=rating_id))


def evidence_list(*, user, unit: Unit):
    return Evidence.objects.for_user(user).filter(unit=unit).select_related("uploaded_by").order_by("item_code", "pk")


def visit_list(*, user, unit: Unit):
    return SiteVisit.objects.for_user(user).filter(unit=unit).select_related("recorded_by").order_by("date", "pk")


def indicator_rows(evaluation: Evaluation) -> list:
    """The indicator tree (items with ``depth``) of the evaluation's frozen version."""
    return version_items(version=evaluation.version)


def specs(evaluation: Evaluation):
    return item_specs(version=evaluation.version)


# ---- results ---------------------------------------------------------------------------------------

@dataclass
class Results:
    """What the results page shows; ``sheets`` and ``agreement`` only for the office."""

    units: list
    top: list  # first-level indicators (items)
    leaves: list
    distribution: dict
    agreement: dict = field(default_factory=dict)  # unit id -> {"spread": {code: Spread}, "outliers": [rater]}
    rater_totals: dict = field(default_factory=dict)  # unit id -> {rater name: total}
    gaps: dict = field(default_factory=dict)  # unit id -> {"total": Decimal, "leaves": {code: Decimal}}


def _histogram(totals: list[Decimal], maximum: Decimal | None, bins: int = 10) -> dict:
    if not totals or not maximum:
        return {"labels": [], "counts": []}
    step = maximum / bins
    counts = [0] * bins
    for total in totals:
        counts[min(int(total / step), bins - 1)] += 1
    labels = [f"{scoring.round_score(step * i).normalize():f}–{scoring.round_score(step * (i + 1)).normalize():f}"
              for i in range(bins)]
    return {"labels": labels, "counts": counts}


def results(*, user, evaluation: Evaluation) -> Results | None:
    """The ranking, distribution, per-indicator scores and self vs. rater gaps of the units the user
    may see — None while the phase hides them from this user. The office also gets the rater
    agreement (spread per leaf, outlier raters)."""
    who = viewer(user=user, evaluation=evaluation)
    if not who.results_visible(evaluation):
        return None
    units = [u for u in unit_list(user=user, evaluation=evaluation) if u.total is not None]
    units.sort(key=lambda u: (u.rank or 10**9, u.name))
    items = indicator_rows(evaluation)
    out = Results(units=units, top=[i for i in items if i.depth == 0],
                  leaves=[i for i in items if i.response_type != "section"],
                  distribution=_histogram([u.total for u in units], units[0].maximum if units else None))
    item_specs_ = specs(evaluation)
    for unit in units:
        if unit.self_scores:
            self_points = scoring.sheet_points(item_specs_, unit.self_scores)
            leaf_gaps = scoring.gaps(self_points, {k: Decimal(x) for k, x in unit.leaf_points.items()})
            out.gaps[unit.pk] = {"total": (unit.self_total - unit.total) if unit.self_total is not None else None,
                                 "leaves": leaf_gaps}
    if who.office:
        sheets: dict[int, list] = defaultdict(list)
        names: dict[int, str] = {}
        for rating in rating_list(user=user, evaluation=evaluation).filter(status=Rating.Status.SUBMITTED):
            names[rating.rater_id] = str(rating.rater)
            sheets[rating.unit_id].append(scoring.Sheet(rater=rating.rater_id, group=rating.rater.group.kind,
                                                        answers=rating.scores))
        for unit in units:
            unit_sheets = sheets.get(unit.pk, [])
            totals = {s.rater: scoring.sheet_total(item_specs_, s.answers, veto_cap=evaluation.veto_cap)
                      for s in unit_sheets}
            floor = (unit.maximum or Decimal(100)) * Decimal("0.05")
            out.agreement[unit.pk] = {
                "spread": scoring.leaf_spread(item_specs_, unit_sheets),
                "outliers": sorted(names[r] for r in scoring.outlier_raters(totals, floor=floor)),
            }
            out.rater_totals[unit.pk] = {names[r]: t for r, t in totals.items()}
    return out


def chart_data(res: Results) -> dict:
    """The JSON the ECharts on the results page draw (distribution, per-indicator comparison, gaps)."""
    return {
        "distribution": res.distribution,
        "units": [u.name for u in res.units],
        "totals": [float(u.total) for u in res.units],
        "self_totals": [float(u.self_total) if u.self_total is not None else None for u in res.units],
        "indicators": [f"{i.code} {i.text}" for i in res.top],
        "series": [{"name": u.name, "data": [float(u.node_points.get(i.code, 0)) for i in res.top]}
                   for u in res.units[:8]],
    }


# ---- the reports' section --------------------------------------------------------------------------

def evaluation_report_rows(*, user, subject=None, start, end) -> list[dict]:
    """The evaluations of the period for a drafted work report (``reports.drafting.SECTIONS``):
    those the user may see whose notice or results fall in ``start``–``end``."""
    rows = []
    for evaluation in evaluation_list(user=user).exclude(status=v.DRAFT).filter(
            updated_at__date__gte=start, created_at__date__lte=end).annotate(unit_count=Count("units")):
        units = evaluation.unit_count
        rows.append({"name": evaluation.title, "date": str(evaluation.year),
                     "detail": f"{evaluation.get_status_display()}，{units}个单位"})
    return rows
