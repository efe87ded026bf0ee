"""Tests of the analysis engine: reading and validating school tables, and ``analyze`` (STANDARDS §3, §4, §8)."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

from dudao.monitoring import analysis as a
from dudao.monitoring import formulas as f

REPO_ROOT = Path(__file__).resolve().parents[3]

FACILITIES = (
    "teaching_area_m2",
    "indoor_sports_area_m2",
    "gym_area_m2",
    "field_area_m2",
    "equipment_value_yuan",
    "computers",
    "books",
)


def school(
    code: str, students: int, *, name: str | None = None, school_type: str = "小学", stage: str = "", **overrides: Any
) -> dict[str, Any]:
    """A record that meets every 2017 standard comfortably (per 100 pupils: 6 / 2 / 1 teachers, 3 rooms)."""
    record: dict[str, Any] = {
        "school_code": code,
        "school_name": name or f"{code}学校",
        "school_type": school_type,
        "stage": stage,
        "students": students,
        "teaching_area_m2": 6.5 * students,
        "indoor_sports_area_m2": 0.5 * students,
        "gym_area_m2": 0.5 * students,
        "field_area_m2": 11.5 * students,
        "equipment_value_yuan": 3000.0 * students,
        "computers": round(0.10 * students),
        "books": 30 * students,
        "teachers": round(0.08 * students),
        "teachers_above_required_degree": round(0.06 * students),
        "teachers_intermediate_title": round(0.03 * students),
        "key_teachers_county_level": round(0.02 * students),
        "pe_music_art_teachers": round(0.01 * students),
        "multimedia_classrooms": round(0.03 * students),
        "classes": max(1, students // 45),
    }
    record.update(overrides)
    return record


def floats_in(value: Any):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from floats_in(item)
    elif isinstance(value, list | a.LazyRows):
        for item in value:
            yield from floats_in(item)


def assert_plain_json(value: Any) -> None:
    """Walks the result: only dict/list/str/int/float/bool/None, string keys, no NaN or inf. A sentence
    is a ``Message``: a ``str`` (its English text) that the pages translate. The per-school rows are
    ``LazyRows``, lists written out as they are read."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, key
            assert_plain_json(item)
    elif isinstance(value, list | a.LazyRows):
        for item in value:
            assert_plain_json(item)
    else:
        assert value is None or type(value) in (str, f.Message, int, float, bool), (type(value), value)
    if isinstance(value, float):
        assert math.isfinite(value), value


def assert_clean(result: dict[str, Any]) -> None:
    assert_plain_json(result)
    assert all(math.isfinite(v) for v in floats_in(result))
    written = json.dumps(result, allow_nan=False, ensure_ascii=False, default=a.json_default)
    assert json.loads(written) == json.loads(json.dumps(a.plain(result), allow_nan=False, ensure_ascii=False))


def indicator(result: dict[str, Any], stage: str, key: str) -> dict[str, Any]:
    return next(i for i in result["levels"][stage]["indicators"] if i["key"] == key)


def school_entry(result: dict[str, Any], stage: str, code: str) -> dict[str, Any]:
    return next(s for s in result["levels"][stage]["schools"] if s["school_code"] == code)


# §3.4 fixture: five primary schools, 生均图书册数.
FIXTURE = [("小学1", 45, 279), ("小学2", 37, 137), ("小学3", 89, 935), ("小学4", 76, 160), ("小学5", 55, 402)]


def fixture_records() -> list[dict[str, Any]]:
    return [school(code, p, books=books) for code, p, books in FIXTURE]


# ---------------------------------------------------------------------------------------------------
# analyze: 2012
# ---------------------------------------------------------------------------------------------------


def test_s3_4_books_fixture_through_analyze_basic_2012():
    result = a.analyze(fixture_records(), "basic-2012")
    books = indicator(result, "primary", "books")
    assert round(books["cv"]["value"], 6) == 0.515257
    assert books["cv"]["published"] == 0.515
    assert round(books["gini"], 6) == 0.288377
    assert [round(c["share"], 4) for c in books["contributions"]] == [0.0003, 0.0797, 0.4813, 0.4225, 0.0162]
    assert [c["direction"] for c in books["contributions"]] == [
        "weak",
        "weak",
        "over_resourced",
        "weak",
        "over_resourced",
    ]
    assert books["passed"] is None and "composite" in books["reason"]
    assert_clean(result)


