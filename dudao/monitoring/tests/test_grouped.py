"""The result's rows written when read (``LazyRows``) and many counties in one call (``analyze_many``)."""

from __future__ import annotations

import dataclasses
import json
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.monitoring import analysis as a
from dudao.monitoring import exports
from dudao.monitoring.tests.test_analysis import random_county, school


def county(seed: int, n: int, prefix: str = "") -> list[dict[str, Any]]:
    """``random_county`` (0 pupils, blank cells, uneven resources) with a combined school added."""
    records = random_county(seed, n)
    for record in records:
        record["school_code"] = prefix + record["school_code"]
    if seed % 2:
        records += [
            school(f"{prefix}N1", 300 + seed, school_type="九年一贯制", stage="小学", books=9000 + seed),
            school(f"{prefix}N1", 200, school_type="九年一贯制", stage="初中",
                   **dict.fromkeys(("teaching_area_m2", "indoor_sports_area_m2", "gym_area_m2", "field_area_m2",
                                    "equipment_value_yuan", "computers", "books"))),
        ]
    return records


# ---------------------------------------------------------------------------------------------------
# LazyRows
# ---------------------------------------------------------------------------------------------------


def test_lazy_rows_read_as_the_list_of_the_same_items():
    built: list[int] = []

    def build(i: int) -> dict[str, int]:
        built.append(i)
        return {"i": i, "square": i * i}

    rows = a.LazyRows(5, build)
    expected = [{"i": i, "square": i * i} for i in range(5)]
    assert built == []  # nothing is written before it is read
    assert len(rows) == 5 and bool(rows) and not a.LazyRows(0, build)
    assert rows[0] == expected[0] and rows[-1] == expected[-1] and rows[1:4] == expected[1:4]
    assert rows[::-2] == expected[::-2]
    assert list(rows) == expected and rows.tolist() == expected and rows == expected and rows == tuple(expected)
    assert rows != expected[:4] and rows != [*expected[:4], {"i": 9}]
    with pytest.raises(IndexError):
        rows[5]
    with pytest.raises(IndexError):
        rows[-6]
    assert rows.map(lambda row: row["i"]) == [0, 1, 2, 3, 4]
    assert json.loads(json.dumps({"rows": rows}, default=a.json_default)) == {"rows": expected}
    assert a.plain({"rows": [rows, (1, 2)]}) == {"rows": [expected, [1, 2]]}


def test_chained_rows_index_every_part_and_skip_empty_ones():
    parts = [[1, 2], a.LazyRows(0, lambda i: i), a.LazyRows(3, lambda i: 10 + i), [], [99]]
    chained = a.LazyRows.chain(parts)
    expected = [1, 2, 10, 11, 12, 99]
    assert len(chained) == 6 and list(chained) == expected
    assert [chained[i] for i in range(-6, 6)] == expected + expected
    assert a.LazyRows.chain([]) == []


@pytest.mark.parametrize("method", ["quality-2017", "basic-2012"])
def test_alarms_and_rows_read_by_index_are_those_read_in_order(method):
    result = a.analyze(county(3, 120) + county(4, 40, "B"), method)
    for rows in (result["alarms"], *[level[name] for level in result["levels"].values()
                                     for name in ("alarms", "schools")]):
        assert [rows[i] for i in range(len(rows))] == list(rows)
        assert [rows[i] for i in range(-len(rows), 0)] == list(rows)
    assert list(result["alarms"]) == [al for level in result["levels"].values() for al in level["alarms"]]
    for level in result["levels"].values():
        for indicator in level["indicators"]:
            for rows in (indicator["contributions"], indicator["adjustment"]["to_threshold"]["schools"],
                         (indicator["adjustment"]["to_standard"] or {"schools": []})["schools"]):
                assert [rows[i] for i in range(len(rows))] == list(rows)


def test_the_largest_contributions_are_those_of_the_whole_list_sorted():
    result = a.analyze(county(5, 150), "quality-2017")
    for level in result["levels"].values():
        top = exports.top_contributions(level, n=4)
        for indicator, shown in zip(level["indicators"], top, strict=True):
            everything = sorted(indicator["contributions"], key=lambda c: c["share"], reverse=True)[:4]
            assert shown["schools"] == everything


