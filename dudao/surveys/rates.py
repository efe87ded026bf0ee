"""Satisfaction rates — pure functions, no ORM (STANDARDS §4.6).

STANDARDS §4.6 sets the pass mark of social recognition at 85 % but no national formula for the
rate ("e.g. share answering 满意 + 比较满意" [P]); so the answers that count are configured per
survey (``counted``), and the rate is computed the one transparent way:

    rate = answers in a counted option ÷ all answers, over the *rated questions*

A **rated question** is a rating or single-choice item with at least one counted option among its
own options (a question such as "your child's grade" is not rated and counts for nothing). Every
answer to a rated question is one vote: a school's rate pools all rated questions and all answers
of the school (of one group, or of all its groups); the survey's overall rate pools all schools.
No answers → no rate (``None``), never 0 %. Rates are exact ``Fraction``s until shown.

``passes(rate, threshold)`` is ``rate ≥ threshold`` (85 % passes at 0.85). ``change`` is the
difference of two rates in percentage points.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

RATED_TYPES = frozenset({"rating", "single_choice"})


@dataclass(frozen=True)
class Tally:
    """Answers counted toward a rate: ``satisfied`` of ``answered``."""

    satisfied: int = 0
    answered: int = 0

    def __post_init__(self):
        if self.answered < 0 or not 0 <= self.satisfied <= self.answered:
            raise ValueError(f"invalid tally {self.satisfied}/{self.answered}")

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.satisfied + other.satisfied, self.answered + other.answered)

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.satisfied, self.answered) if self.answered else None


def is_rated(response_type: str, options: Iterable[str], counted: Collection[str]) -> bool:
    """A rating or single-choice question with at least one counted option."""
    return response_type in RATED_TYPES and any(option in counted for option in options)


def tally(counts: Mapping[str, int], counted: Collection[str]) -> Tally:
    """One question's option counts ``{option: n}`` as a tally: only counted options are satisfied."""
    answered = 0
    satisfied = 0
    for option, n in counts.items():
        if n < 0:
            raise ValueError(f"negative count for {option!r}")
        answered += n
        if option in counted:
            satisfied += n
    return Tally(satisfied, answered)


def tally_answers(answers: Iterable[str], counted: Collection[str]) -> Tally:
    """A list of single answers (one option each) as a tally."""
    return tally(Counter(answers), counted)


def pooled(tallies: Iterable[Tally]) -> Tally:
    """Several tallies pooled into one (questions, groups or schools together)."""
    total = Tally()
    for part in tallies:
        total = total + part
    return total


def satisfaction_rate(counts: Mapping[str, int], counted: Collection[str]) -> Fraction | None:
    """The share of answers in ``counted`` options, from 0 to 1; ``None`` without answers."""
    return tally(counts, counted).rate


def passes(rate: Fraction | None, threshold) -> bool | None:
    """``rate ≥ threshold`` (both from 0 to 1); ``None`` when there is no rate."""
    if rate is None:
        return None
    return rate >= Fraction(Decimal(str(threshold)))


def percent(rate: Fraction | None, places: int = 1) -> Decimal | None:
    """A rate as a percentage rounded half up (2/3 → 66.7); ``None`` stays ``None``."""
    if rate is None:
        return None
    value = Decimal(rate.numerator) * 100 / Decimal(rate.denominator)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def change(now: Fraction | None, before: Fraction | None, places: int = 1) -> Decimal | None:
    """The change from ``before`` to ``now`` in percentage points; ``None`` when either is missing."""
    if now is None or before is None:
        return None
    return percent(now - before, places) if now >= before else -percent(before - now, places)