def test_s3_4_composite_is_mean_of_8_and_compared_with_threshold():
    result = a.analyze(fixture_records(), f.Method.BASIC_2012)
    level = result["levels"]["primary"]
    cvs = [i["cv"]["value"] for i in level["indicators"]]
    assert len(cvs) == 8
    composite = level["composite"]
    assert composite["value"] == pytest.approx(sum(cvs) / 8)
    assert composite["published"] == f.publish(composite["value"])
    assert composite["threshold"] == 0.65
    assert composite["passed"] is (composite["value"] <= 0.65)
    assert result["levels"]["junior"]["passed"] is None  # no junior schools
    assert result["levels"]["junior"]["n_schools"] == 0
    assert_clean(result)


def test_s3_5_threshold_override_fails_the_composite_with_an_alarm():
    result = a.analyze(fixture_records(), "basic-2012", thresholds={"primary": 0.1})
    level = result["levels"]["primary"]
    assert level["passed"] is False
    assert "> 0.1" in level["reasons"][0]
    assert any(al["kind"] == "composite_above_threshold" for al in result["alarms"])
    # 2012 per-indicator plans aim at the composite threshold (sufficient condition)
    plan = indicator(result, "primary", "books")["adjustment"]["to_threshold"]
    assert plan["needed"] and plan["cv_after"] <= 0.1


def test_s8_2012_with_provincial_standard_gives_attainment_and_shortfalls():
    result = a.analyze(fixture_records(), "basic-2012", standards={"primary": {"books": 10.0}})
    books = indicator(result, "primary", "books")
    assert books["attainment"] == {"rate": 0.2, "n_met": 1, "n_assessed": 5, "n_excluded": 0}
    assert books["development_index"] == pytest.approx(1913 / 302 / 10)
    shortfalls = {s["school_code"]: s["addition"] for s in books["adjustment"]["to_standard"]["schools"]}
    assert shortfalls == pytest.approx({"小学1": 171, "小学2": 233, "小学4": 600, "小学5": 148})
    assert indicator(result, "primary", "sports_area")["attainment"] is None  # no standard given


def test_s3_3_levels_are_never_pooled():
    primary_only = a.analyze(fixture_records(), "basic-2012")
    with_junior = a.analyze(
        fixture_records() + [school("J1", 900, school_type="初中", books=100), school("J2", 300, school_type="初中")],
        "basic-2012",
    )
    assert primary_only["levels"]["primary"]["indicators"] == with_junior["levels"]["primary"]["indicators"]
    assert with_junior["levels"]["junior"]["n_schools"] == 2


# ---------------------------------------------------------------------------------------------------
# analyze: §3.6 combined schools
# ---------------------------------------------------------------------------------------------------


def test_s3_6_nine_year_school_is_split_between_levels():
    records = [
        school("N1", 166, school_type="九年一贯制", stage="小学", books=23226),
        school("N1", 210, school_type="九年一贯制", stage="初中", **dict.fromkeys(FACILITIES)),
    ]
    result = a.analyze(records, "basic-2012")
    primary, junior = school_entry(result, "primary", "N1"), school_entry(result, "junior", "N1")
    assert round(primary["raw"]["books"], 1) == 9711.6
    assert round(junior["raw"]["books"], 1) == 13514.4
    assert primary["split_share"] + junior["split_share"] == pytest.approx(1.0)
    assert junior["raw"]["teachers"] == round(0.08 * 210)  # teachers are per stage, not split
    assert primary["rows"] == junior["rows"] == [1, 2]
    assert_clean(result)


def test_s3_6_complete_secondary_uses_senior_enrolment_for_the_split():
    record = school("W1", 500, school_type="完全中学", stage="初中", senior_students=400, books=98000)
    result = a.analyze([record], "basic-2012")
    entry = school_entry(result, "junior", "W1")
    assert entry["split_share"] == pytest.approx(500 / (500 + 1.2 * 400))
    assert entry["raw"]["books"] == pytest.approx(98000 * 500 / 980)
    assert result["levels"]["primary"]["n_schools"] == 0


