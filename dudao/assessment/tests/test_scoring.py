"""The pure scoring of the assessment: indicators, composite and ranking."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dudao.assessment.models import DEFAULT_GROUP_WEIGHTS, DEFAULT_WEIGHTS
from dudao.assessment.scoring import INDICATORS, Records, composite, indicator_scores, rank, rate

scores = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2))
weights = st.integers(min_value=0, max_value=100)


def test_rates_and_missing_data():
    assert rate(1, 3) == Decimal("33.33")
    assert rate(2, 3) == Decimal("66.67")
    assert rate(0, 0) is None
    # 50 hours against a floor of 40 count as full marks, not 125
    r = Records(training_hours=Decimal(50), training_floor=Decimal(40))
    assert indicator_scores(r, DEFAULT_GROUP_WEIGHTS)["training"] == Decimal(100)


def test_composite_leaves_out_indicators_without_data():
    # visits 50 (weight 20) and training 100 (weight 10), nothing else recorded
    value = composite({"visits": Decimal(50), "training": Decimal(100), "tasks": None}, DEFAULT_WEIGHTS)
    assert value == Decimal("66.67")
    assert composite(dict.fromkeys(INDICATORS), DEFAULT_WEIGHTS) is None


def test_ratings_weighted_by_rater_group():
    # self 100 (weight 20) and two schools at 70 and 80 (mean 75, weight 50); no peer
    r = Records(ratings=(("self", Decimal(100)), ("school", Decimal(70)), ("school", Decimal(80))))
    assert indicator_scores(r, DEFAULT_GROUP_WEIGHTS)["ratings"] == Decimal("82.14")
    assert indicator_scores(r, {"self": 0, "peer": 0, "school": 0})["ratings"] is None


def test_complaints_combine_answered_share_and_satisfaction():
    r = Records(complaints=4, complaints_answered=3, satisfaction=Decimal(90))
    assert indicator_scores(r, DEFAULT_GROUP_WEIGHTS)["complaints"] == Decimal("82.50")
    assert indicator_scores(Records(), DEFAULT_GROUP_WEIGHTS)["complaints"] is None


def test_rank_shares_places_for_equal_scores():
    assert rank({"a": Decimal(90), "b": Decimal(80), "c": Decimal(90), "d": None, "e": Decimal(70)}) == {
        "a": 1, "c": 1, "b": 3, "e": 4, "d": None}


@given(st.fixed_dictionaries(dict.fromkeys(INDICATORS, scores)), st.fixed_dictionaries(dict.fromkeys(INDICATORS, weights)))
def test_composite_stays_within_0_and_100(values, weight):
    value = composite(values, weight)
    if value is not None:
        assert Decimal(0) <= value <= Decimal(100)
        present = [v for k, v in values.items() if v is not None and weight[k] > 0]
        assert min(present) - Decimal("0.01") <= value <= max(present) + Decimal("0.01")


@given(st.builds(
    Records, schools=st.integers(0, 10), visits=st.integers(0, 50), months_in_care=st.integers(0, 60),
    months_visited=st.integers(0, 60), tasks_due=st.integers(0, 30), tasks_done=st.integers(0, 30),
    reports_due=st.integers(0, 12), reports_on_time=st.integers(0, 12), rectifications_due=st.integers(0, 20),
    rectifications_followed=st.integers(0, 20), complaints=st.one_of(st.none(), st.integers(0, 20)),
    complaints_answered=st.integers(0, 20), satisfaction=st.one_of(st.none(), st.decimals(0, 100, places=1)),
    training_hours=st.decimals(0, 200, places=1), training_floor=st.decimals(1, 100, places=1),
    ratings=st.lists(st.tuples(st.sampled_from(["self", "peer", "school"]), st.decimals(0, 100, places=2)),
                     max_size=8).map(tuple),
))
def test_every_indicator_scores_within_0_and_100(records):
    for value in indicator_scores(records, DEFAULT_GROUP_WEIGHTS).values():
        assert value is None or Decimal(0) <= value <= Decimal(100)


@given(st.dictionaries(st.integers(0, 50), st.one_of(st.none(), st.decimals(0, 100, places=2)), max_size=15),
       st.randoms())
def test_ranking_does_not_depend_on_order(values, rng):
    # given the same scores in a shuffled order
    items = list(values.items())
    rng.shuffle(items)
    # then every inspector keeps their rank, and a better score never ranks below a worse one
    ranks = rank(dict(items))
    assert ranks == rank(values)
    for a, sa in values.items():
        for b, sb in values.items():
            if sa is not None and sb is not None and sa > sb:
                assert ranks[a] < ranks[b]
