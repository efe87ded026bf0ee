"""Tests of the monitoring formulas; every case comes from docs/STANDARDS.md and cites its clause."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from dudao.monitoring import formulas as f
from dudao.monitoring.formulas import IndicatorStatus, SchoolType, Stage

PROPERTY = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# §3.4 fixture: five primary schools, indicator 生均图书册数.
FIXTURE_STUDENTS = [45, 37, 89, 76, 55]
FIXTURE_BOOKS = [279, 137, 935, 160, 402]
FIXTURE_X = [b / p for b, p in zip(FIXTURE_BOOKS, FIXTURE_STUDENTS, strict=True)]

schools = st.lists(
    st.tuples(st.floats(0.05, 500.0), st.integers(1, 3000)),
    min_size=2,
    max_size=12,
)


def unzip(pairs: list[tuple[float, int]]) -> tuple[list[float], list[int]]:
    return [x for x, _ in pairs], [p for _, p in pairs]


def cv_of(y: np.ndarray, w: np.ndarray) -> float:
    """Independent enrolment-weighted CV (§3.4) for checking plans."""
    p = w / w.sum()
    m = float(p @ y)
    return math.sqrt(float(p @ (y - m) ** 2)) / m


# ---------------------------------------------------------------------------------------------------
# §3.4 weighted mean and CV
# ---------------------------------------------------------------------------------------------------


def test_s3_4_weighted_cv_books_fixture_is_0_515257():
    """§3.4: the enrolment-weighted CV of the fixture is 0.515257 (S = 3.263861, X̄ = 6.334437)."""
    result = f.weighted_cv_detail(FIXTURE_X, FIXTURE_STUDENTS)
    assert round(result.value, 6) == 0.515257
    assert round(result.mean, 6) == 6.334437
    assert round(result.sd, 6) == 3.263861
    assert (result.n_used, result.n_excluded, result.status) == (5, 0, f.CVStatus.OK)


def test_s3_4_unweighted_alternatives_are_not_returned():
    """§3.4: the unweighted population (0.48877) and sample (0.54646) CVs are wrong answers; make sure
    they are what the naive formulas give and that the function returns neither."""
    x = np.array(FIXTURE_X)
    assert round(float(x.std() / x.mean()), 5) == 0.48877
    assert round(float(x.std(ddof=1) / x.mean()), 5) == 0.54646
    cv = f.weighted_cv(FIXTURE_X, FIXTURE_STUDENTS)
    assert abs(cv - 0.48877) > 0.01
    assert abs(cv - 0.54646) > 0.01


def test_s3_4_weighted_mean_is_county_total_over_county_enrolment():
    """§3.4: X̄ = 1913 books ÷ 302 pupils."""
    assert f.weighted_mean(FIXTURE_X, FIXTURE_STUDENTS) == pytest.approx(1913 / 302, rel=1e-12)


def test_s3_4_weighted_cv_equals_pupil_level_population_cv():
    """§3.4: weighting by enrolment = the population CV over pupils (each pupil carries the school value)."""
    pupils = np.repeat(FIXTURE_X, FIXTURE_STUDENTS)
    assert f.weighted_cv(FIXTURE_X, FIXTURE_STUDENTS) == pytest.approx(pupils.std() / pupils.mean(), rel=1e-12)


def test_s3_4_numpy_object_arrays_with_none_are_accepted():
    values = np.array([*FIXTURE_X, None], dtype=object)
    assert round(f.weighted_cv(values, np.array([*FIXTURE_STUDENTS, 10])), 6) == 0.515257


def test_s3_4_one_school_has_cv_zero():
    result = f.weighted_cv_detail([6.2], [45])
    assert result.value == 0.0
    assert result.status is f.CVStatus.SINGLE_SCHOOL
    assert "one school" in result.note


def test_s3_4_zero_enrolment_school_is_left_out_and_counted():
    """§3.4 weights are enrolments: a school without pupils has no weight (excluded, counted)."""
    result = f.weighted_cv_detail([*FIXTURE_X, 99.0], [*FIXTURE_STUDENTS, 0])
    assert result.value == pytest.approx(f.weighted_cv(FIXTURE_X, FIXTURE_STUDENTS), rel=1e-15)
    assert (result.n_used, result.n_zero_enrolment, result.n_excluded) == (5, 1, 1)
    assert "0 enrolment" in result.note


def test_s3_4_all_zero_indicator_gives_none_with_reason():
    result = f.weighted_cv_detail([0, 0, 0], [10, 20, 30])
    assert result.value is None
    assert result.status is f.CVStatus.ZERO_MEAN
    assert "mean is 0" in result.note
    assert f.weighted_cv([0, 0, 0], [10, 20, 30]) is None


@pytest.mark.parametrize("missing", [None, float("nan"), float("inf")])
def test_s3_4_missing_values_are_left_out_and_counted(missing):
    result = f.weighted_cv_detail([*FIXTURE_X, missing], [*FIXTURE_STUDENTS, 60])
    assert round(result.value, 6) == 0.515257
    assert (result.n_missing, result.n_excluded) == (1, 1)
    assert "without a value" in result.note


def test_s3_4_no_usable_school_gives_no_data():
    result = f.weighted_cv_detail([None, 3.0], [40, 0])
    assert result.value is None and result.mean is None
    assert result.status is f.CVStatus.NO_DATA
    assert result.as_dict()["n_excluded"] == 2
    assert f.weighted_mean([None], [3]) is None


@pytest.mark.parametrize(
    ("values", "weights"),
    [([1.0, -2.0], [3, 4]), ([1.0, 2.0], [3, -4]), ([1.0, 2.0], [3])],
)
def test_s3_4_negative_or_misaligned_input_is_an_error(values, weights):
    with pytest.raises(ValueError):
        f.weighted_cv(values, weights)


@PROPERTY
@given(schools, st.floats(1e-3, 1e3))
def test_s3_4_cv_is_scale_invariant(pairs, scale):
    x, p = unzip(pairs)
    cv = f.weighted_cv(x, p)
    assert f.weighted_cv([v * scale for v in x], p) == pytest.approx(cv, rel=1e-9, abs=1e-12)
    assert f.weighted_cv(x, [w * 7 for w in p]) == pytest.approx(cv, rel=1e-9, abs=1e-12)


@PROPERTY
@given(st.floats(0.01, 1e4), st.lists(st.integers(1, 5000), min_size=1, max_size=15))
def test_s3_4_cv_is_zero_when_all_schools_are_equal(value, weights):
    assert f.weighted_cv([value] * len(weights), weights) == 0.0


@PROPERTY
@given(schools)
def test_s3_4_equal_enrolments_give_the_unweighted_population_cv(pairs):
    x, _ = unzip(pairs)
    arr = np.array(x)
    assert f.weighted_cv(x, [100] * len(x)) == pytest.approx(arr.std() / arr.mean(), rel=1e-9, abs=1e-12)


def test_s3_4_weights_matter():
    """§3.4: same values, different enrolments → different CV (the fixture is one such case)."""
    assert f.weighted_cv([1.0, 3.0], [1, 1]) == pytest.approx(0.5)
    assert f.weighted_cv([1.0, 3.0], [1, 3]) == pytest.approx(math.sqrt(3) / 5)
    assert f.weighted_cv([1.0, 3.0], [1, 1]) != f.weighted_cv([1.0, 3.0], [1, 3])


# ---------------------------------------------------------------------------------------------------
# §3.4 composite, §3.5 / §4.2 thresholds, publication
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("county", "cvs", "exact", "published"),
    [
        ("庐阳区 小学", [0.881, 1.299, 0.977, 0.379, 0.170, 0.334, 0.286, 0.408], 0.59175, 0.592),
        ("南关区 小学", [0.393, 0.578, 0.372, 0.246, 0.208, 0.311, 0.311, 0.455], 0.35925, 0.359),
    ],
)
def test_s3_4_composite_is_mean_of_8_cvs(county, cvs, exact, published):
    """§3.4: composite = (CV1 + … + CV8) / 8, checked against the official tables."""
    composite = f.composite_cv_2012(cvs)
    assert composite == pytest.approx(exact, abs=1e-12), county
    assert f.publish(composite) == published


def test_s3_4_luyang_junior_composite_publishes_0_314_and_passes():
    """§3.4: 庐阳区 初中 → 0.314125 → 0.314; §3.5: ≤ 0.55 for 初中."""
    assert f.publish(0.314125) == 0.314
    assert f.cv_within_threshold(0.314125, f.BASIC_2012_COMPOSITE_THRESHOLDS[Stage.JUNIOR])


def test_s3_4_composite_needs_exactly_8_defined_cvs():
    with pytest.raises(ValueError):
        f.composite_cv_2012([0.5] * 7)
    with pytest.raises(ValueError):
        f.composite_cv_2012([0.5] * 7 + [None])  # type: ignore[list-item]


def test_s3_5_thresholds_are_data():
    assert f.BASIC_2012_COMPOSITE_THRESHOLDS == {Stage.PRIMARY: 0.65, Stage.JUNIOR: 0.55}
    assert f.QUALITY_2017_CV_THRESHOLDS == {Stage.PRIMARY: 0.50, Stage.JUNIOR: 0.45}


@pytest.mark.parametrize(
    ("cv", "stage", "thresholds", "passes"),
    [
        (0.6504, Stage.PRIMARY, f.BASIC_2012_COMPOSITE_THRESHOLDS, False),  # publishes as 0.650
        (0.65, Stage.PRIMARY, f.BASIC_2012_COMPOSITE_THRESHOLDS, True),  # "小于或等于" inclusive
        (0.5504, Stage.JUNIOR, f.BASIC_2012_COMPOSITE_THRESHOLDS, False),
        (0.5004, Stage.PRIMARY, f.QUALITY_2017_CV_THRESHOLDS, False),
        (0.4504, Stage.JUNIOR, f.QUALITY_2017_CV_THRESHOLDS, False),
        (0.45, Stage.JUNIOR, f.QUALITY_2017_CV_THRESHOLDS, True),
    ],
)
def test_s3_4_threshold_compared_before_rounding(cv, stage, thresholds, passes):
    """§3.4: compare before rounding; 0.6504 is published as 0.65 but fails ≤ 0.65."""
    assert f.cv_within_threshold(cv, thresholds[stage]) is passes
    if not passes:
        assert f.publish(cv) == thresholds[stage]


def test_s3_4_float_noise_does_not_flip_an_exact_tie():
    composite = f.composite_cv_2012([0.6, 0.7, 0.6, 0.7, 0.6, 0.7, 0.6, 0.7])
    assert f.cv_within_threshold(composite, 0.65)
    assert f.cv_within_threshold(0.1 + 0.2, 0.3)  # 0.30000000000000004


def test_s3_4_publish_rounds_half_up_from_the_decimal_form():
    assert f.publish(0.0005) == 0.001
    assert f.publish(2.675, 2) == 2.68  # binary 2.67499999… would round down with round()
    assert f.publish(None) is None
    assert f.publish(float("nan")) is None


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                          st.integers(-10**7, 10**7).map(lambda k: k / 10_000),  # halfway at 3 decimals, and near
                          st.integers(-10**7, 10**7).map(lambda k: k / 10_000 + 1e-13)), max_size=40),
       st.sampled_from([1, 2, 3]))
def test_publishing_many_figures_gives_each_figure_published(values, places):
    assert f.publish_all(values, places) == [f.publish(v, places) for v in values]


# ---------------------------------------------------------------------------------------------------
# §3.6 split of combined schools
# ---------------------------------------------------------------------------------------------------


def test_s3_6_nine_year_school_split_fixture():
    """§3.6: 166 primary, 210 junior pupils, 23 226 books → 9 711.6 / 13 514.4."""
    parts = f.split_combined_school(SchoolType.NINE_YEAR, {"primary": 166, "junior": 210}, {"books": 23226})
    assert round(parts[Stage.PRIMARY]["books"], 1) == 9711.6
    assert round(parts[Stage.JUNIOR]["books"], 1) == 13514.4
    assert round(23226 / (166 + 1.1 * 210), 3) == 58.504  # books per primary pupil


def test_s3_6_complete_secondary_and_twelve_year_shares():
    """§3.6: 完全中学 junior share = B ÷ (B + 1.2C); 十二年 = A, 1.1B, 1.32C over their sum."""
    shares = f.split_shares("complete_secondary", {"junior": 500, "senior": 400})
    assert shares[Stage.JUNIOR] == pytest.approx(500 / (500 + 1.2 * 400))
    shares = f.split_shares(SchoolType.TWELVE_YEAR, {Stage.PRIMARY: 300, Stage.JUNIOR: 200, Stage.SENIOR: 100})
    total = 300 + 1.1 * 200 + 1.32 * 100
    assert shares == pytest.approx({Stage.PRIMARY: 300 / total, Stage.JUNIOR: 220 / total, Stage.SENIOR: 132 / total})
    assert sum(shares.values()) == pytest.approx(1.0)


def test_s3_6_only_the_split_fields_are_split():
    with pytest.raises(ValueError, match="split"):
        f.split_combined_school(SchoolType.NINE_YEAR, {"primary": 1, "junior": 1}, {"teachers": 10})
    parts = f.split_combined_school(
        SchoolType.NINE_YEAR, {"primary": 100, "junior": 0}, {"books": 500, "computers": None}
    )
    assert parts[Stage.PRIMARY] == {"books": 500.0, "computers": None}
    assert parts[Stage.JUNIOR]["books"] == 0.0
    assert set(f.SPLIT_FIELDS) >= {
        "teaching_area_m2",
        "gym_area_m2",
        "field_area_m2",
        "equipment_value_yuan",
        "computers",
        "books",
    }


def test_s3_6_split_without_pupils_or_with_missing_stage_is_an_error():
    with pytest.raises(ValueError, match="no pupils"):
        f.split_shares(SchoolType.NINE_YEAR, {"primary": 0, "junior": 0})
    with pytest.raises(ValueError):
        f.split_shares(SchoolType.TWELVE_YEAR, {"primary": 10, "junior": 10})
    assert f.split_shares(SchoolType.PRIMARY, {"primary": 10}) == {Stage.PRIMARY: 1.0}


# ---------------------------------------------------------------------------------------------------
# §3.3 / §4.2 indicator values
# ---------------------------------------------------------------------------------------------------

RAW = {
    "students": 500,
    "teaching_area_m2": 2600.0,
    "indoor_sports_area_m2": 350.0,
    "gym_area_m2": 350.0,
    "field_area_m2": 3400.0,
    "equipment_value_yuan": f.wan_yuan_to_yuan(110.5),
    "computers": 60,
    "books": 16000,
    "teachers": 30,
    "teachers_above_required_degree": 21,
    "teachers_intermediate_title": 12,
    "key_teachers_county_level": 5,
    "pe_music_art_teachers": 4,
    "multimedia_classrooms": 12,
    "classes": 12,
}


def test_s3_3_the_eight_2012_indicators():
    """§3.3: per-student values; computers per 100 pupils; teacher indicators per pupil (e.g. 0.06)."""
    values = f.compute_indicators(f.BASIC_2012_INDICATORS, RAW)
    assert values == pytest.approx(
        {
            "teaching_area": 2600 / 500,
            "sports_area": (350 + 3400) / 500,
            "equipment_value": 1_105_000 / 500,
            "computers_per_100": 12.0,
            "books": 32.0,
            "teacher_ratio": 0.06,
            "above_degree_teachers": 0.042,
            "intermediate_title_teachers": 0.024,
        }
    )
    assert [s.number for s in f.BASIC_2012_INDICATORS] == list(range(1, 9))


def test_s4_2_the_seven_2017_indicators():
    """§4.2 practice: per 100 pupils for teachers and classrooms; indicator 4 subtracts the indoor
    sports rooms; indicator 5 is gym + field; equipment in 元 (万元 × 10 000)."""
    values = f.compute_indicators(f.QUALITY_2017_INDICATORS, RAW)
    assert values == pytest.approx(
        {
            "above_degree_teachers_per_100": 4.2,
            "key_teachers_per_100": 1.0,
            "pe_art_teachers_per_100": 0.8,
            "teaching_area": (2600 - 350) / 500,
            "sports_area": 7.5,
            "equipment_value": 2210.0,
            "multimedia_classrooms_per_100": 2.4,
        }
    )
    assert [s.number for s in f.QUALITY_2017_INDICATORS] == list(range(1, 8))
    # 21 × 100 ÷ 500 is exactly the double nearest 4.2, so "4.2 人以上" is met.
    assert values["above_degree_teachers_per_100"] == 4.2


def test_s4_2_wan_yuan_conversion_is_exact():
    assert f.wan_yuan_to_yuan(185.6) == 1_856_000.0
    assert f.wan_yuan_to_yuan(0.0001) == 1.0
    with pytest.raises(ValueError):
        f.wan_yuan_to_yuan(float("nan"))


def test_s3_3_indicator_is_none_without_pupils_or_data():
    spec = f.BASIC_2012_INDICATORS[4]
    assert f.compute_indicator(spec, {**RAW, "students": 0}) is None
    assert f.compute_indicator(spec, {**RAW, "books": None}) is None
    with pytest.raises(ValueError):
        f.compute_indicator(f.QUALITY_2017_INDICATORS[3], {**RAW, "indoor_sports_area_m2": 9999.0})


ALL_SPECS = (*f.BASIC_2012_INDICATORS, *f.QUALITY_2017_INDICATORS)
FIELDS_USED = sorted({name for spec in ALL_SPECS for name in spec.fields})
cell = st.one_of(st.none(), st.integers(0, 5000), st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False))
raw_school = st.fixed_dictionaries(
    {"students": st.one_of(st.just(0), st.none(), st.integers(0, 4000)), **dict.fromkeys(FIELDS_USED, cell)}
)


@PROPERTY
@given(st.lists(raw_school, min_size=1, max_size=30))
def test_s3_3_s4_2_indicator_columns_are_compute_indicator_school_by_school(table):
    """§3.3 / §4.2: the vectorised columns give, school by school, exactly ``compute_indicator``'s float;
    NaN where it gives None (0 pupils, no enrolment, a blank cell); flagged invalid where it raises (an
    indoor sports area larger than the teaching area it is part of)."""
    columns = {name: np.array([school[name] for school in table], dtype=float) for name in ["students", *FIELDS_USED]}
    for spec in ALL_SPECS:
        values, invalid = f.compute_indicator_column(spec, columns)
        for k, school in enumerate(table):
            try:
                expected = f.compute_indicator(spec, school)
            except ValueError:
                assert invalid[k] and math.isnan(values[k])
                continue
            assert not invalid[k]
            if expected is None:
                assert math.isnan(values[k])
            else:
                assert values[k] == expected


def test_s3_3_indicator_column_of_the_raw_fixture_and_of_a_blank_or_empty_school():
    columns = {name: np.array([RAW[name], RAW[name], None, RAW[name]], dtype=float) for name in RAW}
    columns["students"] = np.array([500, 0, 500, 250], dtype=float)
    values, invalid = f.compute_indicator_column(f.BASIC_2012_INDICATORS[4], columns)  # books per pupil
    assert values[0] == 32.0 and values[3] == 64.0
    assert math.isnan(values[1]) and math.isnan(values[2]) and not invalid.any()


def test_s4_2_standards_table():
    assert f.QUALITY_2017_STANDARDS[Stage.PRIMARY]["above_degree_teachers_per_100"] == 4.2
    assert f.QUALITY_2017_STANDARDS[Stage.JUNIOR]["sports_area"] == 10.2
    assert f.QUALITY_2017_STANDARDS[Stage.JUNIOR]["equipment_value"] == 2500
    for table in f.QUALITY_2017_STANDARDS.values():
        assert set(table) == {s.key for s in f.QUALITY_2017_INDICATORS}


# ---------------------------------------------------------------------------------------------------
# §4.2 per-school status and school rule
# ---------------------------------------------------------------------------------------------------

FLOORS = {  # §4.2 table, column "85 % floor 小学 / 初中"
    Stage.PRIMARY: [3.57, 0.85, 0.765, 3.825, 6.375, 1700, 1.955],
    Stage.JUNIOR: [4.505, 0.85, 0.765, 4.93, 8.67, 2125, 2.04],
}


@pytest.mark.parametrize("stage", [Stage.PRIMARY, Stage.JUNIOR])
def test_s4_2_exactly_85_percent_counts_as_not_below_floor(stage):
    """§4.2 "不能低于要求的85%": a value equal to the published 85 % floor is in between, not below."""
    for spec, floor in zip(f.QUALITY_2017_INDICATORS, FLOORS[stage], strict=True):
        standard = f.QUALITY_2017_STANDARDS[stage][spec.key]
        assert f.indicator_status(floor, standard) is IndicatorStatus.BETWEEN, spec.key
        assert f.indicator_status(0.85 * standard, standard) is IndicatorStatus.BETWEEN, spec.key
        assert f.indicator_status(floor * 0.999, standard) is IndicatorStatus.BELOW_FLOOR, spec.key
        assert f.indicator_status(standard, standard) is IndicatorStatus.MET, spec.key


def test_s4_2_exactly_at_standard_from_raw_counts_counts_as_met():
    """§4.2 "4.2 人以上" includes 4.2: 21 teachers per 500 pupils; 85 %: 357 per 10 000 = 3.57."""
    spec = f.QUALITY_2017_INDICATORS[0]
    at_standard = f.compute_indicator(spec, {"students": 500, "teachers_above_required_degree": 21})
    at_floor = f.compute_indicator(spec, {"students": 10000, "teachers_above_required_degree": 357})
    assert f.indicator_status(at_standard, 4.2) is IndicatorStatus.MET
    assert f.indicator_status(at_floor, 4.2) is IndicatorStatus.BETWEEN
    assert f.indicator_status(None, 4.2) is IndicatorStatus.MISSING


STANDARDS_PRIMARY = [f.QUALITY_2017_STANDARDS[Stage.PRIMARY][s.key] for s in f.QUALITY_2017_INDICATORS]


def rule_for(ratios: list[float | None]) -> f.SchoolRuleResult:
    statuses = [
        f.indicator_status(None if r is None else r * std, std)
        for r, std in zip(ratios, STANDARDS_PRIMARY, strict=True)
    ]
    return f.school_rule_2017(statuses)


@pytest.mark.parametrize(
    ("case", "ratios", "passed"),
    [
        ("7 met", [1.2, 1.0, 1.5, 1.1, 1.0, 3.0, 1.0], True),
        ("6 met + 1 at 90 %", [1.2, 1.0, 1.5, 1.1, 1.0, 3.0, 0.90], True),
        ("6 met + 1 at 80 % fails", [1.2, 1.0, 1.5, 1.1, 1.0, 3.0, 0.80], False),
        ("5 met fails", [1.2, 1.0, 1.5, 1.1, 1.0, 0.95, 0.90], False),
        ("exactly at standard counts as met", [1.0] * 7, True),
        ("exactly 85 % counts", [1.0] * 6 + [0.85], True),
        ("just under 85 % fails", [1.0] * 6 + [0.8499], False),
        ("6 met + 1 missing is undetermined", [1.0] * 6 + [None], None),
        ("a failure is known despite missing data", [1.0] * 5 + [0.5, None], False),
        ("too few met even if the missing were met", [1.0] * 4 + [0.9, 0.9, None], False),
    ],
)
def test_s4_2_school_rule_at_least_6_met_rest_at_least_85_percent(case, ratios, passed):
    """§4.2 "每所学校至少6项指标达到上述要求，余项不能低于要求的85%"."""
    result = rule_for(ratios)
    assert result.passed is passed, f"{case}: {result.reason}"
    assert result.n_met + result.n_between + result.n_below_floor + result.n_missing == 7


@PROPERTY
@given(st.data())
def test_s4_2_status_codes_are_indicator_status_school_by_school(data):
    """§4.2: the vectorised statuses are ``indicator_status`` of every value, ties at the standard and
    at 85 % of it included (both inclusive), NaN and infinity missing."""
    stage = data.draw(st.sampled_from([Stage.PRIMARY, Stage.JUNIOR]))
    key = data.draw(st.sampled_from(sorted(f.QUALITY_2017_STANDARDS[stage])))
    standard = f.QUALITY_2017_STANDARDS[stage][key]
    floor_ratio = data.draw(st.sampled_from([f.QUALITY_2017_FLOOR_RATIO, 0.9, 1.0]))
    value = st.one_of(
        st.floats(0.0, 3 * standard),
        st.sampled_from([standard, floor_ratio * standard, 0.85 * standard, math.nan, math.inf, 0.0]),
        st.integers(0, 400).map(lambda count: count * 100 / 500),  # per-100 values from whole counts
    )
    values = data.draw(st.lists(value, min_size=1, max_size=40))
    codes = f.indicator_status_codes(np.array(values), standard, floor_ratio)
    assert [f.STATUS_ORDER[c] for c in codes] == [f.indicator_status(v, standard, floor_ratio) for v in values]


def test_s4_2_school_rule_is_written_generally():
    met, between = IndicatorStatus.MET, IndicatorStatus.BETWEEN
    assert f.school_rule_2017([met, met, between], min_met=2).passed is True
    assert f.school_rule_2017([met, between, between], min_met=2).passed is False


# ---------------------------------------------------------------------------------------------------
# Attainment (DOMAIN §6) and §8 indices
# ---------------------------------------------------------------------------------------------------


def test_attainment_rate_counts_schools_not_pupils():
    """达标率 by count of schools: one big school below the standard counts once."""
    result = f.attainment_rate([5.0, 5.0, 3.0, None], 4.5, [100, 100, 5000, 80])
    assert (result.n_met, result.n_assessed, result.n_excluded) == (2, 3, 1)
    assert result.rate == pytest.approx(2 / 3)
    assert f.attainment_rate([None], 4.5).rate is None
    assert f.attainment_rate([4.5], 4.5).rate == 1.0  # "以上" includes the standard


def test_s8_gini_fixture_is_0_288377():
    assert round(f.gini(FIXTURE_X, FIXTURE_STUDENTS), 6) == 0.288377


def pairwise_gini(x: list[float], w: list[int]) -> float:
    """§8: G = Σᵢ Σⱼ PᵢPⱼ|Xᵢ − Xⱼ| / (2X̄), an independent form."""
    xs, p = np.array(x), np.array(w, dtype=float) / sum(w)
    mean = float(p @ xs)
    return float(p @ np.abs(xs[:, None] - xs[None, :]) @ p) / (2 * mean)


@PROPERTY
@given(schools)
def test_s8_gini_in_unit_interval_and_equal_to_pairwise_form(pairs):
    x, p = unzip(pairs)
    g = f.gini(x, p)
    assert 0.0 <= g < 1.0
    assert g == pytest.approx(pairwise_gini(x, p), abs=1e-9)
    assert f.gini(list(reversed(x)), list(reversed(p))) == pytest.approx(g, abs=1e-12)


def test_s8_gini_edge_cases():
    assert f.gini([3.0, 3.0, 3.0], [1, 5, 9]) == 0.0
    assert f.gini([3.0], [10]) == 0.0
    assert f.gini([0.0, 0.0], [1, 2]) is None
    assert f.gini([None, 2.0], [5, 0]) is None


def test_s8_contributions_fixture_and_directions():
    """§8: 0.0003, 0.0797, 0.4813, 0.4225, 0.0162; schools 3 (over-resourced) and 4 (weak) explain 90 %."""
    contributions = f.difference_contributions(FIXTURE_X, FIXTURE_STUDENTS)
    assert [round(c.share, 4) for c in contributions] == [0.0003, 0.0797, 0.4813, 0.4225, 0.0162]
    assert [c.direction for c in contributions] == [
        f.Direction.WEAK,
        f.Direction.WEAK,
        f.Direction.OVER_RESOURCED,
        f.Direction.WEAK,
        f.Direction.OVER_RESOURCED,
    ]


@PROPERTY
@given(schools)
def test_s8_contributions_sum_to_one(pairs):
    x, p = unzip(pairs)
    contributions = [c for c in f.difference_contributions(x, p) if c is not None]
    if len(set(x)) > 1:
        assert math.fsum(c.share for c in contributions) == pytest.approx(1.0, abs=1e-9)
    for c in contributions:
        assert 0.0 <= c.share <= 1.0


def test_s8_contributions_with_no_variance_or_excluded_schools():
    assert [c.share for c in f.difference_contributions([2.0, 2.0], [3, 4])] == [0.0, 0.0]
    assert f.difference_contributions([2.0, None, 5.0], [3, 4, 0]) == [
        f.Contribution(0.0, f.Direction.AT_MEAN, 0.0),
        None,
        None,
    ]


def test_s8_development_index():
    """§8 [P]: Dᵢ = Xᵢ / standard; county = X̄ / standard."""
    result = f.development_index(FIXTURE_X, FIXTURE_STUDENTS, 5.0)
    assert result.county == pytest.approx(1913 / 302 / 5.0)
    assert result.schools[0] == pytest.approx(6.2 / 5.0)
    assert f.development_index([1.0, None], [1, 1], 2.0).schools == [0.5, None]
    with pytest.raises(ValueError):
        f.development_index([1.0], [1], 0.0)


def test_s8_shortfall_to_standard():
    """§8 [P]: max(0, standard × Pᵢ − resourceᵢ), in the resource's own unit."""
    assert f.shortfall_to_standard(160, 76, 6.0) == pytest.approx(6.0 * 76 - 160)
    assert f.shortfall_to_standard(935, 89, 6.0) == 0.0
    # per-100 indicator: 4.2 teachers per 100 pupils, 500 pupils, 18 teachers → 3 more
    assert f.shortfall_to_standard(18, 500, 4.2, per=100) == pytest.approx(3.0)
    assert f.shortfall_to_standard(21, 500, 4.2, per=100) == 0.0  # exactly at the standard
    assert f.shortfall_to_standard(0, 0, 4.2) == 0.0