# ---------------------------------------------------------------------------------------------------
# analyze: 2017
# ---------------------------------------------------------------------------------------------------


def quality_records() -> list[dict[str, Any]]:
    return [
        school("A", 1000, equipment_value_yuan=10000.0 * 1000),
        school("B", 800, equipment_value_yuan=2100.0 * 800),
        # C: net teaching area 4.05 = 90 % of 4.5 → in between, still passes the school rule
        school("C", 500, equipment_value_yuan=2100.0 * 500, teaching_area_m2=4.05 * 500 + 250),
        # D: sports area 6.0 = 80 % of 7.5 → below the floor, fails the school rule
        school("D", 400, equipment_value_yuan=2100.0 * 400, field_area_m2=6.0 * 400 - 200),
        school("J1", 1000, school_type="初中"),
        school("J2", 600, school_type="初中"),
    ]


def test_s4_2_quality_2017_end_to_end():
    result = a.analyze(quality_records(), "quality-2017")
    assert_clean(result)
    level = result["levels"]["primary"]
    assert level["threshold"] == 0.50
    assert level["school_rule"]["n_passed"] == 3 and level["school_rule"]["n_failed"] == 1
    assert school_entry(result, "primary", "C")["statuses"]["teaching_area"] == "between"
    assert school_entry(result, "primary", "C")["rule"]["passed"] is True
    assert school_entry(result, "primary", "D")["statuses"]["sports_area"] == "below_floor"
    assert school_entry(result, "primary", "D")["rule"]["passed"] is False

    equipment = indicator(result, "primary", "equipment_value")
    assert equipment["cv"]["value"] > 0.50 and equipment["passed"] is False
    assert indicator(result, "primary", "sports_area")["passed"] is True
    assert indicator(result, "primary", "sports_area")["attainment"]["rate"] == 0.75
    assert level["passed"] is False
    assert any(equipment["name"] in r for r in level["reasons"])
    assert any("1 school(s) fail" in r for r in level["reasons"])

    kinds = {(al["kind"], al["school_code"], al["indicator"]) for al in result["alarms"]}
    assert ("school_rule_failed", "D", None) in kinds
    assert ("below_floor", "D", "sports_area") in kinds
    assert ("below_standard", "C", "teaching_area") in kinds
    assert ("cv_above_threshold", None, "equipment_value") in kinds

    junior = result["levels"]["junior"]
    assert junior["threshold"] == 0.45 and junior["passed"] is True


def test_s8_2017_adjustment_plans_are_feasible_when_applied():
    records = quality_records()
    result = a.analyze(records, "quality-2017")
    plan = indicator(result, "primary", "equipment_value")["adjustment"]["to_threshold"]
    assert plan["needed"] and plan["unit"] == "yuan" and plan["total"] > 0  # 元 in the Chinese catalogue
    added = {s["school_code"]: s["addition"] for s in plan["schools"]}
    assert "A" not in added  # the over-resourced school receives nothing
    assert plan["total"] == pytest.approx(sum(added.values()))
    raised = [
        dict(r, equipment_value_yuan=r["equipment_value_yuan"] + added.get(r["school_code"], 0.0)) for r in records
    ]
    again = indicator(a.analyze(raised, "quality-2017"), "primary", "equipment_value")
    assert again["cv"]["value"] <= 0.50 and again["passed"] is True

    shortfall = indicator(result, "primary", "sports_area")["adjustment"]["to_standard"]
    assert shortfall["schools"] == [
        {"school_code": "D", "school_name": "D学校", "resource": 2400.0, "addition": pytest.approx(600.0)}
    ]


def test_s4_2_per_100_plan_is_in_whole_units_of_the_resource():
    records = [school("P1", 1000), school("P2", 1000, key_teachers_county_level=1)]
    result = a.analyze(records, "quality-2017")
    plan = indicator(result, "primary", "key_teachers_per_100")["adjustment"]["to_threshold"]
    assert plan["unit"] == "teachers"  # 人 in the Chinese catalogue
    added = {s["school_code"]: s["addition"] for s in plan["schools"]}
    # the water level L is per 100 pupils; P2 gets (L − 0.1) × 1000 / 100 teachers
    assert added["P2"] == pytest.approx((plan["level"] - 0.1) * 10)


