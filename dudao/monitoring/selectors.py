"""Scoped reads of statistics years and returns, and the balance analysis built on them.

Every function takes the user; the analysis reads only the returns the user may see, so a
school liaison's analysis covers their school only (the page is meant for offices). Results come in
the active language (``texts.localize``).
"""

import json

from django.utils.translation import gettext as _

from dudao.core.scope import ancestor_paths
from dudao.monitoring import analysis
from dudao.monitoring.formulas import (
    BASIC_2012_COMPOSITE_THRESHOLDS,
    COMPULSORY_STAGES,
    QUALITY_2017_CV_THRESHOLDS,
    QUALITY_2017_FLOOR_RATIO,
    QUALITY_2017_MIN_MET,
    QUALITY_2017_STANDARDS,
    Method,
    indicators_for,
)
from dudao.monitoring.models import BalanceStandard, SchoolReturn, StatisticsYear
from dudao.monitoring.texts import localize

METHODS = (Method.BASIC_2012, Method.QUALITY_2017)


def statistics_year_list(*, user):
    """Statistics years in scope with their office and region (constant queries)."""
    return StatisticsYear.objects.for_user(user).select_related("office__region", "locked_by")


def statistics_year_get(*, user, pk: int) -> StatisticsYear:
    return statistics_year_list(user=user).get(pk=pk)


def school_return_list(*, user, statistics_year=None):
    qs = SchoolReturn.objects.for_user(user).select_related("school__region", "statistics_year__office", "submitted_by")
    if statistics_year is not None:
        qs = qs.filter(statistics_year=statistics_year)
    return qs


# the rows a school has in the county workbook: (学校类型, 学段) per compulsory stage it runs (§3.6)
TEMPLATE_ROWS = {
    "primary": (("小学", "小学"),),
    "junior": (("初中", "初中"),),
    "nine_year": (("九年一贯制", "小学"), ("九年一贯制", "初中")),
    "complete_secondary": (("完全中学", "初中"),),
}


def template_rows(*, user, statistics_year: StatisticsYear) -> list[list[str]]:
    """学校代码, 学校名称, 学校类型, 学段 of every active school of the year's office with compulsory
    stages that the user sees, one row per stage, by code: the county workbook before the figures."""
    from dudao.organizations.models import School

    schools = (School.objects.for_user(user).filter(
        region__path__startswith=statistics_year.office.region.path, is_active=True, kind__in=list(TEMPLATE_ROWS))
        .order_by("code").only("code", "name", "kind"))
    return [[school.code, school.name, school_type, stage]
            for school in schools for school_type, stage in TEMPLATE_ROWS[school.kind]]


def method_of(value: str | None) -> Method:
    try:
        return Method(value or Method.QUALITY_2017)
    except ValueError:
        return Method.QUALITY_2017


def national_defaults(method: Method | str) -> dict:
    """The defaults of ``formulas`` (STANDARDS §3.5, §4.2) in the shape of a setting."""
    method = method_of(str(method))
    if method is Method.BASIC_2012:
        return {"thresholds": {s.value: BASIC_2012_COMPOSITE_THRESHOLDS[s] for s in COMPULSORY_STAGES},
                "standards": {}, "floor_ratio": None}
    return {"thresholds": {s.value: QUALITY_2017_CV_THRESHOLDS[s] for s in COMPULSORY_STAGES},
            "standards": {s.value: dict(QUALITY_2017_STANDARDS[s]) for s in COMPULSORY_STAGES},
            "floor_ratio": QUALITY_2017_FLOOR_RATIO}


def standards_in_force(*, office, year: int, method: Method | str) -> dict:
    """The thresholds and standards that hold for an office's statistics year: its own setting, else the
    nearest one of an office above it (its city, then its province), else the national defaults.

    ``source`` says whose they are: ``national`` (True for the defaults), ``office`` (name), ``office_id``,
    ``own`` (the office's own setting, not inherited), ``set_at`` and ``set_by``.
    """
    method = method_of(str(method))
    setting = (
        BalanceStandard.objects.filter(  # scope: the settings that govern this office's region, whoever reads
            office__region__path__in=ancestor_paths(office.region.path), year=year, method=method.value)
        .select_related("office__region", "set_by").order_by("-office__region__level").first()
    )
    if setting is None:
        return {**national_defaults(method), "source": {"national": True, "office": None, "office_id": None,
                                                        "own": False, "set_at": None, "set_by": None, "id": None}}
    return {
        "thresholds": {"primary": float(setting.threshold_primary), "junior": float(setting.threshold_junior)},
        "standards": setting.standards or {},
        "floor_ratio": None if setting.floor_ratio is None else float(setting.floor_ratio),
        "source": {"national": False, "office": setting.office.name, "office_id": setting.office_id,
                   "own": setting.office_id == office.pk, "set_at": setting.set_at,
                   "set_by": str(setting.set_by) if setting.set_by else None, "id": setting.pk},
    }


