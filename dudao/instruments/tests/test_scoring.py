"""The pure scoring functions: answer validation, weighted totals, veto caps and rater aggregation."""

import random
from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.instruments.scoring import (
    ItemSpec,
    aggregate,
    aggregate_by_group,
    leaf_fraction,
    round_score,
    score_tree,
    validate_answer,
    validate_answers,
)

YES_NO = ItemSpec("1", "yes_no")


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English (Django's own catalogue translates some of them)."""
    with translation.override("en"):
        yield

RATING = ItemSpec("2", "rating", options=("差", "中", "良", "优"))
SCORE = ItemSpec("3", "score", max_score=D("10"))
NUMBER = ItemSpec("4", "number")
TEXT = ItemSpec("5", "text")
SINGLE = ItemSpec("6", "single_choice", options=("正常", "存在问题"))
MULTI = ItemSpec("7", "multiple_choice", options=("食堂", "宿舍", "饮水"))
FILES = ItemSpec("8", "files")
SECTION = ItemSpec("9", "section")


# ---- answer validation ------------------------------------------------------------------------------

@pytest.mark.parametrize(("item", "value"), [
    (YES_NO, True), (YES_NO, False),
    (RATING, "良"),
    (SCORE, 0), (SCORE, 10), (SCORE, 7.5), (SCORE, D("9.99")),
    (NUMBER, -3), (NUMBER, 1.5), (NUMBER, D("12")),
    (TEXT, ""), (TEXT, "食堂卫生良好"),
    (SINGLE, "正常"),
    (MULTI, []), (MULTI, ["食堂", "饮水"]),
    (FILES, []), (FILES, [3, 7]),
    (SECTION, None), (YES_NO, None),
])
def test_valid_answers(item, value):
    assert validate_answer(item, value) == []


@pytest.mark.parametrize(("item", "value", "message"), [
    (YES_NO, 1, "yes or no"), (YES_NO, "是", "yes or no"),
    (RATING, "很好", "Choose one of"), (RATING, 2, "Choose one of"),
    (SCORE, 10.5, "from 0 to 10"), (SCORE, -1, "from 0 to 10"), (SCORE, "8", "number"), (SCORE, True, "number"),
    (SCORE, float("nan"), "number"), (SCORE, float("inf"), "number"),
    (NUMBER, "3", "number"), (NUMBER, D("NaN"), "number"), (NUMBER, False, "number"),
    (TEXT, 5, "text"),
    (SINGLE, "其他", "Choose one of"), (SINGLE, ["正常"], "Choose one of"),
    (MULTI, "食堂", "list"), (MULTI, ["操场"], "Unknown options: 操场"), (MULTI, ["食堂", "食堂"], "twice"),
    (FILES, [1, "2"], "file ids"), (FILES, [0], "file ids"), (FILES, [True], "file ids"), (FILES, [4, 4], "twice"),
    (SECTION, "x", "section"),
    (ItemSpec("r", "text", required=True), None, "required"),
    (ItemSpec("r", "multiple_choice", options=("a",), required=True), [], "required"),
    (ItemSpec("s", "score"), 3, "no maximum"),
])
def test_invalid_answers_say_why(item, value, message):
    errors = validate_answer(item, value)
    assert errors and message in " ".join(errors)


def test_whole_response_reports_missing_required_unknown_codes_and_evidence():
    items = [ItemSpec("1", "yes_no", required=True), ItemSpec("2", "text", evidence_required=True), SECTION]
    errors = validate_answers(items, {"2": "ok", "99": True}, evidence={"2": []})
    assert set(errors) == {"1", "2", "99"}
    assert "required" in errors["1"][0] and "evidence" in errors["2"][0] and "No such item" in errors["99"][0]
    assert validate_answers(items, {"1": True, "2": "ok"}, evidence={"2": [5]}) == {}


# ---- leaf scores and totals -------------------------------------------------------------------------

@pytest.mark.parametrize(("item", "value", "fraction"), [
    (YES_NO, True, D(1)), (YES_NO, False, D(0)), (YES_NO, None, D(0)),
    (RATING, "差", D(0)), (RATING, "优", D(1)), (RATING, "中", D(1) / D(3)),
    (ItemSpec("r", "rating", options=("唯一",)), "唯一", D(1)),
    (SCORE, 7.5, D("0.75")), (SCORE, 0, D(0)), (SCORE, None, D(0)),
    (TEXT, "x", None), (SINGLE, "正常", None), (FILES, [1], None),
])
def test_leaf_fraction(item, value, fraction):
    assert leaf_fraction(item, value) == fraction


def test_leaf_fraction_refuses_an_invalid_value():
    with pytest.raises(ValueError):
        leaf_fraction(SCORE, 11)


def indicator_system():
    """Two first-level indicators in points (60 + 40 = 100), one with a veto item."""
    return [
        ItemSpec("A", "section"),
        ItemSpec("A1", "score", parent="A", max_score=D("30")),
        ItemSpec("A2", "score", parent="A", max_score=D("30")),
        ItemSpec("B", "section"),
        ItemSpec("B1", "rating", parent="B", options=("差", "中", "良", "优"), max_score=D("30")),
        ItemSpec("B2", "yes_no", parent="B", max_score=D("10"), is_veto=True),
        ItemSpec("C", "text"),
    ]


@pytest.mark.parametrize(("answers", "cap", "total", "maximum", "vetoed"), [
    # points: sections sum their children; unanswered scores 0; text is not scored
    ({"A1": 30, "A2": 30, "B1": "优", "B2": True}, 0, D("100.00"), D("100.00"), ()),
    ({"A1": 25.5, "A2": 20, "B1": "良", "B2": True, "C": "说明"}, 0, D("75.50"), D("100.00"), ()),
    ({"A1": 25.5}, 0, D("25.50"), D("100.00"), ()),
    # rating 中 = 1/3 of 30 = 10 exactly; 良 = 20
    ({"B1": "中", "B2": True}, 0, D("20.00"), D("100.00"), ()),
    # a failed veto caps the total at the configured cap (default 0, or e.g. 59)
    ({"A1": 30, "A2": 30, "B1": "优", "B2": False}, 0, D("0.00"), D("100.00"), ("B2",)),
    ({"A1": 30, "A2": 30, "B1": "优", "B2": False}, 59, D("59.00"), D("100.00"), ("B2",)),
    # a cap above the raw total leaves it
    ({"A1": 10, "B2": False}, 59, D("10.00"), D("100.00"), ("B2",)),
])
def test_points_total_table(answers, cap, total, maximum, vetoed):
    result = score_tree(indicator_system(), answers, veto_cap=cap)
    assert (result.total, result.maximum, result.vetoed) == (total, maximum, vetoed)


def test_weights_rescale_sections_and_round_once_at_the_end():
    # three indicators weighted 0.5 / 0.3 / 0.2 (a weighted system on a scale of 1)
    items = [
        ItemSpec("A", "section", weight=D("0.5")),
        ItemSpec("A1", "score", parent="A", max_score=D("3")),
        ItemSpec("B", "score", max_score=D("3"), weight=D("0.3")),
        ItemSpec("C", "yes_no", weight=D("0.2")),
    ]
    result = score_tree(items, {"A1": 1, "B": 2, "C": True})
    # 0.5·1/3 + 0.3·2/3 + 0.2 = 0.1666… + 0.2 + 0.2 = 0.5666… → 0.57 (rounded once)
    assert result.total == D("0.57") and result.maximum == D("1.00")
    assert result.raw_total == D("0.5") / D("3") + D("0.4")
    # rounding each indicator first would have given 0.17 + 0.20 + 0.20 = 0.57 here, but not for 0.125:
    assert round_score(D("0.125")) == D("0.13") and round_score(D("0.124")) == D("0.12")
    assert round_score(D("2.345")) == D("2.35")  # half up, not half even


def test_sections_without_scored_items_count_for_nothing():
    items = [ItemSpec("A", "section", weight=D("10")), ItemSpec("A1", "text", parent="A"),
             ItemSpec("B", "yes_no", max_score=D("5"))]
    result = score_tree(items, {"B": True})
    assert (result.total, result.maximum) == (D("5.00"), D("5.00"))
    assert "A" not in result.nodes


def test_tree_errors_are_reported():
    with pytest.raises(ValueError):
        score_tree([ItemSpec("1", "yes_no", parent="x")], {})
    with pytest.raises(ValueError):
        score_tree([ItemSpec("1", "yes_no"), ItemSpec("1", "yes_no")], {})


# ---- several raters ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("scores", "method", "result"), [
    ([80, 90, 100], "mean", D("90.00")),
    ([80, 85], "mean", D("82.50")),
    ([70, 80, 81], "mean", D("77.00")),
    ([1, 2, 2], "mean", D("1.67")),
    ([80, 90, 100, 60], "median", D("85.00")),
    ([80, 90, 100], "median", D("90.00")),
    ([60, 80, 90, 100], "trimmed_mean", D("85.00")),  # drops 60 and 100
    ([95, 80, 81, 82, 20], "trimmed_mean", D("81.00")),
    ([80, 90], "trimmed_mean", D("85.00")),  # fewer than 3: the mean
    ([77], "trimmed_mean", D("77.00")),
    ([D("85.125"), D("85.125")], "mean", D("85.13")),
])
def test_aggregate_table(scores, method, result):
    assert aggregate(scores, method) == result