def random_county(seed: int, n: int = 80) -> list[dict[str, Any]]:
    """A county of primary and junior schools with uneven resources, some with 0 pupils or a blank cell."""
    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        record = school(f"S{i:03d}", int(rng.choice([0, 9, 120, 600, 1800])), school_type=str(rng.choice(["小学", "初中"])))
        for name in ("teaching_area_m2", "field_area_m2", "equipment_value_yuan", "computers", "books",
                     "multimedia_classrooms"):
            scaled = record[name] * float(rng.lognormal(0.0, 0.35))
            record[name] = round(scaled) if isinstance(record[name], int) else round(scaled, 1)
        for name in ("teachers_above_required_degree", "key_teachers_county_level", "pe_music_art_teachers"):
            record[name] = round(record[name] * float(rng.uniform(0.3, 1.0)))
        if rng.random() < 0.08:
            record[str(rng.choice(["books", "key_teachers_county_level", "multimedia_classrooms"]))] = None
        records.append(record)
    return records


@pytest.mark.parametrize("seed", range(4))
def test_per_school_figures_are_the_scalar_formulas_school_by_school(seed):
    """The level's columns give every school what the one-school formulas give (§3.3, §4.2, §8):
    indicator values, statuses, the per-school rule, contributions and shortfalls."""
    # given
    records = random_county(seed)
    units = {(u.stage.value, u.school_code): u for u in a.build_units(a.parse_records(records))}
    # when
    result = a.analyze(records, "quality-2017")
    # then
    assert_clean(result)
    for stage, level in result["levels"].items():
        standards = result["standards"][stage]
        for entry in level["schools"]:
            unit = units[(stage, entry["school_code"])]
            values = f.compute_indicators(f.QUALITY_2017_INDICATORS, unit.fields())
            assert entry["indicators"] == values
            statuses = {k: f.indicator_status(v, standards[k]).value for k, v in values.items()}
            assert entry["statuses"] == statuses
            assert ("rule" in entry) is (unit.students > 0)
            if unit.students:
                assert entry["rule"] == f.school_rule_2017(statuses.values()).as_dict()
        students = [s["students"] for s in level["schools"]]
        for ind in level["indicators"]:
            values = [s["indicators"][ind["key"]] for s in level["schools"]]
            standard = standards[ind["key"]]
            # sums per county in the schools' order, where the formulas sum pairwise: the same to rounding
            cv = f.weighted_cv_detail(values, students)
            assert {k: v for k, v in ind["cv"].items() if k not in ("value", "mean", "sd", "published")} == {
                k: v for k, v in cv.as_dict().items() if k not in ("value", "mean", "sd")}
            assert ind["cv"]["value"] == pytest.approx(cv.value, rel=1e-12, abs=1e-15)
            assert ind["mean"] == pytest.approx(f.weighted_mean(values, students), rel=1e-12)
            assert ind["gini"] == pytest.approx(f.gini(values, students), rel=1e-12, abs=1e-15)
            assert ind["attainment"] == f.attainment_rate(values, standard, students).as_dict()
            assert ind["development_index"] == pytest.approx(
                f.development_index(values, students, standard).county, rel=1e-12)
            expected = [
                {"school_code": s["school_code"], "school_name": s["school_name"], **c.as_dict()}
                for s, c in zip(level["schools"], f.difference_contributions(values, students), strict=True)
                if c is not None
            ]
            assert len(ind["contributions"]) == len(expected)
            for got, want in zip(ind["contributions"], expected, strict=True):
                assert {**got, "share": 0, "deviation": 0} == {**want, "share": 0, "deviation": 0}
                assert got["share"] == pytest.approx(want["share"], rel=1e-9, abs=1e-15)
                assert got["deviation"] == pytest.approx(want["deviation"], rel=1e-12, abs=1e-12)
            spec = next(sp for sp in f.QUALITY_2017_INDICATORS if sp.key == ind["key"])
            needs = {
                s["school_code"]: f.shortfall_to_standard(v * s["students"] / spec.per, s["students"], standard,
                                                          per=spec.per)
                for s, v in zip(level["schools"], values, strict=True) if v is not None
            }
            shortfalls = {s["school_code"]: s["addition"] for s in ind["adjustment"]["to_standard"]["schools"]}
            assert shortfalls == {code: need for code, need in needs.items() if need > 0}
        rules = [s["rule"]["passed"] for s in level["schools"] if "rule" in s]
        summary = level["school_rule"]
        assert (summary["n_passed"], summary["n_failed"], summary["n_undetermined"]) == (
            rules.count(True), rules.count(False), rules.count(None))


