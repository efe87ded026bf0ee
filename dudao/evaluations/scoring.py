"""Scores of an evaluation (督导评估) — pure functions on plain values, no ORM.

They build on the instrument engine (``dudao.instruments.scoring``: ``ItemSpec``, ``score_tree``,
``aggregate``) and add what an evaluation with several raters needs. The rules, in order:

1. **A rater's sheet** holds one value per scored leaf (``score``: points from 0 to the leaf's
   maximum; ``yes_no``: yes/no; ``rating``: a label). ``leaf_points`` turns a value into the
   leaf's own points: its fraction (instrument rules) × its worth (``max_score``, 1 without one).
   A submitted sheet must answer every scored leaf (``sheet_problems``) and explain every point it
   deducts: a leaf scored below its worth needs a deduction note (扣分说明, ``missing_notes``).
2. **Consensus per leaf.** For each scored leaf the raters' points are combined with the
   evaluation's rule — ``mean``, ``median`` or ``trimmed_mean`` (drops one highest and one lowest
   when there are three or more) — or, weighted by rater group, each group combined with that rule
   and the groups averaged with their weights (normalised over the groups present). The consensus
   of a leaf is **rounded half up to 2 decimals** (``consensus_points``). It does not depend on the
   order of the raters.
3. **The unit's tree.** The consensus points are scored over the indicator tree with
   ``score_tree``: sections add their children; an item or section with a ``weight`` is rescaled to
   be worth exactly its weight (a veto item with weight 0 is worth nothing but still vetoes). The
   total and the per-indicator scores are rounded half up to 2 decimals once, at the end; with a
   points system (no weights) the total is exactly the sum of the rounded leaf consensus.
4. **Veto (一票否决).** A veto leaf fails when its consensus is 0 points (with ``median`` a
   majority of raters failed it; with ``mean`` all did). Any failed veto caps the total at the
   evaluation's ``veto_cap`` (e.g. 0, or 59 to keep a score below the pass mark) and sets the grade
   to its ``veto_grade`` (e.g. 不合格), whatever the points.
5. **Grade.** Without a veto the grade is the first band whose lower bound (a percentage of the
   maximum) the total reaches: ``((90, "优秀"), (75, "良好"), (60, "合格"), (0, "不合格"))`` by default.
6. **Ranking** (``rank``): by total, highest first; equal totals share a rank and the next rank
   skips (1, 2, 2, 4); vetoed units come after every unit that was not vetoed.
7. **Rater agreement.** ``leaf_spread`` gives per leaf the lowest, highest, range and population
   standard deviation of the raters' points. ``outlier_raters`` flags a rater whose total lies more
   than ``k`` (default 2) standard deviations of the *other* raters' totals from their mean, and at
   least ``floor`` points away from it (so two identical colleagues do not make every difference an
   outlier). It needs at least two other raters.
8. **Self-assessment gaps** (``gaps``): self-assessed points minus consensus points, per leaf and
   in total (positive: the unit rated itself higher than the raters).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Context, Decimal, localcontext

from dudao.instruments.scoring import (
    SCORE,
    ZERO,
    ItemSpec,
    aggregate,
    aggregate_by_group,
    leaf_fraction,
    leaf_worth,
    round_score,
    score_tree,
    to_decimal,
    validate_answer,
)

_CONTEXT = Context(prec=28)
DEFAULT_BANDS: tuple[tuple[int, str], ...] = ((90, "优秀"), (75, "良好"), (60, "合格"), (0, "不合格"))
DEFAULT_VETO_GRADE = "不合格"


@dataclass(frozen=True)
class Sheet:
    """One rater's scores of one unit: ``answers`` maps leaf codes to values."""

    rater: object
    group: str
    answers: Mapping[str, object]


@dataclass(frozen=True)
class UnitScore:
    total: Decimal
    maximum: Decimal
    raw_total: Decimal
    vetoed: tuple[str, ...]
    grade: str
    leaves: dict[str, Decimal] = field(default_factory=dict)
    nodes: dict[str, Decimal] = field(default_factory=dict)  # every item and section, rounded


def scored_leaves(items: Sequence[ItemSpec]) -> list[ItemSpec]:
    return [item for item in items if item.is_scored]


def leaf_points(item: ItemSpec, value) -> Decimal:
    """The leaf's own points for ``value`` (before any weight): fraction × worth; None → 0."""
    with localcontext(_CONTEXT):
        return leaf_fraction(item, value) * leaf_worth(item)