def test_group_weights_are_normalised_over_the_groups_present():
    weights = {"experts": 6, "peers": 3, "parents": 1}
    scores = [("experts", 90), ("experts", 80), ("peers", 70), ("parents", 100)]
    # (6·85 + 3·70 + 1·100) / 10 = 82
    assert aggregate_by_group(scores, weights) == D("82.00")
    # without parents, experts and peers share all the weight: (6·85 + 3·70) / 9 = 80
    assert aggregate_by_group(scores[:3], weights) == D("80.00")
    with pytest.raises(ValueError):
        aggregate_by_group([("strangers", 50)], weights)
    with pytest.raises(ValueError):
        aggregate([], "mean")
    with pytest.raises(ValueError):
        aggregate([1, 2], "mode")


# ---- properties -------------------------------------------------------------------------------------

scores_2dp = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
any_scores = st.one_of(
    st.lists(scores_2dp, min_size=1, max_size=12),
    st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=12),
)
methods = st.sampled_from(["mean", "median", "trimmed_mean"])


@given(scores=any_scores, method=methods, seed=st.integers())
def test_aggregation_does_not_depend_on_the_raters_order(scores, method, seed):
    shuffled = list(scores)
    random.Random(seed).shuffle(shuffled)
    assert aggregate(shuffled, method) == aggregate(scores, method)