def test_rows_written_by_hand_with_fields_left_out_or_not_numbers_read_as_compute_indicator_does():
    # given: rows that did not come through the reader
    complete = a.parse_records([school("A", 400), school("B", 500)])
    values = dict(complete[1].values, books="many")
    del values["multimedia_classrooms"]
    rows = [complete[0], a.SchoolRow(3, "B", "B学校", f.SchoolType.PRIMARY, f.Stage.PRIMARY, 500, values=values)]
    # when
    result = a.analyze(rows, "basic-2012")
    # then: each school's values are compute_indicator's, the odd fields missing
    unit = a.build_units(rows)[1]
    assert school_entry(result, "primary", "B")["indicators"] == f.compute_indicators(f.BASIC_2012_INDICATORS,
                                                                                       unit.fields())
    assert school_entry(result, "primary", "B")["indicators"]["books"] is None
    assert indicator(result, "primary", "books")["cv"]["n_missing"] == 1


# ---------------------------------------------------------------------------------------------------
# analyze: edge cases, never NaN
# ---------------------------------------------------------------------------------------------------


def test_edge_one_school():
    result = a.analyze([school("S1", 500)], "quality-2017")
    assert_clean(result)
    for ind in result["levels"]["primary"]["indicators"]:
        assert ind["cv"]["value"] == 0.0 and ind["cv"]["status"] == "single_school"
        assert ind["passed"] is True
    assert result["levels"]["primary"]["passed"] is True


def test_edge_zero_enrolment_school_is_listed_but_left_out():
    result = a.analyze(fixture_records() + [school("Z", 0, books=50)], "basic-2012")
    assert_clean(result)
    books = indicator(result, "primary", "books")
    assert round(books["cv"]["value"], 6) == 0.515257
    assert books["cv"]["n_zero_enrolment"] == 1
    assert school_entry(result, "primary", "Z")["indicators"]["books"] is None
    assert any(al["kind"] == "zero_enrolment" and al["school_code"] == "Z" for al in result["alarms"])


def test_edge_all_zero_indicator_is_undefined_not_nan():
    records = [school("S1", 500, key_teachers_county_level=0), school("S2", 300, key_teachers_county_level=0)]
    result = a.analyze(records, "quality-2017")
    assert_clean(result)
    key = indicator(result, "primary", "key_teachers_per_100")
    assert key["cv"]["value"] is None and key["cv"]["status"] == "zero_mean"
    assert key["passed"] is None and "undefined" in key["reason"]
    assert key["gini"] is None
    assert key["adjustment"]["to_threshold"]["total"] is None
    assert any(al["kind"] == "cv_undefined" for al in result["alarms"])


def test_edge_missing_values_are_counted_and_reported():
    records = fixture_records() + [school("M", 60, books=None)]
    result = a.analyze(records, "basic-2012")
    assert_clean(result)
    books = indicator(result, "primary", "books")
    assert round(books["cv"]["value"], 6) == 0.515257
    assert (books["cv"]["n_missing"], books["cv"]["n_used"]) == (1, 5)
    assert result["levels"]["primary"]["composite"]["value"] is not None
    assert any(al["kind"] == "missing_data" and al["school_code"] == "M" for al in result["alarms"])


def test_edge_missing_value_leaves_2017_rule_undetermined():
    result = a.analyze([school("S1", 500, multimedia_classrooms=None), school("S2", 500)], "quality-2017")
    assert_clean(result)
    assert school_entry(result, "primary", "S1")["rule"]["passed"] is None
    assert result["levels"]["primary"]["passed"] is None


