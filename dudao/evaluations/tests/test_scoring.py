"""The pure scoring functions of evaluations: consensus, veto, grades, ranking, agreement."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.evaluations import scoring
from dudao.instruments.scoring import ItemSpec

D = Decimal

TREE = [
    ItemSpec("A", "section"),
    ItemSpec("A1", "score", parent="A", max_score=D(10)),
    ItemSpec("A2", "score", parent="A", max_score=D(5)),
    ItemSpec("B", "section"),
    ItemSpec("B1", "yes_no", parent="B", max_score=D(5)),
    ItemSpec("V", "yes_no", parent="B", weight=D(0), is_veto=True),
]
FULL = {"A1": 10, "A2": 5, "B1": True, "V": True}


def sheets(*answers, groups=None):
    groups = groups or ["experts"] * len(answers)
    return [scoring.Sheet(rater=n, group=g, answers=a) for n, (a, g) in enumerate(zip(answers, groups, strict=True))]


def test_leaf_points_deductions_and_missing_notes():
    # given a sheet that deducts 2.5 points on A1 and fails B1
    answers = {**FULL, "A1": 7.5, "B1": False}
    # when
    lost = scoring.deductions(TREE, answers)
    missing = scoring.missing_notes(TREE, answers, {"A1": "教研记录不全"})
    # then every deducted point is listed and B1 lacks its note
    assert lost == {"A1": D("2.5"), "B1": D(5)}
    assert missing == ["B1"]
    assert scoring.missing_notes(TREE, FULL, {}) == []


def test_sheet_problems_require_every_scored_leaf():
    # given a sheet without A2 and with a score above the maximum
    problems = scoring.sheet_problems(TREE, {"A1": 11, "B1": True, "V": True})
    # then both are reported, sections are not
    assert set(problems) == {"A1", "A2"}


def test_consensus_mean_median_trimmed_and_total():
    # given three raters
    three = sheets({**FULL, "A1": 6}, {**FULL, "A1": 8}, {**FULL, "A1": 10})
    # then the leaf consensus follows the rule, rounded to 2 decimals
    assert scoring.consensus_points(TREE, three, "mean")["A1"] == D("8.00")
    assert scoring.consensus_points(TREE, three, "median")["A1"] == D("8.00")
    assert scoring.consensus_points(TREE, sheets({**FULL, "A1": 0}, {**FULL, "A1": 9}, {**FULL, "A1": 10}),
                                    "trimmed_mean")["A1"] == D("9.00")
    # and the unit's total is the sum of the consensus over the tree
    result = scoring.unit_score(TREE, scoring.consensus_points(TREE, three, "mean"))
    assert (result.total, result.maximum, result.grade) == (D("18.00"), D("20.00"), "优秀")
    assert result.nodes["A"] == D("13.00")


def test_group_weighted_consensus():
    # given an expert giving 10 and two parents giving 4 and 6, weights 0.7 / 0.3
    group_sheets = sheets({**FULL, "A1": 10}, {**FULL, "A1": 4}, {**FULL, "A1": 6},
                          groups=["experts", "public", "public"])
    # when
    points = scoring.consensus_points(TREE, group_sheets, "mean", {"experts": D("0.7"), "public": D("0.3")})
    # then each group is averaged first, then weighted: 0.7 × 10 + 0.3 × 5
    assert points["A1"] == D("8.50")


def test_veto_caps_total_and_sets_grade():
    # given a majority failing the veto item under the median rule
    vetoing = sheets({**FULL, "V": False}, {**FULL, "V": False}, FULL)
    consensus = scoring.consensus_points(TREE, vetoing, "median")
    # when the evaluation caps a veto at 59
    result = scoring.unit_score(TREE, consensus, veto_cap=59, veto_grade="不合格")
    # then the points (20) are capped and the grade is the veto grade
    assert result.vetoed == ("V",)
    assert result.raw_total == D(20)
    assert (result.total, result.grade) == (D("20.00"), "不合格")  # below the cap: the total stays
    assert scoring.unit_score(TREE, consensus, veto_cap=0).total == D("0.00")
    # and with the mean one rater saying yes keeps the veto item from failing
    assert not scoring.unit_score(TREE, scoring.consensus_points(TREE, vetoing, "mean")).vetoed


def test_grade_bands():
    assert scoring.grade_for(90, 100) == "优秀"
    assert scoring.grade_for(D("89.99"), 100) == "良好"
    assert scoring.grade_for(59, 100) == "不合格"
    assert scoring.grade_for(12, 24, bands=[(50, "达标"), (0, "未达标")]) == "达标"
    assert scoring.grade_for(100, 100, vetoed=True, veto_grade="不予认定") == "不予认定"


def test_rank_shares_ties_and_puts_vetoed_last():
    ranks = scoring.rank({"a": 90, "b": 95, "c": 90, "d": 99, "e": 80}, vetoed=["d"])
    assert ranks == {"b": 1, "a": 2, "c": 2, "e": 4, "d": 5}


def test_spread_and_outlier_raters():
    # given three raters agreeing and a fourth far off
    four = sheets({**FULL, "A1": 9}, {**FULL, "A1": 10}, {**FULL, "A1": 9}, {**FULL, "A1": 2})
    spread = scoring.leaf_spread(TREE, four)["A1"]
    assert (spread.low, spread.high, spread.range) == (D("2.00"), D("10.00"), D("8.00"))
    totals = {s.rater: scoring.sheet_total(TREE, s.answers) for s in four}
    # then only the fourth is flagged
    assert scoring.outlier_raters(totals) == {3}
    # and a floor keeps small differences from counting
    assert scoring.outlier_raters({1: 90, 2: 90, 3: 91}, floor=5) == set()
    assert scoring.outlier_raters({1: 90, 2: 95}) == set()  # too few raters


def test_gaps_self_minus_consensus():
    assert scoring.gaps({"A1": D(10), "A2": D(5)}, {"A1": D("8.5"), "A2": D(5)}) == {"A1": D("1.50"), "A2": D("0.00")}


def test_score_evaluation_ranks_units():
    scores, ranks = scoring.score_evaluation(TREE, {
        "u1": sheets(FULL, {**FULL, "A1": 8}),
        "u2": sheets({**FULL, "V": False}, {**FULL, "V": False}),
        "u3": sheets({**FULL, "A2": 0}, {**FULL, "A2": 1}),
    }, method="mean")
    assert scores["u1"].total == D("19.00") and scores["u2"].total == D("0.00")
    assert ranks == {"u1": 1, "u3": 2, "u2": 3}


# ---- properties ----------------------------------------------------------------------------------

points = st.decimals(min_value=0, max_value=10, places=2, allow_nan=False, allow_infinity=False)
methods = st.sampled_from(["mean", "median", "trimmed_mean"])


@settings(max_examples=60, deadline=None)
@given(st.lists(points, min_size=1, max_size=9), methods, st.randoms())
def test_consensus_is_order_independent(values, method, rnd):
    # given the same sheets in two orders
    given_sheets = sheets(*[{**FULL, "A1": v} for v in values])
    shuffled = list(given_sheets)
    rnd.shuffle(shuffled)
    # then the consensus and the unit's total are the same
    assert scoring.consensus_points(TREE, given_sheets, method) == scoring.consensus_points(TREE, shuffled, method)
    assert scoring.unit_score(TREE, scoring.consensus_points(TREE, shuffled, method)).total == \
        scoring.unit_score(TREE, scoring.consensus_points(TREE, given_sheets, method)).total


@settings(max_examples=60, deadline=None)
@given(st.lists(points, min_size=1, max_size=12))
def test_trimmed_mean_stays_within_min_max(values):
    consensus = scoring.consensus_points(TREE, sheets(*[{**FULL, "A1": v} for v in values]), "trimmed_mean")["A1"]
    assert min(values) <= consensus <= max(values)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(points, st.booleans()), min_size=1, max_size=7), methods,
       st.decimals(min_value=0, max_value=20, places=2))
def test_a_failed_veto_caps_the_total(rows, method, cap):
    # given sheets, some failing the veto item
    consensus = scoring.consensus_points(TREE, sheets(*[{**FULL, "A1": p, "V": ok} for p, ok in rows]), method)
    result = scoring.unit_score(TREE, consensus, veto_cap=cap, veto_grade="不合格")
    # then a failed veto caps the total at the cap and sets the veto grade; otherwise nothing is capped
    if result.vetoed:
        assert result.total <= cap and result.grade == "不合格"
        assert result.total == min(scoring.round_score(result.raw_total), scoring.round_score(cap))
    else:
        assert result.total == scoring.round_score(result.raw_total)
        assert consensus["V"] > 0


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.integers(0, 20), st.decimals(0, 100, places=2), min_size=3, max_size=8), st.randoms())
def test_outliers_do_not_depend_on_order(totals, rnd):
    items = list(totals.items())
    rnd.shuffle(items)
    assert scoring.outlier_raters(dict(items)) == scoring.outlier_raters(totals)


def test_points_specs_keeps_weights_and_veto():
    specs = scoring.points_specs(TREE)
    assert [s.response_type for s in specs] == ["section", "score", "score", "section", "score", "score"]
    assert specs[-1].is_veto and specs[-1].weight == 0 and specs[-1].max_score == 1


@pytest.mark.parametrize("method", ["mean", "median", "trimmed_mean"])
def test_equal_raters_give_their_score(method):
    assert scoring.consensus_points(TREE, sheets({**FULL, "A1": 7}, {**FULL, "A1": 7}, {**FULL, "A1": 7}),
                                    method)["A1"] == D("7.00")