@given(scores=st.lists(st.tuples(st.sampled_from(["experts", "peers", "parents"]), scores_2dp), min_size=1,
                       max_size=12), seed=st.integers(), method=methods)
def test_group_aggregation_does_not_depend_on_the_raters_order(scores, seed, method):
    weights = {"experts": D("0.6"), "peers": D("0.3"), "parents": D("0.1")}
    shuffled = list(scores)
    random.Random(seed).shuffle(shuffled)
    result = aggregate_by_group(shuffled, weights, method)
    assert result == aggregate_by_group(scores, weights, method)
    values = [s for _, s in scores]
    assert round_score(min(values)) <= result <= round_score(max(values))


@given(scores=any_scores, method=methods)
def test_aggregates_never_leave_the_range_of_the_scores(scores, method):
    result = aggregate(scores, method)
    # rounding is monotonic, so the rounded result lies within the rounded extremes
    assert round_score(min(scores)) <= result <= round_score(max(scores))


@st.composite
def scored_trees(draw):
    """A random tree of sections and scored items, with or without weights and veto items."""
    items: list[ItemSpec] = []
    sections: list[str | None] = [None]
    for n in range(draw(st.integers(min_value=1, max_value=15))):
        parent = draw(st.sampled_from(sections))
        weight = draw(st.one_of(st.none(), st.decimals(min_value=0, max_value=50, places=2)))
        kind = draw(st.sampled_from(["section", "yes_no", "rating", "score", "text"]))
        code = f"i{n}"
        if kind == "section":
            sections.append(code)
            items.append(ItemSpec(code, "section", parent=parent, weight=weight))
            continue
        max_score = draw(st.one_of(st.none(), st.decimals(min_value=1, max_value=100, places=1)))
        if kind == "score" and max_score is None:
            max_score = D("10")
        options = tuple(draw(st.lists(st.text(alphabet="abcdef", min_size=1, max_size=3), min_size=2,
                                      max_size=5, unique=True))) if kind == "rating" else ()
        items.append(ItemSpec(code, kind, parent=parent, options=options,
                              max_score=max_score if kind != "text" else None, weight=weight,
                              is_veto=kind != "text" and draw(st.booleans())))
    return items


def best_answers(items):
    best = {"yes_no": True, "text": "好"}
    return {i.code: (i.options[-1] if i.response_type == "rating" else i.max_score if i.response_type == "score"
                     else best.get(i.response_type)) for i in items if not i.is_section}


@settings(max_examples=200)
@given(items=scored_trees())
def test_all_maximum_answers_score_the_maximum(items):
    result = score_tree(items, best_answers(items))
    assert result.vetoed == ()
    assert result.total == result.maximum


@given(items=scored_trees(), data=st.data(), cap=st.decimals(min_value=0, max_value=100, places=2))
def test_a_failed_veto_caps_the_total_as_configured(items, data, cap):
    vetoes = [i for i in items if i.is_veto]
    answers = best_answers(items)
    if vetoes:
        failing = data.draw(st.sampled_from(vetoes))
        kind = failing.response_type
        answers[failing.code] = False if kind == "yes_no" else 0 if kind == "score" else failing.options[0]
    result = score_tree(items, answers, veto_cap=cap)
    uncapped = score_tree(items, answers, veto_cap=D("1e9"))
    if vetoes:
        assert failing.code in result.vetoed
        assert result.total == min(uncapped.total, round_score(cap))
        assert result.total <= round_score(cap)
    else:
        assert result.total == uncapped.total == result.maximum


@given(items=scored_trees(), data=st.data())
def test_totals_stay_between_zero_and_the_maximum(items, data):
    answers = {}
    for item in items:
        if item.response_type == "score":
            answers[item.code] = data.draw(st.decimals(min_value=0, max_value=item.max_score, places=2))
        elif item.response_type == "rating":
            answers[item.code] = data.draw(st.sampled_from(item.options))
        elif item.response_type == "yes_no":
            answers[item.code] = data.draw(st.booleans())
    result = score_tree(items, answers, veto_cap=D("1e9"))
    assert D(0) <= result.total <= result.maximum
