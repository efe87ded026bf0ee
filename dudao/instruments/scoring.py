"""Answer validation, scoring and the aggregation of several raters — pure functions, no ORM.

Everything here works on plain values: ``ItemSpec`` describes one item of a version (build them
with ``dudao.instruments.selectors.item_specs``), answers are ``{item code: value}`` dicts, and
results are ``Decimal``. The same functions serve the monthly checklist, campaign self-checks,
evaluations scored by several raters and satisfaction questionnaires.

**Answer values** (what ``Answer.value`` holds, per response type):

=================== =========================================================
``yes_no``          ``True`` / ``False``
``rating``          one of the item's options (labels from low to high)
``score``           a finite number from 0 to the item's maximum
``number``          a finite number
``text``            a string
``single_choice``   one of the item's options
``multiple_choice`` a list of distinct options
``files``           a list of distinct attachment ids (positive integers)
``section``         no answer
=================== =========================================================

**Scores.** Only ``yes_no``, ``rating`` and ``score`` items are scored. A scored leaf is worth its
``max_score`` points (1 when it has none) and earns a fraction of it (``leaf_fraction``): yes 1 /
no 0; rating ``index / (options − 1)``; score ``value / max_score``. Unanswered scored items earn 0.
A section earns the sum of its children and is worth the sum of their worth. An item or section
with a ``weight`` is rescaled so that it is worth exactly its weight (earned ``× weight / worth``):
give points (``max_score``) and no weights for a points system that adds up to 100, or weights for
a weighted system. The total is the sum over the top level, its maximum the sum of their worth.

**Rounding.** Arithmetic is exact (``Decimal``, 28 significant digits); results are rounded once,
at the end, half up to 2 decimals (``round_score``). Nothing is rounded in between.

**Veto (一票否决).** A veto item fails when it is answered with its lowest value (no, 0 points,
the lowest rating). Any failed veto caps the total at ``veto_cap`` (default 0; pass e.g. 59 for
"fails the evaluation but keeps a score"). Unanswered veto items do not fail.

**Several raters.** ``aggregate`` combines rater totals by ``mean``, ``median`` or
``trimmed_mean`` (drops one highest and one lowest when there are at least 3, else the mean);
``aggregate_by_group`` first combines each rater group, then takes the groups' weighted mean with
the weights normalised over the groups present. All are independent of the raters' order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from numbers import Number

from django.utils.translation import gettext as _

SECTION = "section"
YES_NO = "yes_no"
RATING = "rating"
SCORE = "score"
NUMBER = "number"
TEXT = "text"
SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
FILES = "files"

RESPONSE_TYPES = (SECTION, YES_NO, RATING, SCORE, NUMBER, TEXT, SINGLE_CHOICE, MULTIPLE_CHOICE, FILES)
SCORED_TYPES = frozenset({YES_NO, RATING, SCORE})
CHOICE_TYPES = frozenset({RATING, SINGLE_CHOICE, MULTIPLE_CHOICE})

TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
_CONTEXT = Context(prec=28)

AGGREGATIONS = ("mean", "median", "trimmed_mean")


@dataclass(frozen=True)
class ItemSpec:
    """One item of an instrument version, as plain values.

    ``parent`` is the code of the enclosing section (None at the top level); items are listed in
    tree order (a parent before its children, siblings in their order).
    """

    code: str
    response_type: str
    parent: str | None = None
    options: tuple[str, ...] = ()
    max_score: Decimal | None = None
    weight: Decimal | None = None
    is_veto: bool = False
    required: bool = False
    evidence_required: bool = False

    @property
    def is_section(self) -> bool:
        return self.response_type == SECTION

    @property
    def is_scored(self) -> bool:
        return self.response_type in SCORED_TYPES


# ---- values ------------------------------------------------------------------------------------

def to_decimal(value) -> Decimal:
    """A number as an exact ``Decimal`` (floats through their shortest repr: 0.1 → Decimal('0.1'))."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (Number, str)):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _is_number(value) -> bool:
    """True for finite ints, floats and Decimals (never for booleans or strings)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    return math.isfinite(value)


def round_score(value) -> Decimal:
    """Rounds half up to 2 decimals (2.345 → 2.35, 2.344 → 2.34): the one rounding, at the end."""
    return to_decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# ---- answer validation -------------------------------------------------------------------------

def validate_answer(item: ItemSpec, value) -> list[str]:
    """The problems with ``value`` as an answer to ``item`` (an empty list when it is valid).

    ``None`` means "not answered": valid unless the item is required. See the module docstring for
    the value each response type takes.
    """
    kind = item.response_type
    if value is None:
        return [_("An answer is required.")] if item.required and kind != SECTION else []
    if kind == SECTION:
        return [_("A section takes no answer.")]
    if kind == YES_NO:
        return [] if isinstance(value, bool) else [_("Answer yes or no.")]
    if kind in (RATING, SINGLE_CHOICE):
        if not isinstance(value, str) or value not in item.options:
            return [_("Choose one of: {options}.").format(options=" | ".join(item.options))]
        return []
    if kind == SCORE:
        if not _is_number(value):
            return [_("Enter a number.")]
        if item.max_score is None:
            return [_("The item has no maximum score.")]
        if not ZERO <= to_decimal(value) <= item.max_score:
            return [_("Enter a score from 0 to {maximum}.").format(maximum=item.max_score)]
        return []
    if kind == NUMBER:
        return [] if _is_number(value) else [_("Enter a number.")]
    if kind == TEXT:
        return [] if isinstance(value, str) else [_("Enter text.")]
    if kind == MULTIPLE_CHOICE:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return [_("Choose a list of options.")]
        errors = []
        unknown = [v for v in value if v not in item.options]
        if unknown:
            errors.append(_("Unknown options: {options}.").format(options=" | ".join(unknown)))
        if len(set(value)) != len(value):
            errors.append(_("An option is chosen twice."))
        if item.required and not value:
            errors.append(_("An answer is required."))
        return errors
    if kind == FILES:
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0
                                                  for v in value):
            return [_("Give a list of uploaded file ids.")]
        if len(set(value)) != len(value):
            return [_("A file is given twice.")]
        if item.required and not value:
            return [_("An answer is required.")]
        return []
    return [_("Unknown response type “{kind}”.").format(kind=kind)]


def validate_answers(items: Sequence[ItemSpec], answers: Mapping[str, object],
                     evidence: Mapping[str, Sequence] | None = None) -> dict[str, list[str]]:
    """The problems of a whole response, ``{item code: [messages]}`` (empty when it is valid).

    Checks every item (so missing required answers are reported), answers to codes the version
    does not have, and — when ``evidence`` (``{code: [attachment ids]}``) is given — that items
    requiring evidence have some.
    """
    errors: dict[str, list[str]] = {}
    known = {item.code for item in items}
    for item in items:
        problems = validate_answer(item, answers.get(item.code))
        if evidence is not None and item.evidence_required and not evidence.get(item.code):
            problems.append(_("Supporting evidence is required."))
        if problems:
            errors[item.code] = problems
    for code in answers:
        if code not in known:
            errors[code] = [_("No such item in this version.")]
    return errors


# ---- scoring -----------------------------------------------------------------------------------

def leaf_worth(item: ItemSpec) -> Decimal:
    """Points a scored item is worth before any weight: its ``max_score``, or 1 without one."""
    return item.max_score if item.max_score is not None else ONE


def leaf_fraction(item: ItemSpec, value) -> Decimal | None:
    """The share of its worth a scored item earns, from 0 to 1; None for unscored types.

    yes → 1, no → 0; a rating's option ``i`` of ``n`` → ``i / (n − 1)`` (a single option → 1);
    a score → ``value / max_score``; unanswered (None) → 0. Invalid values raise ``ValueError``.
    """
    if not item.is_scored:
        return None
    if value is None:
        return ZERO
    problems = validate_answer(item, value)
    if problems:
        raise ValueError(f"{item.code}: {problems[0]}")
    with localcontext(_CONTEXT):
        if item.response_type == YES_NO:
            return ONE if value else ZERO
        if item.response_type == RATING:
            n = len(item.options)
            return ONE if n == 1 else Decimal(item.options.index(value)) / Decimal(n - 1)
        if item.max_score == ZERO:
            return ONE
        return to_decimal(value) / item.max_score


def veto_failed(item: ItemSpec, value) -> bool:
    """True when a veto item is answered with its lowest value: no, 0 points, or the first (lowest)
    label of a rating scale of two or more labels. Unanswered veto items do not fail."""
    if not item.is_veto or value is None or not item.is_scored:
        return False
    problems = validate_answer(item, value)
    if problems:
        raise ValueError(f"{item.code}: {problems[0]}")
    if item.response_type == YES_NO:
        return value is False
    if item.response_type == RATING:
        return len(item.options) > 1 and value == item.options[0]
    return to_decimal(value) == ZERO


@dataclass(frozen=True)
class NodeScore:
    """What one item or section earned and is worth, after its weight (unrounded)."""

    earned: Decimal
    worth: Decimal


@dataclass(frozen=True)
class TreeScore:
    """The result of ``score_tree``: ``total`` and ``maximum`` rounded; ``raw_total`` before the cap."""

    total: Decimal
    maximum: Decimal
    raw_total: Decimal
    vetoed: tuple[str, ...] = ()
    nodes: dict[str, NodeScore] = field(default_factory=dict)

    @property
    def capped(self) -> bool:
        return self.total < round_score(self.raw_total)


def _children(items: Sequence[ItemSpec]) -> dict[str | None, list[ItemSpec]]:
    known = {item.code for item in items}
    if len(known) != len(items):
        raise ValueError("item codes are not unique")
    tree: dict[str | None, list[ItemSpec]] = {}
    for item in items:
        parent = item.parent
        if parent is not None and parent not in known:
            raise ValueError(f"{item.code}: unknown parent {parent}")
        tree.setdefault(parent, []).append(item)
    return tree


def score_tree(items: Sequence[ItemSpec], answers: Mapping[str, object], *, veto_cap=ZERO) -> TreeScore:
    """The weighted total of one response over an item tree (see the module docstring).

    ``answers`` maps item codes to values; missing codes are unanswered. A failed veto item caps
    the total at ``veto_cap`` (a number in the total's units, default 0). Items and sections with
    nothing scored below them count for nothing, also when they carry a weight.
    """
    tree = _children(items)
    nodes: dict[str, NodeScore] = {}
    cap = to_decimal(veto_cap)

    def visit(item: ItemSpec, seen: frozenset) -> NodeScore | None:
        if item.code in seen:
            raise ValueError(f"{item.code}: the tree has a cycle")
        if item.is_section:
            parts = [s for child in tree.get(item.code, []) if (s := visit(child, seen | {item.code}))]
            if not parts:
                return None
            earned = sum((p.earned for p in parts), ZERO)
            worth = sum((p.worth for p in parts), ZERO)
        elif item.is_scored:
            worth = leaf_worth(item)
            earned = leaf_fraction(item, answers.get(item.code)) * worth
        else:
            return None
        if item.weight is not None and worth:
            earned, worth = earned * item.weight / worth, item.weight
        node = NodeScore(earned, worth)
        nodes[item.code] = node
        return node

    with localcontext(_CONTEXT):
        top = [s for item in tree.get(None, []) if (s := visit(item, frozenset()))]
        raw = sum((s.earned for s in top), ZERO)
        maximum = sum((s.worth for s in top), ZERO)
        vetoed = tuple(item.code for item in items if veto_failed(item, answers.get(item.code)))
        total = min(raw, cap) if vetoed else raw
    return TreeScore(total=round_score(total), maximum=round_score(maximum), raw_total=raw, vetoed=vetoed,
                     nodes=nodes)


# ---- several raters ----------------------------------------------------------------------------

def _exact(values: Iterable) -> list[Decimal]:
    out = [to_decimal(v) for v in values]
    if not out:
        raise ValueError("no scores to aggregate")
    for v in out:
        if not v.is_finite():
            raise ValueError(f"not a finite score: {v}")
    return sorted(out)


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO) / Decimal(len(values))


def _combine(values: list[Decimal], method: str) -> Decimal:
    """Unrounded mean / median / trimmed mean of sorted ``values``."""
    n = len(values)
    if method == "mean":
        return _mean(values)
    if method == "median":
        middle = n // 2
        return values[middle] if n % 2 else (values[middle - 1] + values[middle]) / 2
    if method == "trimmed_mean":
        return _mean(values[1:-1]) if n >= 3 else _mean(values)
    raise ValueError(f"unknown aggregation {method!r}; use one of {', '.join(AGGREGATIONS)}")


def aggregate(scores: Iterable, method: str = "mean") -> Decimal:
    """Combines several raters' scores, rounded half up to 2 decimals.

    ``mean``: arithmetic mean; ``median``: the middle score (mean of the two middle ones for an
    even count); ``trimmed_mean``: drops one highest and one lowest score when there are at least
    3, otherwise the mean. The result does not depend on the order of ``scores``.
    """
    try:
        with localcontext(_CONTEXT):
            return round_score(_combine(_exact(scores), method))
    except InvalidOperation as exc:
        raise ValueError(str(exc)) from exc


def aggregate_by_group(scores: Iterable[tuple[str, object]], group_weights: Mapping[str, object],
                       method: str = "mean") -> Decimal:
    """Combines raters by group (experts, peers, parents…), rounded half up to 2 decimals.

    ``scores`` are ``(group, score)`` pairs. Each group present is first combined with ``method``
    (unrounded), then the groups' results are averaged with ``group_weights`` normalised over the
    groups present, so a group without raters drops out and its weight is shared by the others.
    A group with raters but no weight raises ``ValueError``.
    """
    by_group: dict[str, list] = {}
    for group, score in scores:
        by_group.setdefault(group, []).append(score)
    if not by_group:
        raise ValueError("no scores to aggregate")
    missing = sorted(set(by_group) - set(group_weights))
    if missing:
        raise ValueError(f"no weight for rater groups: {', '.join(missing)}")
    with localcontext(_CONTEXT):
        weights = {g: to_decimal(group_weights[g]) for g in by_group}
        if any(w < 0 for w in weights.values()):
            raise ValueError("group weights cannot be negative")
        total_weight = sum(weights.values(), ZERO)
        if total_weight == 0:
            raise ValueError("the groups present have no weight")
        combined = sum((weights[g] * _combine(_exact(by_group[g]), method) for g in sorted(by_group)), ZERO)
        return round_score(combined / total_weight)