def year_analysis(*, user, statistics_year: StatisticsYear, method: Method | str) -> dict:
    """``analysis.analyze`` on the year's returns the user can see (小学 and 初中 separately), with the
    thresholds and standards in force for the year (``standards_in_force``) and who set them, in the
    active language."""
    method = method_of(str(method))
    rows = _year_rows(user=user, statistics_year=statistics_year)
    in_force = standards_in_force(office=statistics_year.office, year=statistics_year.year, method=method)
    result = analysis.analyze(rows, method, thresholds=in_force["thresholds"], standards=in_force["standards"] or None,
                              floor_ratio=in_force["floor_ratio"])
    source = dict(in_force["source"])
    source["set_at"] = source["set_at"].isoformat() if source["set_at"] else None
    result["standards_source"] = source
    result["statistics_year"] = {"id": statistics_year.pk, "year": statistics_year.year,
                                 "office": str(statistics_year.office), "office_id": statistics_year.office_id,
                                 "status": statistics_year.status}
    return localize(result)


def _year_rows(*, user, statistics_year: StatisticsYear) -> list:
    """The year's returns the user can see, read as the analysis reads a table (``parse_records``)."""
    returns = school_return_list(user=user, statistics_year=statistics_year).order_by("school__code", "stage")
    records = [r.as_record() for r in returns]
    return analysis.parse_records(records) if records else []


def method_parameters(result: dict) -> dict:
    """The thresholds and (2017) standards an analysis used, as rows for the page (STANDARDS §3.5, §4.2)."""
    method = method_of(result["method"])
    labels = {s.value: str(localize(s.label)) for s in COMPULSORY_STAGES}
    out = {
        "method": method.value,
        "thresholds": [{"stage": s, "label": labels[s], "threshold": t} for s, t in result["thresholds"].items()],
        "indicators": [],
        "min_met": QUALITY_2017_MIN_MET,
        "floor_ratio": result["floor_ratio"],
        "floor_percent": round(result["floor_ratio"] * 100, 1) if method is Method.QUALITY_2017 else None,
    }
    for spec in indicators_for(method):
        item = {"key": spec.key, "name": localize(spec.name)}
        if method is Method.QUALITY_2017:
            item["standards"] = [result["standards"].get(s.value, {}).get(spec.key) for s in COMPULSORY_STAGES]
        out["indicators"].append(item)
    return out


def county_trends(*, user, office_id: int, method: Method | str) -> dict:
    """Per indicator and level, the published CV of each year of the office that has returns."""
    method = method_of(str(method))
    years = [y for y in statistics_year_list(user=user).filter(office_id=office_id).order_by("year")
             if y.returns.exists()]
    series: dict[str, dict[str, list]] = {}
    passed: dict[str, list] = {s.value: [] for s in COMPULSORY_STAGES}
    names: dict[str, str] = {}
    for year in years:
        result = year_analysis(user=user, statistics_year=year, method=method)
        for stage, level in result["levels"].items():
            passed[stage].append(level["passed"])
            for indicator in level["indicators"]:
                names[indicator["key"]] = indicator["name"]
                series.setdefault(stage, {}).setdefault(indicator["key"], []).append(indicator["cv"]["published"])
            if level["composite"] is not None:
                series.setdefault(stage, {}).setdefault("composite", []).append(level["composite"]["published"])
                names["composite"] = _("Composite CV")
    return {"method": method.value, "years": [y.year for y in years], "series": series, "names": names,
            "passed": passed}