# ---------------------------------------------------------------------------------------------------
# §8 adjustment room to the CV threshold
# ---------------------------------------------------------------------------------------------------


def test_s8_cv_plan_on_fixture_is_feasible_and_binding():
    plan = f.cv_adjustment_plan(FIXTURE_X, FIXTURE_STUDENTS, 0.30)
    assert plan.needed
    y = np.array(FIXTURE_X) + np.array(plan.additions) / np.array(FIXTURE_STUDENTS)
    after = cv_of(y, np.array(FIXTURE_STUDENTS, dtype=float))
    assert after <= 0.30
    assert after == pytest.approx(0.30, abs=1e-9)  # no resource is wasted
    # only the schools below the level are raised, and all to the same level
    assert [a > 0 for a in plan.additions] == [x < plan.level for x in FIXTURE_X]
    assert plan.total == pytest.approx(sum(plan.additions))


def test_s8_cv_plan_is_empty_when_already_within_or_undefined():
    within = f.cv_adjustment_plan(FIXTURE_X, FIXTURE_STUDENTS, 0.6)
    assert (within.needed, within.total, within.n_raised) == (False, 0.0, 0)
    undefined = f.cv_adjustment_plan([0.0, 0.0], [1, 2], 0.5)
    assert undefined.total is None and "undefined" in undefined.note
    partial = f.cv_adjustment_plan([1.0, None, 9.0], [10, 10, 0], 0.1)
    assert partial.additions[1:] == [None, None]