# ---------------------------------------------------------------------------------------------------
# analyze_many
# ---------------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seeds=st.lists(st.integers(0, 10_000), min_size=1, max_size=6),
    sizes=st.lists(st.integers(0, 40), min_size=6, max_size=6),
    method=st.sampled_from(["quality-2017", "basic-2012"]),
    overrides=st.sampled_from([
        {},
        {"floor_ratio": 0.9, "thresholds": {"primary": 0.2}, "standards": {"junior": {"teaching_area": 5.0}}},
    ]),
)
def test_analyze_many_gives_what_each_county_gives_alone(seeds, sizes, method, overrides):
    if method == "basic-2012" and "standards" in overrides:
        overrides = {"thresholds": overrides["thresholds"], "standards": {"primary": {"books": 25.0}}}
    # given: counties of any size (none, one school, many), the same codes in different counties
    tables = [county(seed, size) for seed, size in zip(seeds, sizes, strict=False)]
    # when
    together = a.analyze_many(tables, method, **overrides)
    # then: nothing is pooled, every figure, sentence and row is that of the county alone
    assert len(together) == len(tables)
    for table, result in zip(tables, together, strict=True):
        alone = a.analyze(table, method, **overrides)
        assert a.plain(result) == a.plain(alone)


def test_analyze_many_checks_each_county_alone():
    good = county(1, 20)
    broken = county(2, 20) + [school("S000", 100)]  # S000 twice in this county only
    with pytest.raises(a.SchoolTableError) as failure:
        a.analyze_many([good, broken], "quality-2017")
    assert {e.code for e in failure.value.errors} == {"duplicate"}
    assert len(a.analyze_many([good, county(2, 20)], "quality-2017")) == 2
    assert a.analyze_many([], "quality-2017") == []


def test_a_county_of_analyze_many_reads_its_own_schools_only():
    first, second = county(7, 30), county(8, 30)
    results = a.analyze_many([first, second], "quality-2017")
    for table, result in zip((first, second), results, strict=True):
        names = {r["school_name"] for r in table}
        for level in result["levels"].values():
            assert {s["school_name"] for s in level["schools"]} <= names
            assert all(c["school_name"] in names for i in level["indicators"] for c in i["contributions"])
        assert result["n_rows"] == len(table)
    assert np.isfinite([i["cv"]["value"] or 0 for r in results for lv in r["levels"].values()
                        for i in lv["indicators"]]).all()


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 30), min_size=1, max_size=8),
    seed=st.integers(0, 10_000),
    threshold=st.sampled_from([0.0, 0.05, 0.2, 0.45]),
)
def test_plans_of_many_groups_are_those_of_each_group_alone(sizes, seed, threshold):
    for at_once in (1, 1000):  # the groups' levels bisected all at once, then one group at a time
        check_plans_of_groups(sizes, seed, threshold, at_once)


def check_plans_of_groups(sizes, seed, threshold, at_once):
    from dudao.monitoring import formulas as f

    # given groups of values with ties, blanks and 0 pupils
    rng = np.random.default_rng(seed)
    n = sum(sizes)
    values = np.round(rng.lognormal(1.0, 0.6, n), int(rng.integers(0, 3)))
    values[rng.random(n) < 0.1] = np.nan
    students = rng.integers(0, 900, n).astype(float)
    bounds = np.concatenate(([0], np.cumsum(sizes))).tolist()
    befores = {}
    for g in range(len(sizes)):
        cv = f.weighted_cv_detail(values[bounds[g]:bounds[g + 1]], students[bounds[g]:bounds[g + 1]])
        if f.cv_adjustment_unneeded(cv, threshold) is None:
            befores[g] = cv
    # when
    f._GROUPS_AT_ONCE, kept = at_once, f._GROUPS_AT_ONCE
    try:
        plans, additions = f.cv_adjustment_groups(values, students, bounds, threshold, befores)
    finally:
        f._GROUPS_AT_ONCE = kept
    # then: each plan and its additions are those of the group alone, NaN outside the planned groups
    assert set(plans) == set(befores)
    for g in range(len(sizes)):
        mine = additions[bounds[g]:bounds[g + 1]]
        if g not in befores:
            assert np.isnan(mine).all()
            continue
        alone, alone_additions = f.cv_adjustment_arrays(values[bounds[g]:bounds[g + 1]],
                                                        students[bounds[g]:bounds[g + 1]], threshold, before=befores[g])
        assert plans[g] == alone
        np.testing.assert_array_equal(mine, alone_additions)
        assert alone.cv_after <= threshold


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(0, 70), min_size=1, max_size=12), seed=st.integers(0, 10_000))
def test_segment_sums_are_those_of_each_segment_alone(sizes, seed):
    from dudao.monitoring import formulas as f

    values = np.random.default_rng(seed).lognormal(0.0, 2.0, sum(sizes))
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    alone = [np.cumsum(values[bounds[k]:bounds[k + 1]]) for k in range(len(sizes))]
    assert np.array_equal(f.segment_cumsum(values, bounds), np.concatenate(alone))