def rollup(*, user, method: Method | str, year: int | None = None) -> list[dict]:
    """One line per county office and level (never pooled): the latest (or given) year with returns.

    The counties under the same thresholds and standards (``standards_in_force``) are analysed in one
    call (``analysis.analyze_many``), each county on its own: the figures of ``year_analysis``."""
    method = method_of(str(method))
    qs = statistics_year_list(user=user).order_by("office__region__path", "-year")
    if year is not None:
        qs = qs.filter(year=year)
    chosen, seen = [], set()
    for statistics_year in qs:
        if statistics_year.office_id in seen or not statistics_year.returns.exists():
            continue
        seen.add(statistics_year.office_id)
        chosen.append(statistics_year)
    batches: dict[str, tuple[dict, list]] = {}  # the settings in force → (them, the years under them)
    tables = {}
    for statistics_year in chosen:
        tables[statistics_year.pk] = _year_rows(user=user, statistics_year=statistics_year)
        in_force = standards_in_force(office=statistics_year.office, year=statistics_year.year, method=method)
        key = json.dumps([in_force["thresholds"], in_force["standards"] or None, in_force["floor_ratio"]],
                         sort_keys=True)
        batches.setdefault(key, (in_force, []))[1].append(statistics_year)
    results = {}
    for in_force, years in batches.values():
        analysed = analysis.analyze_many([tables[y.pk] for y in years], method, thresholds=in_force["thresholds"],
                                         standards=in_force["standards"] or None, floor_ratio=in_force["floor_ratio"])
        results.update(zip((y.pk for y in years), analysed, strict=True))
    lines = []
    for statistics_year in chosen:
        for stage, level in results[statistics_year.pk]["levels"].items():
            shown = localize({"label": level["label"], "reasons": level["reasons"], "composite": level["composite"],
                              "failed": [i["name"] for i in level["indicators"] if i["passed"] is False]})
            lines.append({
                "statistics_year": statistics_year,
                "stage": stage,
                "label": shown["label"],
                "n_schools": level["n_schools"],
                "passed": level["passed"],
                "reasons": shown["reasons"],
                "composite": shown["composite"],
                "failed_indicators": shown["failed"],
            })
    return lines


def school_balances(*, user, school_ids) -> dict[int, dict]:
    """school id → the school against the 2017 standards (STANDARDS §4.2) in its latest statistics
    year with a return the user may see: per compulsory stage the 7 indicators with the value, the
    standard in force (``standards_in_force``), the ratio of the two and the status, and the
    per-school rule. The school's own returns go through the same engine as the county's analysis
    (its values and the per-school rule depend on no other school). Schools without a return are
    left out. Two queries, and one per further office and year read."""
    returns = list(school_return_list(user=user).filter(school_id__in=list(school_ids))
                   .select_related("statistics_year__office__region")
                   .order_by("school_id", "-statistics_year__year", "stage"))
    latest: dict[int, list] = {}
    for row in returns:
        rows = latest.setdefault(row.school_id, [])
        if not rows or rows[0].statistics_year_id == row.statistics_year_id:
            rows.append(row)
    in_force_of: dict[tuple[int, int], dict] = {}
    specs = indicators_for(Method.QUALITY_2017)
    out = {}
    for school_id, rows in latest.items():
        year = rows[0].statistics_year
        key = (year.office_id, year.year)
        if key not in in_force_of:
            in_force_of[key] = standards_in_force(office=year.office, year=year.year, method=Method.QUALITY_2017)
        in_force = in_force_of[key]
        try:
            result = analysis.analyze(analysis.parse_records([r.as_record() for r in rows]), Method.QUALITY_2017,
                                      thresholds=in_force["thresholds"], standards=in_force["standards"] or None,
                                      floor_ratio=in_force["floor_ratio"])
        except analysis.SchoolTableError:
            continue
        stages = []
        for stage, level in result["levels"].items():
            if not level["schools"]:
                continue
            entry = level["schools"][0]
            standards = result["standards"][stage]
            stages.append({
                "stage": stage, "label": level["label"], "students": entry["students"],
                "indicators": [{
                    "key": spec.key, "number": spec.number, "name": spec.name, "unit": spec.unit,
                    "value": entry["indicators"][spec.key], "standard": standards.get(spec.key),
                    "ratio": entry.get("development_index", {}).get(spec.key),
                    "status": entry.get("statuses", {}).get(spec.key, "missing"),
                } for spec in specs],
                "rule": entry.get("rule"),
            })
        out[school_id] = localize({
            "statistics_year": {"id": year.pk, "year": year.year, "office": str(year.office),
                                "url": year.get_absolute_url()},
            "national": in_force["source"]["national"],
            "floor_ratio": result["floor_ratio"],
            "floor_percent": round(result["floor_ratio"] * 100, 1),
            "stages": stages,
        })
    return out