def scipy_least_total(x: np.ndarray, w: np.ndarray, t: float) -> float | None:
    """min Σ Δᵢ s.t. CV(x + Δ/P) ≤ t, Δ ≥ 0 with SLSQP (Δ scaled per pupil); None if it fails."""
    p = w / w.sum()
    scale = float(w @ x)

    def constraint(d: np.ndarray) -> float:
        y = x + d
        m = float(p @ y)
        return t * m - math.sqrt(float(p @ (y - m) ** 2) + 1e-300)

    best = None
    for start in (np.zeros_like(x), np.maximum(x.max() - x, 0.0)):
        r = minimize(
            lambda d: float(w @ d) / scale,
            start,
            jac=lambda d: w / scale,
            method="SLSQP",
            bounds=[(0.0, None)] * len(x),
            constraints=[{"type": "ineq", "fun": constraint}],
            options={"maxiter": 500, "ftol": 1e-12},
        )
        d = np.maximum(r.x, 0.0)
        if cv_of(x + d, w) <= t * (1 + 1e-7):
            total = float(w @ d)
            best = total if best is None else min(best, total)
    return best


def test_s8_cv_plan_is_not_worse_than_scipy_slsqp():
    """§8 差异调整空间: the water-filling total is ≤ scipy's optimum (+ tolerance) and feasible."""
    rng = np.random.default_rng(20240501)
    compared = 0
    for _ in range(40):
        n = int(rng.integers(2, 9))
        x = rng.uniform(0.2, 12.0, n)
        w = rng.integers(20, 1500, n).astype(float)
        t = cv_of(x, w) * float(rng.uniform(0.1, 0.95))
        plan = f.cv_adjustment_plan(x, w, t)
        additions = np.array(plan.additions)
        assert np.all(additions >= 0)
        assert cv_of(x + additions / w, w) <= t
        reference = scipy_least_total(x, w, t)
        if reference is None:
            continue
        compared += 1
        assert plan.total <= reference * (1 + 1e-6) + 1e-9
        assert plan.total >= reference * (1 - 1e-4)  # and scipy agrees it is the optimum
    assert compared >= 30


