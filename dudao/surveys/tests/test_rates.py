"""The satisfaction rate (STANDARDS §4.6: pass at ≥ 85 %; counted answers configurable)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dudao.surveys import rates

OPTIONS = ["不满意", "一般", "比较满意", "满意"]
COUNTED = ["满意", "比较满意"]


def test_rate_counts_satisfied_and_quite_satisfied_of_all_answers():
    # given 6 满意, 2 比较满意, 1 一般, 1 不满意
    counts = {"满意": 6, "比较满意": 2, "一般": 1, "不满意": 1}
    # then 8 of 10 answers are satisfied: 80 %, below the 85 % pass mark
    assert rates.satisfaction_rate(counts, COUNTED) == Fraction(4, 5)
    assert rates.percent(rates.satisfaction_rate(counts, COUNTED)) == Decimal("80.0")
    assert rates.passes(Fraction(4, 5), Decimal("0.85")) is False


def test_the_counted_answers_are_configurable():
    counts = {"满意": 6, "比较满意": 2, "一般": 1, "不满意": 1}
    assert rates.satisfaction_rate(counts, ["满意"]) == Fraction(3, 5)
    assert rates.satisfaction_rate(counts, ["满意", "比较满意", "一般"]) == Fraction(9, 10)


@pytest.mark.parametrize(("satisfied", "answered", "passed"), [(17, 20, True), (169, 200, False), (20, 20, True),
                                                              (0, 3, False)])
def test_pass_mark_is_inclusive_at_85_percent(satisfied, answered, passed):
    # STANDARDS §4.6: "Pass at ≥ 85 %" — exactly 85 % passes, 84.5 % does not
    assert rates.passes(rates.Tally(satisfied, answered).rate, Decimal("0.85")) is passed


def test_no_answers_is_no_rate_not_zero():
    assert rates.satisfaction_rate({}, COUNTED) is None
    assert rates.passes(None, Decimal("0.85")) is None
    assert rates.percent(None) is None
    assert rates.change(Fraction(1, 2), None) is None


def test_only_rated_questions_count():
    assert rates.is_rated("rating", OPTIONS, COUNTED)
    assert rates.is_rated("single_choice", ["满意", "不满意"], COUNTED)
    assert not rates.is_rated("single_choice", ["一年级", "二年级"], COUNTED)  # a question about the child's grade
    assert not rates.is_rated("text", [], COUNTED)
    assert not rates.is_rated("multiple_choice", OPTIONS, COUNTED)


def test_pooled_tallies_weigh_each_answer_once():
    # a school of 90 % over 10 answers and one of 50 % over 30 pool to 24 / 40, not the mean 70 %
    assert rates.pooled([rates.Tally(9, 10), rates.Tally(15, 30)]).rate == Fraction(24, 40)


def test_change_in_percentage_points():
    assert rates.change(Fraction(9, 10), Fraction(4, 5)) == Decimal("10.0")
    assert rates.change(Fraction(2, 3), Fraction(3, 4)) == Decimal("-8.3")
    assert rates.percent(Fraction(2, 3)) == Decimal("66.7")


def test_invalid_tallies_are_refused():
    with pytest.raises(ValueError):
        rates.Tally(3, 2)
    with pytest.raises(ValueError):
        rates.tally({"满意": -1}, COUNTED)


answers = st.lists(st.sampled_from(OPTIONS + ["其他"]), max_size=200)
counted_sets = st.sets(st.sampled_from(OPTIONS), min_size=1)


@given(answers, counted_sets)
def test_rate_is_between_0_and_1(values, counted):
    rate = rates.tally_answers(values, counted).rate
    assert rate is None if not values else 0 <= rate <= 1


@given(answers, counted_sets, st.randoms())
def test_rate_does_not_depend_on_the_order_of_answers(values, counted, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert rates.tally_answers(values, counted) == rates.tally_answers(shuffled, counted)


@given(answers, counted_sets)
def test_only_configured_options_are_counted(values, counted):
    tally = rates.tally_answers(values, counted)
    assert tally.satisfied == sum(1 for v in values if v in counted)
    assert tally.answered == len(values)
    # adding an answer outside the counted options never raises the rate
    if values:
        outside = next(o for o in OPTIONS + ["其他"] if o not in counted)
        assert rates.tally_answers([*values, outside], counted).rate <= tally.rate


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=20))
def test_pooled_rate_lies_between_the_parts(pairs):
    tallies = [rates.Tally(min(a, b), max(a, b)) for a, b in pairs]
    pooled = rates.pooled(tallies)
    parts = [t.rate for t in tallies if t.rate is not None]
    if parts:
        assert min(parts) <= pooled.rate <= max(parts)
    else:
        assert pooled.rate is None
