"""Times the balanced-development analysis (``dudao.monitoring``) at the size of a province, against a
bare numpy reference of the same formulas written independently here, on the same data in the same run.

    python bench/monitoring_bench.py                       # 200 000 schools, 1 000 counties, seed 1
    python bench/monitoring_bench.py --markdown /tmp/monitoring.md
    python bench/monitoring_bench.py --profile 200000      # cProfile of one analyze() call, top 10

The data are synthetic and deterministic (numpy ``Generator`` seeded by ``--seed``): ``--schools``
single-level schools, 60 % 小学 and 40 % 初中, in ``--counties`` counties of ~200 schools
(multinomial sizes), with a county effect on staffing, buildings, equipment and ICT so that the 7
quality-2017 indicators have CVs of the order seen in real counties. 0.02 % of the schools have 0
pupils and 0.1 % have a blank cell (骨干教师 or 教学及辅助用房面积), to exercise the exclusions.

Two cases, each in a child process of its own so that its peak RSS is its own:

* (a) **one county of 200 000 schools** (the stress case): ``parse_records`` (the input path of the
  web UI and the API: mappings in, validated ``SchoolRow``s out) timed on its own, then one
  ``analyze(rows, "quality-2017")``;
* (b) **the province roll-up**: the same schools county by county, ``parse_records`` per county
  (times summed), then one ``analyze_many(tables, …)`` over the 1 000 county tables (what the
  roll-up page runs: every county analysed on its own, the work done for all of them at once); its
  time is the "analyze" of (b). For comparison the script also times ``analyze`` called once per
  county (summed), reported as ``per_county_analyze_s``.

Each case then runs the 2012 method (``analyze`` in (a), ``analyze_many`` in (b), and the
per-county calls) on the same rows (8 indicators, no standards), timed against the reference of its
8 CVs, means and Ginis (and the composite, their mean).

"analyze" returns the result as the pages, exports and API read it: the per-school entries,
alarms, contributions and additions are ``LazyRows``, written out when read. The time to write
everything out (``analysis.plain``: every entry, alarm sentence, contribution and addition, as an
export of every school needs) is reported separately for (a) as ``plain_s``, and the JSON size
and time (``json.dumps`` of everything) as ``json_mb`` / ``json_s``.

Times are wall-clock seconds (``perf_counter``) and, for the ratios in the last two columns of the
table, CPU seconds of the process (``process_time``), which other work on the machine disturbs less.
``analyze`` (and ``analyze_many``) and the reference are timed alike: the median of 5 runs each.

The reference computes, from the raw columns as numpy arrays and for every (county, level) group at
once (bincount / lexsort / segmented cumsum): the 7 indicator values, the enrolment-weighted mean and
population SD and the CV (STANDARDS §3.4), the Gini ``G = 1 − Σ Pᵢ(2Qᵢ − Wᵢ)`` sorted by Xᵢ (§8), the
attainment count (value ≥ standard) and rate, the per-school met / between / below-floor / missing
status against ``formulas.QUALITY_2017_STANDARDS`` and the per-school rule (≥ 6 met, none below 85 %,
§4.2). The script then checks the engine's CVs, means, Ginis and attainment rates against it to 1e-9
relative and every per-school status exactly, and reports any difference.

Not a test: pytest does not collect ``bench/``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dudao.monitoring.analysis import analyze, analyze_many, json_default, parse_records, plain  # noqa: E402
from dudao.monitoring.formulas import QUALITY_2017_STANDARDS, Stage  # noqa: E402

RTOL = 1e-9
TOL = 1e-9  # "…以上" is inclusive and only float noise is forgiven (documented rule, §4.2)
FLOOR = 0.85  # "余项不能低于要求的85%"
MIN_MET = 6

# The 7 quality-2017 indicators in the official order: (key, added fields, subtracted fields, per)
INDICATORS = (
    ("above_degree_teachers_per_100", ("teachers_above_required_degree",), (), 100.0),
    ("key_teachers_per_100", ("key_teachers_county_level",), (), 100.0),
    ("pe_art_teachers_per_100", ("pe_music_art_teachers",), (), 100.0),
    ("teaching_area", ("teaching_area_m2",), ("indoor_sports_area_m2",), 1.0),
    ("sports_area", ("gym_area_m2", "field_area_m2"), (), 1.0),
    ("equipment_value", ("equipment_value_yuan",), (), 1.0),
    ("multimedia_classrooms_per_100", ("multimedia_classrooms",), (), 100.0),
)
KEYS = [k for k, *_ in INDICATORS]
# The 8 basic-2012 indicators in the official order (no standards: CVs, means and Ginis only)
BASIC_INDICATORS = (
    ("teaching_area", ("teaching_area_m2",), (), 1.0),
    ("sports_area", ("gym_area_m2", "field_area_m2"), (), 1.0),
    ("equipment_value", ("equipment_value_yuan",), (), 1.0),
    ("computers_per_100", ("computers",), (), 100.0),
    ("books", ("books",), (), 1.0),
    ("teacher_ratio", ("teachers",), (), 1.0),
    ("above_degree_teachers", ("teachers_above_required_degree",), (), 1.0),
    ("intermediate_title_teachers", ("teachers_intermediate_title",), (), 1.0),
)
STANDARDS = np.array(
    [[QUALITY_2017_STANDARDS[stage][k] for k in KEYS] for stage in (Stage.PRIMARY, Stage.JUNIOR)]
)  # row 0 小学, row 1 初中
COUNT_FIELDS = (
    "students",
    "teachers",
    "teachers_above_required_degree",
    "teachers_intermediate_title",
    "key_teachers_county_level",
    "pe_music_art_teachers",
    "multimedia_classrooms",
    "classes",
    "computers",
    "books",
)
AMOUNT_FIELDS = ("teaching_area_m2", "indoor_sports_area_m2", "gym_area_m2", "field_area_m2", "equipment_value_yuan")
STATUS_CODES = {"met": 0, "between": 1, "below_floor": 2, "missing": 3}


# ---------------------------------------------------------------------------------------------------
# Synthetic province
# ---------------------------------------------------------------------------------------------------


def generate(n: int, counties: int, seed: int) -> dict[str, np.ndarray]:
    """Raw per-school fields as float arrays (NaN = blank cell), plus ``county`` and ``junior``."""
    rng = np.random.default_rng(seed)
    sizes = rng.multinomial(n, np.full(counties, 1.0 / counties))
    county = np.repeat(np.arange(counties), sizes)
    effect = rng.lognormal(0.0, 0.15, size=(counties, 4))[county]  # staff, buildings, equipment, ICT
    junior = rng.random(n) < 0.4
    pick = lambda primary, secondary: np.where(junior, secondary, primary)  # noqa: E731

    students = np.rint(rng.lognormal(np.log(pick(600.0, 900.0)), pick(0.8, 0.6)))
    students = np.clip(students, pick(15, 30), 3500)
    small = students < 100  # 教学点 and village schools: more staff and space per pupil
    teachers = np.rint(students / (pick(17.0, 13.0) * rng.lognormal(0.0, 0.2, n)) * effect[:, 0]) + 2 * small
    teachers = np.maximum(teachers, 1).astype(np.int64)

    def share_of(total: np.ndarray, mean: float, sd: float, low: float, high: float) -> np.ndarray:
        return rng.binomial(total, np.clip(rng.normal(mean, sd, n), low, high)).astype(float)

    classes = np.maximum(1, np.ceil(students / (pick(42.0, 48.0) * rng.lognormal(0.0, 0.15, n))))
    teaching = np.round(students * rng.lognormal(np.log(pick(5.6, 6.8)), 0.3, n) * effect[:, 1] + 150 * small, 1)
    data = {
        "county": county.astype(float),
        "junior": junior.astype(float),
        "students": students.astype(float),
        "teachers": teachers.astype(float),
        "teachers_above_required_degree": share_of(teachers, pick(0.93, 0.85), 0.07, 0.3, 1.0),
        "teachers_intermediate_title": share_of(teachers, 0.45, 0.1, 0.05, 0.9),
        "key_teachers_county_level": share_of(teachers, 0.18, 0.07, 0.0, 0.6),
        "pe_music_art_teachers": share_of(teachers, 0.15, 0.04, 0.02, 0.4),
        "classes": classes,
        "multimedia_classrooms": rng.binomial(
            (classes + 2).astype(np.int64), np.clip(rng.normal(0.9, 0.12, n), 0.1, 1.0)
        )
        * 1.0,
        "teaching_area_m2": teaching,
        "indoor_sports_area_m2": np.round(teaching * rng.uniform(0.0, 0.08, n), 1),
        "gym_area_m2": np.round((rng.random(n) < 0.3) * students * rng.lognormal(np.log(0.5), 0.5, n), 1),
        "field_area_m2": np.round(
            students * rng.lognormal(np.log(pick(8.5, 10.5)), 0.45, n) * effect[:, 1] + 1500 * small, 1
        ),
        "equipment_value_yuan": np.round(
            students * rng.lognormal(np.log(pick(2600.0, 3200.0)), 0.45, n) * effect[:, 2] + 80000 * small
        ),
        "computers": np.rint(students * 0.15 * rng.lognormal(0.0, 0.3, n) * effect[:, 3]),
        "books": np.rint(students * 30 * rng.lognormal(0.0, 0.3, n)),
    }
    data["multimedia_classrooms"] = np.rint(data["multimedia_classrooms"] * effect[:, 3])
    data["indoor_sports_area_m2"] = np.minimum(data["indoor_sports_area_m2"], teaching)
    # the gymnasium is one of the indoor sports rooms (the reader refuses a larger one)
    data["gym_area_m2"] = np.minimum(data["gym_area_m2"], data["indoor_sports_area_m2"])
    empty = rng.random(n) < 0.0002  # schools with 0 pupils (and so 0 staff)
    for name in (
        "students",
        "teachers",
        "teachers_above_required_degree",
        "teachers_intermediate_title",
        "key_teachers_county_level",
        "pe_music_art_teachers",
        "multimedia_classrooms",
        "classes",
    ):
        data[name][empty] = 0.0
    data["key_teachers_county_level"][rng.random(n) < 0.001] = np.nan  # blank cells
    blank_area = rng.random(n) < 0.0005
    data["teaching_area_m2"][blank_area] = np.nan
    data["indoor_sports_area_m2"][blank_area] = np.nan
    return data


def to_records(data: dict[str, np.ndarray]) -> list[dict[str, object]]:
    """The schools as the web UI or the API passes them to ``parse_records``: one mapping per school,
    ints for head counts, floats for amounts, ``None`` for a blank cell."""
    n = data["students"].size
    columns: dict[str, list[object]] = {
        "school_code": [f"S{i:06d}" for i in range(n)],
        "school_name": [f"第{i}学校" for i in range(n)],
        "school_type": ["初中" if j else "小学" for j in data["junior"]],
    }
    for name in COUNT_FIELDS:
        columns[name] = [None if v != v else int(v) for v in data[name].tolist()]
    for name in AMOUNT_FIELDS:
        columns[name] = [None if v != v else v for v in data[name].tolist()]
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


# ---------------------------------------------------------------------------------------------------
# Bare numpy reference
# ---------------------------------------------------------------------------------------------------


def reference(
    data: dict[str, np.ndarray], group: np.ndarray, n_groups: int, indicators: tuple = INDICATORS, rated: bool = True
) -> dict[str, np.ndarray]:
    """All figures for every group at once. Arrays of shape (n_groups, len(indicators)) unless said
    otherwise. ``rated``: the quality-2017 standards apply (attainment, statuses, per-school rule)."""
    w = data["students"]
    level = data["junior"].astype(np.intp)
    x = np.empty((w.size, len(indicators)))
    with np.errstate(divide="ignore", invalid="ignore"):
        for j, (_, add, subtract, per) in enumerate(indicators):
            numerator = sum(data[f] for f in add) - sum((data[f] for f in subtract), np.zeros_like(w))
            x[:, j] = np.where(w > 0, numerator * per / w, np.nan)
    valid = np.isfinite(x) & (w > 0)[:, None]
    standard = STANDARDS[level] if rated else np.ones_like(x)

    out = {k: np.full((n_groups, len(indicators)), np.nan) for k in ("mean", "cv", "gini", "rate")}
    out["n_met"] = np.zeros((n_groups, len(indicators)), dtype=np.int64)
    for j in range(len(indicators)):
        v = valid[:, j]
        g, xj, wj = group[v], x[v, j], w[v]
        total_w = np.bincount(g, wj, n_groups)
        mean = np.bincount(g, wj * xj, n_groups) / np.where(total_w > 0, total_w, np.nan)
        var = np.bincount(g, wj * (xj - mean[g]) ** 2, n_groups) / np.where(total_w > 0, total_w, np.nan)
        out["mean"][:, j] = mean
        out["cv"][:, j] = np.sqrt(var) / mean
        if rated:
            met = xj >= standard[v, j] * (1 - TOL)
            n_assessed = np.bincount(g, minlength=n_groups)
            out["n_met"][:, j] = np.bincount(g[met], minlength=n_groups)
            out["rate"][:, j] = out["n_met"][:, j] / np.where(n_assessed > 0, n_assessed, np.nan)
        # Gini: sort by value within each group, segmented cumulative resource share
        order = np.lexsort((xj, g))
        gs, xs, ws = g[order], xj[order], wj[order]
        res = xs * ws
        share = res / np.bincount(gs, res, n_groups)[gs]
        p = ws / total_w[gs]
        cumulative = np.cumsum(share)
        first = np.searchsorted(gs, np.arange(n_groups))
        before = np.concatenate(([0.0], cumulative))[first]
        q = cumulative - before[gs]
        out["gini"][:, j] = 1.0 - np.bincount(gs, p * (2.0 * q - share), n_groups)
    if not rated:
        return out

    status = np.full(x.shape, STATUS_CODES["missing"], dtype=np.int8)
    finite = np.isfinite(x)
    met = finite & (x >= standard * (1 - TOL))
    between = finite & ~met & (x >= FLOOR * standard * (1 - TOL))
    status[finite] = STATUS_CODES["below_floor"]
    status[between] = STATUS_CODES["between"]
    status[met] = STATUS_CODES["met"]
    n_met = (status == 0).sum(axis=1)
    n_below = (status == 2).sum(axis=1)
    n_missing = (status == 3).sum(axis=1)
    judged = w > 0
    failed = judged & ((n_below > 0) | (n_met + n_missing < MIN_MET))
    open_ = judged & ~failed & (n_missing > 0)
    passed = judged & ~failed & ~open_
    out["status"] = status
    out["rule"] = np.stack([np.bincount(group[m], minlength=n_groups) for m in (passed, failed, open_)], axis=1)
    return out


def time_reference(data: dict[str, np.ndarray], group: np.ndarray, n_groups: int, runs: int = 5, basic: bool = False):
    """The reference's figures, and the medians of its wall-clock and CPU (process) seconds."""
    times, cpu, ref = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        ref = reference(data, group, n_groups, BASIC_INDICATORS, rated=False) if basic else reference(data, group, n_groups)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return ref, statistics.median(times), statistics.median(cpu)