def test_s8_cv_plan_beats_brute_force_grid():
    """§8: on 3-school cases no point of a fine grid of additions is feasible with a smaller total."""
    rng = np.random.default_rng(7)
    for _ in range(6):
        x = rng.uniform(0.5, 10.0, 3)
        w = rng.integers(20, 600, 3).astype(float)
        t = cv_of(x, w) * 0.5
        plan = f.cv_adjustment_plan(x, w, t)
        steps = np.linspace(0.0, float(x.max() - x.min()), 81)  # per-pupil raise of each school
        d = np.stack(np.meshgrid(steps, steps, steps, indexing="ij"), axis=-1).reshape(-1, 3)
        y = x + d
        p = w / w.sum()
        m = y @ p
        cv = np.sqrt(((y - m[:, None]) ** 2) @ p) / m
        totals = d @ w
        feasible = cv <= t
        assert feasible.any()
        assert plan.total <= totals[feasible].min() + 1e-9


@PROPERTY
@given(schools, st.floats(0.0, 0.99), st.lists(st.floats(0.0, 1.0), min_size=12, max_size=12))
def test_s8_cv_plan_is_feasible_non_negative_and_beats_other_plans(pairs, fraction, direction):
    """Property: the plan meets the threshold, adds nothing negative, and no plan along a random
    direction of additions meets the threshold with a smaller total."""
    x, p = unzip(pairs)
    xs, ws = np.array(x), np.array(p, dtype=float)
    cv = f.weighted_cv(x, p)
    threshold = cv * fraction
    plan = f.cv_adjustment_plan(x, p, threshold)
    additions = np.array(plan.additions)
    assert np.all(additions >= 0.0)
    assert f.weighted_cv(xs + additions / ws, ws) <= threshold + 1e-9
    if not plan.needed:
        assert plan.total == 0.0
        return
    assert plan.cv_after <= threshold
    d = np.array(direction[: len(x)]) * (xs.max() - xs) + 1e-9  # favour the weak schools
    for s in np.geomspace(1e-3, 1e3, 40):
        y = xs + s * d
        if cv_of(y, ws) <= threshold:
            assert plan.total <= float(ws @ (s * d)) * (1 + 1e-9) + 1e-9


