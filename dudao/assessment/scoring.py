"""Scoring the assessment of inspectors (督学考核) — pure functions, no ORM.

Each inspector's records for a period become indicator scores from 0 to 100:

============== ===========================================================================
visits         coverage: months × listed schools visited while in the inspector's care, of
               those in care (每月至少到校一次, STANDARDS §1.5); None without a listed school
tasks          tasks done of those due in the period (so far)
reports        the inspector's work reports submitted by their due date, of those due
rectifications notices of the inspector's findings followed through (closed or re-checked),
               of those whose deadline has passed or that are closed
complaints     the mean of the share of complaints answered and their satisfaction (None when
               the complaints app is absent or no complaint concerned the inspector)
training       centralised training hours against the office's floor (40 by default), capped at 100
ratings        self, peer and school ratings combined per group (``aggregate_by_group``)
============== ===========================================================================

An indicator without data (None) is left out, and the composite is the weighted mean of the
indicators present with the weights normalised over them (the rule of ``aggregate_by_group``).
Ranking gives equal scores equal ranks ("1, 2, 2, 4") and does not depend on the input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from dudao.instruments.scoring import aggregate_by_group, round_score, to_decimal

INDICATORS = ("visits", "tasks", "reports", "rectifications", "complaints", "training", "ratings")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def rate(part, total) -> Decimal | None:
    """``part`` of ``total`` in per cent, rounded half up to 2 decimals; None when nothing was due."""
    if not total:
        return None
    value = HUNDRED * to_decimal(part) / to_decimal(total)
    return round_score(min(max(value, ZERO), HUNDRED))


@dataclass(frozen=True)
class Records:
    """What the records say about one inspector in one period (plain numbers)."""

    schools: int = 0
    visits: int = 0
    months_in_care: int = 0
    months_visited: int = 0
    tasks_due: int = 0
    tasks_done: int = 0
    reports_due: int = 0
    reports_on_time: int = 0
    rectifications_due: int = 0
    rectifications_followed: int = 0
    complaints: int | None = None
    complaints_answered: int | None = None
    satisfaction: Decimal | None = None
    training_hours: Decimal = ZERO
    training_floor: Decimal = Decimal(40)
    ratings: tuple[tuple[str, Decimal], ...] = field(default_factory=tuple)


def complaints_score(r: Records) -> Decimal | None:
    parts = [v for v in (rate(r.complaints_answered or 0, r.complaints) if r.complaints else None,
                         r.satisfaction) if v is not None]
    if not parts:
        return None
    return round_score(min(sum((to_decimal(p) for p in parts), ZERO) / len(parts), HUNDRED))


def ratings_score(ratings: Iterable[tuple[str, object]], group_weights: Mapping[str, object],
                  method: str = "mean") -> Decimal | None:
    """The ratings (each 0–100) combined by rater group with the office's group weights; None when
    there is no rating or the groups present all weigh 0."""
    ratings = [(g, s) for g, s in ratings]
    if not ratings:
        return None
    present = {g for g, _s in ratings}
    if not any(to_decimal(group_weights.get(g, 0)) > 0 for g in present):
        return None
    weights = {g: group_weights.get(g, 0) for g in present}
    return aggregate_by_group(ratings, weights, method)


def indicator_scores(r: Records, group_weights: Mapping[str, object], method: str = "mean") -> dict:
    """Every indicator's score (0–100, or None without data) for one inspector."""
    training = None
    if r.training_floor and r.training_floor > 0:
        training = round_score(min(HUNDRED * to_decimal(r.training_hours) / to_decimal(r.training_floor), HUNDRED))
    return {
        "visits": rate(r.months_visited, r.months_in_care),
        "tasks": rate(r.tasks_done, r.tasks_due),
        "reports": rate(r.reports_on_time, r.reports_due),
        "rectifications": rate(r.rectifications_followed, r.rectifications_due),
        "complaints": complaints_score(r),
        "training": training,
        "ratings": ratings_score(r.ratings, group_weights, method),
    }


def composite(scores: Mapping[str, object], weights: Mapping[str, object]) -> Decimal | None:
    """The weighted mean of the indicators present (not None) with a positive weight; None when none is."""
    present = {k: to_decimal(v) for k, v in scores.items() if v is not None and to_decimal(weights.get(k, 0)) > 0}
    if not present:
        return None
    total_weight = sum((to_decimal(weights[k]) for k in present), ZERO)
    value = sum((to_decimal(weights[k]) * present[k] for k in sorted(present)), ZERO) / total_weight
    return round_score(min(max(value, ZERO), HUNDRED))


def rank(scores: Mapping[object, object]) -> dict:
    """Competition ranks of ``{key: score}``: the highest score is 1, equal scores share a rank and
    the next rank skips (1, 2, 2, 4); a key without a score (None) has no rank."""
    values = sorted((to_decimal(v) for v in scores.values() if v is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(values, start=1):
        first.setdefault(value, position)
    return {k: (first[to_decimal(v)] if v is not None else None) for k, v in scores.items()}
