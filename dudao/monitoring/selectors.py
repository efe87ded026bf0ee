"""Scoped reads of statistics years and returns, and the balance analysis built on them.

Every function takes the user; the analysis reads only the returns the user may see, so a
school liaison's analysis covers their school only (the page is meant for offices).
"""

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
from dudao.monitoring.models import SchoolReturn, StatisticsYear

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


def method_of(value: str | None) -> Method:
    try:
        return Method(value or Method.QUALITY_2017)
    except ValueError:
        return Method.QUALITY_2017


def year_analysis(*, user, statistics_year: StatisticsYear, method: Method | str) -> dict:
    """``analysis.analyze`` on the year's returns the user can see (小学 and 初中 separately)."""
    returns = school_return_list(user=user, statistics_year=statistics_year).order_by("school__code", "stage")
    records = [r.as_record() for r in returns]
    rows = analysis.parse_records(records) if records else []
    result = analysis.analyze(rows, method_of(str(method)))
    result["statistics_year"] = {"id": statistics_year.pk, "year": statistics_year.year,
                                 "office": str(statistics_year.office), "status": statistics_year.status}
    return result


def method_parameters(method: Method | str) -> dict:
    """The thresholds and (2017) standards of a method, as data for the page (STANDARDS §3.5, §4.2)."""
    method = method_of(str(method))
    specs = indicators_for(method)
    thresholds = BASIC_2012_COMPOSITE_THRESHOLDS if method is Method.BASIC_2012 else QUALITY_2017_CV_THRESHOLDS
    out = {
        "method": method.value,
        "thresholds": [{"stage": s.value, "label": s.label, "threshold": thresholds[s]} for s in COMPULSORY_STAGES],
        "indicators": [],
        "min_met": QUALITY_2017_MIN_MET,
        "floor_ratio": QUALITY_2017_FLOOR_RATIO,
    }
    for spec in specs:
        item = {"key": spec.key, "name": spec.name}
        if method is Method.QUALITY_2017:
            item["standards"] = [QUALITY_2017_STANDARDS[s].get(spec.key) for s in COMPULSORY_STAGES]
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
                names["composite"] = "综合差异系数"
    return {"method": method.value, "years": [y.year for y in years], "series": series, "names": names,
            "passed": passed}


def rollup(*, user, method: Method | str, year: int | None = None) -> list[dict]:
    """One line per county office and level (never pooled): the latest (or given) year with returns."""
    method = method_of(str(method))
    qs = statistics_year_list(user=user).order_by("office__region__path", "-year")
    if year is not None:
        qs = qs.filter(year=year)
    lines, seen = [], set()
    for statistics_year in qs:
        if statistics_year.office_id in seen or not statistics_year.returns.exists():
            continue
        seen.add(statistics_year.office_id)
        result = year_analysis(user=user, statistics_year=statistics_year, method=method)
        for stage, level in result["levels"].items():
            lines.append({
                "statistics_year": statistics_year,
                "stage": stage,
                "label": level["label"],
                "n_schools": level["n_schools"],
                "passed": level["passed"],
                "reasons": level["reasons"],
                "composite": level["composite"],
                "failed_indicators": [i["name"] for i in level["indicators"] if i["passed"] is False],
            })
    return lines