def test_analyze_rejects_an_unknown_method_and_invalid_records():
    with pytest.raises(ValueError):
        a.analyze(fixture_records(), "balanced-2030")
    with pytest.raises(a.SchoolTableError) as excinfo:
        a.analyze([{"school_code": "S1", "school_name": "一小", "school_type": "小学", "students": -5}], "basic-2012")
    assert excinfo.value.as_dicts() == [
        {"row": 1, "column": "students", "code": "negative", "reason": "-5 is negative"}
    ]


# ---------------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------------

CHINESE_HEADERS = {column.name: a.template_header(column) for column in a.COLUMNS}


def write_csv(path: Path, records: list[dict[str, Any]], *, bom: bool, headers: dict[str, str]) -> Path:
    names = [n for n in headers if any(n in r for r in records)]
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([headers[n] for n in names])
        for record in records:
            writer.writerow(["" if record.get(n) is None else record[n] for n in names])
    return path


def core_figures(result: dict[str, Any]) -> dict[str, Any]:
    return {
        stage: {
            "cv": [i["cv"]["value"] for i in level["indicators"]],
            "values": [s["indicators"] for s in level["schools"]],
        }
        for stage, level in result["levels"].items()
    }


@pytest.mark.parametrize("bom", [True, False])
def test_csv_round_trip_with_chinese_headers(tmp_path, bom):
    records = quality_records() + [
        school("N1", 166, school_type="九年一贯制", stage="小学", books=23226),
        school("N1", 210, school_type="九年一贯制", stage="初中", **dict.fromkeys(FACILITIES)),
    ]
    path = write_csv(tmp_path / "schools.csv", records, bom=bom, headers=CHINESE_HEADERS)
    rows = a.read_school_table(path, method="quality-2017")
    assert [r.row for r in rows] == list(range(2, 10))
    from_file = a.analyze(rows, "quality-2017")
    assert_clean(from_file)
    assert core_figures(from_file) == core_figures(a.analyze(records, "quality-2017"))


def test_csv_normalises_full_width_digits_spaces_and_thousands(tmp_path):
    path = tmp_path / "fullwidth.csv"
    path.write_text(
        "学校代码,学校名称 ,学校类型,在校生数（人）,图书册数（册）,专任教师数\n"
        'Ｓ１ ,  一小　,小学 ,５００,"23,226",３０\n'
        "S2,二小,小学, 400 ,１２０００, 25\n",
        encoding="utf-8",
    )
    rows = a.read_school_table(path)
    assert (rows[0].school_code, rows[0].school_name, rows[0].students) == ("S1", "一小", 500)
    assert rows[0].values["books"] == 23226.0 and rows[0].values["teachers"] == 30.0
    assert rows[1].values["books"] == 12000.0
    assert rows[0].values["computers"] is None  # absent column → missing