def test_s8_cv_plan_level_is_the_two_pass_bisection():
    """§8: the plan's level (found on sorted prefix sums) is the least level whose water-filled CV,
    computed the two-pass way of §3.4, meets the threshold, to 1e-9, on hundreds of schools."""
    rng = np.random.default_rng(20261206)
    for _ in range(25):
        n = int(rng.integers(2, 600))
        x = rng.lognormal(0.0, 0.6, n) * float(rng.choice([0.01, 1.0, 3000.0]))
        w = rng.integers(1, 3000, n).astype(float)
        t = cv_of(x, w) * float(rng.uniform(0.0, 0.95))
        plan = f.cv_adjustment_plan(x, w, t)
        low, high = float(x.min()), float(x.max())
        for _step in range(200):
            mid = 0.5 * (low + high)
            if mid <= low or mid >= high:
                break
            if cv_of(np.maximum(x, mid), w) <= t * (1 - 1e-12):
                high = mid
            else:
                low = mid
        assert plan.level == pytest.approx(high, rel=1e-9)
        assert plan.cv_after <= t
        assert plan.total == pytest.approx(float(w @ np.maximum(high - x, 0.0)), rel=1e-9)


def test_s8_cv_plan_to_zero_threshold_equalises_everyone():
    plan = f.cv_adjustment_plan([1.0, 2.0, 4.0], [10, 20, 30], 0.0)
    assert plan.level == 4.0
    assert plan.additions == pytest.approx([30.0, 40.0, 0.0])
    assert plan.cv_after == 0.0