def test_a_read_table_is_checked_once_and_cannot_be_changed():
    # given: a county read by parse_records (checked across rows as it was read)
    records = county(3, 25)
    table = a.parse_records(records)
    assert isinstance(table, a.SchoolTable) and table == list(table) and table[:2] == list(table)[:2]
    # then: it cannot be changed behind the check, and survives pickling (a job's argument) unchanged
    for change in (lambda t: t.append(t[0]), lambda t: t.extend(t[:1]), lambda t: t.insert(0, t[0]),
                   lambda t: t.__setitem__(0, t[1]), lambda t: t.__delitem__(0), lambda t: t.pop(),
                   lambda t: t.sort(key=id), lambda t: t.reverse(), lambda t: t.clear(), lambda t: t.remove(t[0])):
        with pytest.raises(TypeError):
            change(table)
    copy = pickle.loads(pickle.dumps(table))
    assert isinstance(copy, a.SchoolTable) and copy == table
    # and: it is analysed as its plain copy is, and a copy changed by hand is checked again
    assert a.plain(a.analyze(table, "quality-2017")) == a.plain(a.analyze(list(table), "quality-2017"))
    changed = [*table, table[0]]
    with pytest.raises(a.SchoolTableError) as failure:
        a.analyze(changed, "quality-2017")
    assert {e.code for e in failure.value.errors} == {"duplicate"}


def test_the_packed_fields_of_a_row_are_its_values():
    # given: rows read (with blank cells and a combined school) and the same rows made by hand
    table = a.parse_records(county(5, 40))
    by_hand = [dataclasses.replace(row, numbers=b"") for row in table]
    # then: each row's packed fields are its values, NaN for a blank cell
    for row in table:
        packed = np.frombuffer(row.numbers, dtype=np.float64)
        assert len(packed) == len(row.values)
        for name, number in zip(a._VALUE_NAMES, packed.tolist(), strict=True):
            value = row.values[name]
            assert (number != number) if value is None else number == value
    # and: the analysis reads either the same way, the 2012 method too
    for method in ("quality-2017", "basic-2012"):
        assert a.plain(a.analyze(by_hand, method)) == a.plain(a.analyze(table, method))
    # and: a row made by hand with a field left out or given as text reads it as the reader would
    first = by_hand[0]
    values = {**first.values, "books": "12000"}
    del values["computers"]
    read = {**first.values, "books": 12000.0, "computers": None}
    raw = np.frombuffer(a._pack(values), dtype=np.float64)
    assert raw[a._VALUE_POSITIONS["books"]] == 12000.0 and np.isnan(raw[a._VALUE_POSITIONS["computers"]])
    for method in ("quality-2017", "basic-2012"):
        given, expected = (a.plain(a.analyze([dataclasses.replace(first, values=v)], method))["levels"]
                           for v in (values, read))
        for stage, level in given.items():  # the same figures (each school's raw fields are as given)
            assert level["indicators"] == expected[stage]["indicators"]
            assert [s["indicators"] for s in level["schools"]] == [s["indicators"] for s in expected[stage]["schools"]]