def test_xlsx_round_trip_with_wan_yuan_and_numeric_codes(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    headers = [
        "学校代码",
        "学校名称",
        "学校类型",
        "学段",
        "在校生数",
        "教学及辅助用房面积（㎡）",
        "室内体育用房面积(平方米)",
        "体育馆面积",
        "运动场面积",
        "教学仪器设备资产值（万元）",
        "计算机台数",
        "图书册数",
        "专任教师数",
        "高于规定学历教师数",
        "中级及以上专业技术职务教师数",
        "骨干教师数",
        "体育、艺术（美术、音乐）专任教师数",
        "网络多媒体教室数",
        "序号",
    ]
    sheet.append(headers)
    sheet.append(
        [4101020001, "一小", "小学", None, 800, 5200, 400, 400, 9200, 240, 80, 24000, 64, 48, 24, 16, 8, 24, 1]
    )
    sheet.append(["4101020002", "二小", "小学", "小学", 400, 2000, 0, 0, 3000, 70.5, 30, 9000, 30, 22, 10, 3, 3, 9, 2])
    sheet.append([None] * len(headers))  # blank rows are skipped
    sheet.append(
        [
            "4101020003",
            "九年制",
            "九年一贯制学校",
            "初中部",
            300,
            4000,
            300,
            300,
            8000,
            150,
            50,
            20000,
            25,
            20,
            10,
            4,
            4,
            10,
            3,
        ]
    )
    sheet.append(
        [
            "4101020003",
            "九年制",
            "九年一贯制学校",
            "小学部",
            200,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            15,
            12,
            6,
            2,
            2,
            5,
            4,
        ]
    )
    path = tmp_path / "schools.xlsx"
    workbook.save(path)

    rows = a.read_school_table(path, method="quality-2017")
    assert rows[0].school_code == "4101020001"
    assert rows[0].values["equipment_value_yuan"] == 2_400_000.0
    assert rows[1].values["equipment_value_yuan"] == 705_000.0
    assert [r.row for r in rows] == [2, 3, 5, 6]
    result = a.analyze(rows, "quality-2017")
    assert_clean(result)
    junior = school_entry(result, "junior", "4101020003")
    assert junior["split_share"] == pytest.approx(1.1 * 300 / (200 + 1.1 * 300))
    assert junior["raw"]["equipment_value_yuan"] == pytest.approx(1_500_000 * junior["split_share"])


def test_write_template_reads_back(tmp_path):
    path = a.write_template(tmp_path / "template.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["学校数据", "填写说明"]
    header = [c.value for c in workbook["学校数据"][1]]
    assert header == [a.template_header(c) for c in a.COLUMNS]
    assert "在校生数" in header and "教学仪器设备资产值(万元)" in header
    rows = a.read_school_table(path, method="quality-2017")
    assert len(rows) == 1 and rows[0].row == 2
    assert rows[0].values["equipment_value_yuan"] == 1_856_000.0
    for method in f.Method:
        assert_clean(a.analyze(rows, method))


# ---------------------------------------------------------------------------------------------------
# Validation: every error with row, column and reason
# ---------------------------------------------------------------------------------------------------


def test_bad_file_reports_all_errors_with_row_column_reason(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "学校代码,学校名称,学校类型,学段,在校生数,图书册数（册）,专任教师数,高于规定学历专任教师数,教学仪器设备资产值(万元)\n"
        "S1,一小,小学,,500,-3,30,20,12\n"  # 2: negative books
        "S2,,小学,,abc,1000,30,20,12\n"  # 3: name missing, students not numeric
        "S3,三小,中专,,400,1000,30,20,12\n"  # 4: unknown school type
        "S4,四小,小学,,400.5,1000,30,40,1 2\n"  # 5: fractional pupils, subset > teachers, bad number
        "S5,五小,九年一贯制,,400,1000,30,20,12\n"  # 6: stage required for a combined school
        "S7,七小,小学,,300,1000,30,20,12\n"  # 7: fine
        "S7,七小,小学,,300,1000,30,20,12\n"  # 8: duplicate code
        "S8,八中,初中,小学,300,1000,30,20,12\n",  # 9: stage does not fit the school type
        encoding="utf-8",
    )
    with pytest.raises(a.SchoolTableError) as excinfo:
        a.read_school_table(path)
    found = {(e.row, e.column, e.code) for e in excinfo.value.errors}
    assert found == {
        (2, "图书册数(册)", "negative"),
        (3, "学校名称", "required"),
        (3, "在校生数", "not_numeric"),
        (4, "学校类型", "unknown_value"),
        (5, "在校生数", "not_whole"),
        (5, "高于规定学历专任教师数", "inconsistent"),
        (5, "教学仪器设备资产值(万元)", "not_numeric"),
        (6, "学段", "required"),
        (8, "学校代码", "duplicate"),
        (9, "学段", "inconsistent"),
    }
    assert all(e.message for e in excinfo.value.errors)
    assert [e.row for e in excinfo.value.errors] == sorted(e.row for e in excinfo.value.errors)
    assert "10 problem(s)" in str(excinfo.value)
    json.dumps(excinfo.value.as_dicts(), ensure_ascii=False)


@pytest.mark.parametrize(
    ("header", "code", "reason_part"),
    [
        ("教学仪器设备资产值", "unknown_column", "must state the unit"),
        ("图书册数(万册)", "unknown_column", "unit '万册'"),
        ("学校地址", "unknown_column", "unknown column"),
        ("在校学生数", "duplicate_column", "same column"),
    ],
)
def test_header_problems_are_reported(tmp_path, header, code, reason_part):
    path = tmp_path / "headers.csv"
    path.write_text(f"学校代码,学校名称,学校类型,在校生数,{header}\nS1,一小,小学,500,10\n", encoding="utf-8")
    with pytest.raises(a.SchoolTableError) as excinfo:
        a.read_school_table(path)
    (error,) = excinfo.value.errors
    assert (error.row, error.code) == (1, code)
    assert reason_part in error.message


def test_missing_columns_for_the_method_are_reported(tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [{"school_code": "S1", "school_name": "一小", "school_type": "小学", "students": 10, "books": 100}],
        bom=False,
        headers=CHINESE_HEADERS,
    )
    assert len(a.read_school_table(path)) == 1  # no method: only the identity columns are required
    with pytest.raises(a.SchoolTableError) as excinfo:
        a.read_school_table(path, method="basic-2012")
    missing = {e.column for e in excinfo.value.errors if e.code == "missing_column"}
    assert missing == {
        "教学及辅助用房面积(㎡)",
        "体育馆面积(㎡)",
        "运动场地面积(㎡)",
        "教学仪器设备资产值(元)",
        "教学用计算机台数(台)",
        "专任教师数",
        "高于规定学历专任教师数",
        "中级及以上职称专任教师数",
    }


def test_s3_6_twelve_year_school_gets_primary_and_junior_parts():
    records = [
        school("T1", 300, school_type="十二年一贯制", stage="小学", senior_students=100, books=65200),
        school("T1", 200, school_type="十二年一贯制", stage="初中", **dict.fromkeys(FACILITIES)),
    ]
    result = a.analyze(records, "basic-2012")
    total = 300 + 1.1 * 200 + 1.32 * 100
    assert school_entry(result, "primary", "T1")["raw"]["books"] == pytest.approx(65200 * 300 / total)
    assert school_entry(result, "junior", "T1")["raw"]["books"] == pytest.approx(65200 * 220 / total)


def test_mapping_input_reports_unknown_keys_at_row_0():
    with pytest.raises(a.SchoolTableError) as excinfo:
        a.parse_records([{**school("S1", 100), "colour": "blue"}])
    assert [(e.row, e.column, e.code) for e in excinfo.value.errors] == [(0, "colour", "unknown_column")]


def test_combined_school_rows_must_fit_together():
    records = [
        school("N1", 300, school_type="九年一贯制", stage="小学"),  # no 初中 row
        school("N2", 300, school_type="九年一贯制", stage="小学"),
        school("N2", 200, school_type="九年一贯制", stage="初中", books=1),  # differs from row 2
        school("W1", 300, school_type="完全中学", stage="初中"),  # senior pupils missing
        school("N3", 100, school_type="九年一贯制", stage="初中", senior_students=20),  # 九年 has no 高中
    ]
    with pytest.raises(a.SchoolTableError) as excinfo:
        a.parse_records(records)
    found = {(e.row, e.column, e.code) for e in excinfo.value.errors}
    assert (1, "stage", "required") in found
    assert (3, "books", "inconsistent") in found
    assert (4, "senior_students", "required") in found
    assert (5, "senior_students", "inconsistent") in found


def test_file_level_problems(tmp_path):
    odd = tmp_path / "schools.ods"
    odd.write_bytes(b"")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("学校代码,学校名称\nS1,一小\n".encode("gbk"))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    for path, part in [(odd, "unsupported"), (gbk, "not UTF-8"), (empty, "headers"), (broken, "cannot open")]:
        with pytest.raises(a.SchoolTableError) as excinfo:
            a.read_school_table(path)
        assert part in excinfo.value.errors[0].message, path.name


# ---------------------------------------------------------------------------------------------------
# Packaging rule: no Django (STYLE §7.4)
# ---------------------------------------------------------------------------------------------------


def test_modules_import_without_django():
    code = (
        "import sys, dudao.monitoring.formulas, dudao.monitoring.analysis\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True, env={"PYTHONPATH": str(REPO_ROOT)})


def test_numpy_arrays_are_accepted_by_formulas_used_in_analysis():
    assert f.weighted_cv(np.array([1.0, 3.0]), np.array([1, 3])) == pytest.approx(math.sqrt(3) / 5)