def sheet_problems(items: Sequence[ItemSpec], answers: Mapping[str, object]) -> dict[str, list[str]]:
    """Problems of a sheet to be submitted: every scored leaf answered with a valid value."""
    from django.utils.translation import gettext as _

    errors: dict[str, list[str]] = {}
    for item in scored_leaves(items):
        value = answers.get(item.code)
        if value is None:
            errors[item.code] = [_("Score this indicator.")]
            continue
        problems = validate_answer(item, value)
        if problems:
            errors[item.code] = problems
    return errors


def deductions(items: Sequence[ItemSpec], answers: Mapping[str, object]) -> dict[str, Decimal]:
    """Points deducted per answered leaf (worth − points), only where something was deducted."""
    out = {}
    for item in scored_leaves(items):
        value = answers.get(item.code)
        if value is None or validate_answer(item, value):
            continue
        lost = leaf_worth(item) - leaf_points(item, value)
        if lost > 0:
            out[item.code] = lost
    return out


def missing_notes(items: Sequence[ItemSpec], answers: Mapping[str, object], notes: Mapping[str, str]) -> list[str]:
    """Codes of the leaves that lost points without a deduction note (扣分说明)."""
    return [code for code in deductions(items, answers) if not str(notes.get(code) or "").strip()]


def points_specs(items: Sequence[ItemSpec]) -> list[ItemSpec]:
    """The tree with every scored leaf turned into a ``score`` leaf worth its points, so that
    consensus points (numbers) score over it with the same weights and veto flags."""
    out = []
    for item in items:
        if item.is_section:
            out.append(item)
        elif item.is_scored:
            out.append(replace(item, response_type=SCORE, options=(), max_score=leaf_worth(item)))
    return out


def consensus_points(items: Sequence[ItemSpec], sheets: Sequence[Sheet], method: str = "mean",
                     group_weights: Mapping[str, object] | None = None) -> dict[str, Decimal]:
    """Per scored leaf, the raters' points combined by ``method`` (by group when ``group_weights``
    is given), rounded half up to 2 decimals. Leaves no sheet answered are left out."""
    out: dict[str, Decimal] = {}
    for item in scored_leaves(items):
        pairs = [(sheet.group, leaf_points(item, sheet.answers.get(item.code)))
                 for sheet in sheets if sheet.answers.get(item.code) is not None]
        if not pairs:
            continue
        if group_weights is not None:
            out[item.code] = aggregate_by_group(pairs, group_weights, method)
        else:
            out[item.code] = aggregate((p for _g, p in pairs), method)
    return out


def grade_for(total, maximum, *, vetoed: bool = False, bands: Iterable = DEFAULT_BANDS,
              veto_grade: str = DEFAULT_VETO_GRADE) -> str:
    """The grade of a total: ``veto_grade`` when vetoed, else the first band (percent of the
    maximum, highest first) the total reaches; "" without bands or maximum."""
    if vetoed:
        return veto_grade
    total, maximum = to_decimal(total), to_decimal(maximum)
    if maximum <= 0:
        return ""
    with localcontext(_CONTEXT):
        percent = total * 100 / maximum
    for bound, label in sorted(((to_decimal(b), label) for b, label in bands), key=lambda x: -x[0]):
        if percent >= bound:
            return label
    return ""


def unit_score(items: Sequence[ItemSpec], points: Mapping[str, object], *, veto_cap=ZERO,
               bands: Iterable = DEFAULT_BANDS, veto_grade: str = DEFAULT_VETO_GRADE) -> UnitScore:
    """Scores consensus (or self-assessed) leaf points over the tree: total, maximum, per-node
    scores, failed veto items and the grade (see the module docstring, rules 3–5)."""
    specs = points_specs(items)
    answers = {code: to_decimal(value) for code, value in points.items()}
    tree = score_tree(specs, answers, veto_cap=veto_cap)
    return UnitScore(
        total=tree.total, maximum=tree.maximum, raw_total=tree.raw_total, vetoed=tree.vetoed,
        grade=grade_for(tree.total, tree.maximum, vetoed=bool(tree.vetoed), bands=bands, veto_grade=veto_grade),
        leaves={code: round_score(value) for code, value in answers.items()},
        nodes={code: round_score(node.earned) for code, node in tree.nodes.items()},
    )