def timed(run, runs: int = 5):
    """``run()`` timed as the reference is: its last result, and the medians of its wall-clock and
    CPU seconds over ``runs`` runs (each result freed before the next run starts)."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        result = None
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return result, statistics.median(times), statistics.median(cpu)


# ---------------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------------


class Checker:
    """Collects the differences between the engine and the reference."""

    def __init__(self) -> None:
        self.compared = {"mean": 0, "cv": 0, "gini": 0, "rate": 0, "n_met": 0, "status": 0, "rule": 0, "composite": 0}
        self.max_rel = {"mean": 0.0, "cv": 0.0, "gini": 0.0, "rate": 0.0, "composite": 0.0}
        self.problems: list[str] = []

    def close(self, what: str, where: str, engine: float | None, ref: float) -> None:
        self.compared[what] += 1
        if engine is None or not np.isfinite(ref):
            if not (engine is None and not np.isfinite(ref)):
                self.problems.append(f"{where} {what}: engine {engine!r}, reference {ref!r}")
            return
        rel = abs(engine - ref) / max(abs(ref), 1e-300) if engine != ref else 0.0
        self.max_rel[what] = max(self.max_rel[what], rel)
        if rel > RTOL:
            self.problems.append(f"{where} {what}: engine {engine!r}, reference {ref!r} (rel {rel:.2e})")

    def level(self, result: dict[str, Any], ref: dict[str, np.ndarray], groups: tuple[int, int], where: str) -> None:
        basic = result["method"] == "basic-2012"
        for stage, g in zip(("primary", "junior"), groups, strict=True):
            level = result["levels"][stage]
            for j, indicator in enumerate(level["indicators"]):
                here = f"{where} {stage} {indicator['key']}"
                self.close("mean", here, indicator["mean"], ref["mean"][g, j])
                self.close("cv", here, indicator["cv"]["value"], ref["cv"][g, j])
                self.close("gini", here, indicator["gini"], ref["gini"][g, j])
                if basic:
                    continue
                self.close("rate", here, indicator["attainment"]["rate"], ref["rate"][g, j])
                self.compared["n_met"] += 1
                if indicator["attainment"]["n_met"] != ref["n_met"][g, j]:
                    self.problems.append(f"{here} n_met: {indicator['attainment']['n_met']} vs {ref['n_met'][g, j]}")
            if basic:
                self.close("composite", f"{where} {stage}", level["composite"]["value"], float(np.mean(ref["cv"][g])))
                continue
            for school in level["schools"]:
                i = int(school["school_code"][1:])
                engine = [STATUS_CODES[school["statuses"][k]] for k in KEYS]
                self.compared["status"] += len(KEYS)
                if engine != ref["status"][i].tolist():
                    self.problems.append(f"{where} {school['school_code']} statuses {engine} vs {ref['status'][i]}")
            rule = level["school_rule"]
            self.compared["rule"] += 1
            got = [rule["n_passed"], rule["n_failed"], rule["n_undetermined"]]
            if got != ref["rule"][g].tolist():
                self.problems.append(f"{where} {stage} per-school rule {got} vs {ref['rule'][g].tolist()}")

    def summary(self) -> dict[str, Any]:
        return {
            "compared": self.compared,
            "max_rel": self.max_rel,
            "n_problems": len(self.problems),
            "problems": self.problems[:20],
        }


# ---------------------------------------------------------------------------------------------------
# Cases (each run in a child process)
# ---------------------------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_one_county(args: argparse.Namespace) -> dict[str, Any]:
    data = generate(args.schools, args.counties, args.seed)
    level = data["junior"].astype(np.intp)
    ref, ref_time, ref_cpu = time_reference(data, level, 2)
    records = to_records(data)
    before_parse = rss_mb()
    start, start_cpu = time.perf_counter(), time.process_time()
    rows = parse_records(records, method="quality-2017")
    parse_time, parse_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    del records
    before_analyze = rss_mb()
    result, analyze_time, analyze_cpu = timed(lambda: analyze(rows, "quality-2017"))
    peak = peak_rss_mb()
    start, start_cpu = time.perf_counter(), time.process_time()
    written = plain(result)
    plain_time, plain_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    del written
    start = time.perf_counter()
    size = len(json.dumps(result, ensure_ascii=False, default=json_default).encode())
    json_time = time.perf_counter() - start
    checker = Checker()
    checker.level(result, ref, (0, 1), "one county")
    alarms = len(result["alarms"])
    cvs = {s: [i["cv"]["value"] for i in result["levels"][s]["indicators"]] for s in ("primary", "junior")}
    del result
    basic_ref, basic_ref_time, basic_ref_cpu = time_reference(data, level, 2, basic=True)
    basic, basic_time, basic_cpu = timed(lambda: analyze(rows, "basic-2012"))
    checker.level(basic, basic_ref, (0, 1), "one county basic-2012")
    return {
        "case": "a",
        "basic_reference_s": basic_ref_time,
        "basic_analyze_s": basic_time,
        "cpu": {"reference_s": ref_cpu, "parse_s": parse_cpu, "analyze_s": analyze_cpu,
                "basic_reference_s": basic_ref_cpu, "basic_analyze_s": basic_cpu},
        "schools": args.schools,
        "reference_s": ref_time,
        "parse_s": parse_time,
        "analyze_s": analyze_time,
        "rss_before_parse_mb": before_parse,
        "rss_before_analyze_mb": before_analyze,
        "peak_rss_mb": peak,
        "alarms": alarms,
        "json_mb": size / 2**20,
        "json_s": json_time,
        "plain_s": plain_time,
        "plain_cpu_s": plain_cpu,
        "cv": cvs,
        "check": checker.summary(),
    }


def case_counties(args: argparse.Namespace) -> dict[str, Any]:
    data = generate(args.schools, args.counties, args.seed)
    county = data["county"].astype(np.intp)
    group = county * 2 + data["junior"].astype(np.intp)
    ref, ref_time, ref_cpu = time_reference(data, group, 2 * args.counties)
    basic_ref, basic_ref_time, basic_ref_cpu = time_reference(data, group, 2 * args.counties, basic=True)
    records = to_records(data)
    bounds = np.searchsorted(county, np.arange(args.counties + 1))
    checker = Checker()
    tables = []
    parse_time = parse_cpu = 0.0
    for c in range(args.counties):
        chunk = records[bounds[c] : bounds[c + 1]]
        start, start_cpu = time.perf_counter(), time.process_time()
        tables.append(parse_records(chunk, method="quality-2017"))
        parse_time += time.perf_counter() - start
        parse_cpu += time.process_time() - start_cpu
    del records

    results, analyze_time, analyze_cpu = timed(lambda: analyze_many(tables, "quality-2017"))
    cv_above = 0
    for c, result in enumerate(results):
        checker.level(result, ref, (2 * c, 2 * c + 1), f"county {c}")
        cv_above += sum(1 for s in result["levels"].values() for i in s["indicators"] if i["passed"] is False)
    del results
    basic, basic_time, basic_cpu = timed(lambda: analyze_many(tables, "basic-2012"))
    for c, result in enumerate(basic):
        checker.level(result, basic_ref, (2 * c, 2 * c + 1), f"county {c} basic-2012")
    del basic

    per_county = {"quality-2017": [0.0, 0.0], "basic-2012": [0.0, 0.0]}  # wall, CPU: one analyze per county
    slowest = 0.0
    for method, total in per_county.items():
        for rows in tables:
            start, start_cpu = time.perf_counter(), time.process_time()
            analyze(rows, method)
            took = time.perf_counter() - start
            total[0] += took
            total[1] += time.process_time() - start_cpu
            slowest = max(slowest, took)
    sizes = np.diff(bounds)
    return {
        "case": "b",
        "schools": args.schools,
        "counties": args.counties,
        "county_sizes": [int(sizes.min()), float(sizes.mean()), int(sizes.max())],
        "reference_s": ref_time,
        "parse_s": parse_time,
        "analyze_s": analyze_time,
        "basic_reference_s": basic_ref_time,
        "basic_analyze_s": basic_time,
        "cpu": {"reference_s": ref_cpu, "parse_s": parse_cpu, "analyze_s": analyze_cpu,
                "basic_reference_s": basic_ref_cpu, "basic_analyze_s": basic_cpu},
        "per_county_analyze_s": {method: {"wall": wall, "cpu": cpu} for method, (wall, cpu) in per_county.items()},
        "slowest_county_s": slowest,
        "peak_rss_mb": peak_rss_mb(),
        "cv_above_threshold": cv_above,
        "check": checker.summary(),
    }


def profile(args: argparse.Namespace) -> None:
    data = generate(args.schools, args.counties, args.seed)
    rows = parse_records(to_records(data)[: args.profile], method="quality-2017")
    profiler = cProfile.Profile()
    profiler.enable()
    analyze(rows, "quality-2017")
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
    stats.print_stats(10)
    out.write("\n--- by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


# ---------------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------------


def run_child(case: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        case,
        "--schools",
        str(args.schools),
        "--counties",
        str(args.counties),
        "--seed",
        str(args.seed),
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"case ({case}) failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - start
    return result


def markdown(a: dict[str, Any], b: dict[str, Any], args: argparse.Namespace) -> str:
    def ratio(x: float, y: float) -> str:
        r = x / y
        return f"{r:.1f}×" if r < 10 else f"{r:,.0f}×".replace(",", " ")

    def thousands(n: float) -> str:
        return f"{n:,.0f}".replace(",", " ")

    def row(label: str, case: dict[str, Any], method: str) -> str:
        key = "" if method == "quality-2017" else "basic_"
        wall, cpu = case, case["cpu"]
        analyze_s, reference_s = wall[f"{key}analyze_s"], wall[f"{key}reference_s"]
        analyze_cpu, reference_cpu = cpu[f"{key}analyze_s"], cpu[f"{key}reference_s"]
        return (
            f"| {label} | `{method}` | {wall['parse_s']:.1f} | {analyze_s:.2f} | {reference_s:.3f} | "
            f"{ratio(analyze_s, reference_s)} | {ratio(wall['parse_s'] + analyze_s, reference_s)} | "
            f"{ratio(analyze_cpu, reference_cpu)} | {ratio(cpu['parse_s'] + analyze_cpu, reference_cpu)} |"
        )

    one = f"(a) one county of {thousands(a['schools'])} schools"
    many = f"(b) {thousands(b['counties'])} counties (≈{b['county_sizes'][1]:.0f} schools each), one `analyze_many`"
    lines = [
        f"* **Run**: {dt.date.today().isoformat()}, `python bench/monitoring_bench.py --schools {args.schools} "
        f"--counties {args.counties} --seed {args.seed}`; {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB RAM; "
        f"Python {platform.python_version()}, numpy {np.__version__}; peak RSS (a) {thousands(a['peak_rss_mb'])} MB, "
        f"(b) {thousands(b['peak_rss_mb'])} MB.",
        "",
        "| case | method | engine `parse_records` s | engine `analyze` s | numpy reference s | analyze / reference "
        "| (parse + analyze) / reference | CPU: analyze / reference | CPU: (parse + analyze) / reference |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        row(one, a, "quality-2017"),
        row(many, b, "quality-2017"),
        row(one, a, "basic-2012"),
        row(many, b, "basic-2012"),
        "",
        "(b) with one `analyze` call per county instead (summed): "
        + "; ".join(
            f"`{method}` {t['wall']:.2f} s, {ratio(t['wall'], b[key + 'reference_s'])} the reference "
            f"(CPU {ratio(t['cpu'], b['cpu'][key + 'reference_s'])})"
            for method, t, key in (("quality-2017", b["per_county_analyze_s"]["quality-2017"], ""),
                                   ("basic-2012", b["per_county_analyze_s"]["basic-2012"], "basic_"))
        )
        + ".",
        f"(a) everything written out (`analysis.plain`: every entry, alarm, contribution and addition, as an "
        f"export of every school reads them): {a['plain_s']:.2f} s (CPU {a['plain_cpu_s']:.2f} s) after `analyze`; "
        f"`json.dumps` of it all {a['json_s']:.1f} s, {thousands(a['json_mb'])} MB; {thousands(a['alarms'])} alarms.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=200_000)
    parser.add_argument("--counties", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", help="write the figures as a Markdown table to this file")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile analyze() on the first N schools")
    parser.add_argument("--child", choices=("a", "b"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        profile(args)
        return
    if args.child:
        print(json.dumps(case_one_county(args) if args.child == "a" else case_counties(args)))
        return
    a = run_child("a", args)
    print(json.dumps(a, indent=1, ensure_ascii=False))
    b = run_child("b", args)
    print(json.dumps(b, indent=1, ensure_ascii=False))
    table = markdown(a, b, args)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