def sheet_points(items: Sequence[ItemSpec], answers: Mapping[str, object]) -> dict[str, Decimal]:
    """A sheet's answered leaves as points."""
    return {item.code: leaf_points(item, answers[item.code]) for item in scored_leaves(items)
            if answers.get(item.code) is not None}


def sheet_total(items: Sequence[ItemSpec], answers: Mapping[str, object], *, veto_cap=ZERO) -> Decimal:
    """One rater's total for a unit (weights and veto applied), rounded to 2 decimals."""
    return unit_score(items, sheet_points(items, answers), veto_cap=veto_cap, bands=()).total


def rank(totals: Mapping[object, object], vetoed: Iterable = ()) -> dict[object, int]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; vetoed units after the others."""
    vetoed = set(vetoed)
    keys = {unit: (unit in vetoed, -to_decimal(total)) for unit, total in totals.items()}
    out: dict[object, int] = {}
    previous = None
    for position, unit in enumerate(sorted(keys, key=keys.get), start=1):
        out[unit] = out[previous] if previous is not None and keys[previous] == keys[unit] else position
        previous = unit
    return out


@dataclass(frozen=True)
class Spread:
    low: Decimal
    high: Decimal
    range: Decimal
    sd: Decimal


def _sd(values: Sequence[Decimal]) -> Decimal:
    """Population standard deviation (0 for fewer than two values)."""
    if len(values) < 2:
        return ZERO
    with localcontext(_CONTEXT):
        mean = sum(values, ZERO) / len(values)
        return (sum(((v - mean) ** 2 for v in values), ZERO) / len(values)).sqrt()


def leaf_spread(items: Sequence[ItemSpec], sheets: Sequence[Sheet]) -> dict[str, Spread]:
    """Per scored leaf with answers: the raters' lowest and highest points, range and SD (rounded)."""
    out = {}
    for item in scored_leaves(items):
        values = [leaf_points(item, s.answers[item.code]) for s in sheets if s.answers.get(item.code) is not None]
        if values:
            out[item.code] = Spread(round_score(min(values)), round_score(max(values)),
                                    round_score(max(values) - min(values)), round_score(_sd(values)))
    return out


def outlier_raters(totals: Mapping[object, object], *, k=2, floor=ZERO) -> set:
    """Raters whose total is more than ``k`` SD of the others' totals from the others' mean and at
    least ``floor`` points from it. Needs two or more other raters; the order does not matter."""
    values = {rater: to_decimal(v) for rater, v in totals.items()}
    flagged = set()
    if len(values) < 3:
        return flagged
    k, floor = to_decimal(k), to_decimal(floor)
    with localcontext(_CONTEXT):
        for rater, value in values.items():
            others = [v for r, v in values.items() if r != rater]
            mean = sum(others, ZERO) / len(others)
            deviation = abs(value - mean)
            if deviation > k * _sd(others) and deviation >= floor and deviation > 0:
                flagged.add(rater)
    return flagged


def gaps(self_points: Mapping[str, object], consensus: Mapping[str, object]) -> dict[str, Decimal]:
    """Self-assessed minus consensus points for every leaf both have (positive: rated higher)."""
    return {code: round_score(to_decimal(self_points[code]) - to_decimal(consensus[code]))
            for code in consensus if self_points.get(code) is not None}


def is_finite_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and math.isfinite(value)


def score_evaluation(items: Sequence[ItemSpec], sheets_by_unit: Mapping[object, Sequence[Sheet]], *,
                     method: str = "mean", group_weights: Mapping[str, object] | None = None, veto_cap=ZERO,
                     bands: Iterable = DEFAULT_BANDS, veto_grade: str = DEFAULT_VETO_GRADE
                     ) -> tuple[dict[object, UnitScore], dict[object, int]]:
    """Every unit's score from its raters' sheets (rules 2–5) and the ranking (rule 6)."""
    bands = tuple(bands)
    scores = {
        unit: unit_score(items, consensus_points(items, sheets, method, group_weights), veto_cap=veto_cap,
                         bands=bands, veto_grade=veto_grade)
        for unit, sheets in sheets_by_unit.items()
    }
    ranks = rank({unit: s.total for unit, s in scores.items()}, [unit for unit, s in scores.items() if s.vetoed])
    return scores, ranks
