"""The Excel workbook of an analysis: one sheet per table per level (小学 / 初中)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from dudao.core.excel import write_table

STATUS_LABELS = {"met": "达标", "between": "85%–100%", "below_floor": "低于85%", "missing": "—"}
DIRECTION_LABELS = {"weak": "薄弱(低于均值)", "over_resourced": "高于均值", "at_mean": "等于均值"}


def _yes_no(value) -> str:
    return "—" if value is None else ("通过" if value else "未通过")


def _value(value):
    return "—" if value is None else value


def top_contributions(level: dict, n: int = 3) -> list[dict]:
    """Per indicator, the ``n`` schools with the largest share of the weighted variance (§8)."""
    out = []
    for indicator in level["indicators"]:
        ranked = sorted(indicator["contributions"], key=lambda c: c["share"], reverse=True)[:n]
        out.append({"name": indicator["name"], "schools": ranked})
    return out


def sheets(result: dict) -> list[tuple[str, list[str], list[list]]]:
    """Every table of the analysis page as (title, headers, rows)."""
    out = []
    for level in result["levels"].values():
        label = level["label"]
        out.append((f"{label}指标", ["指标", "差异系数", "阈值", "判定", "原因", "达标率", "基尼系数", "发展指数",
                                     "加权均值", "标准"], [
            [i["name"], _value(i["cv"]["published"]), _value(i["threshold"]), _yes_no(i["passed"]), i["reason"],
             _value(None if i["attainment"] is None else i["attainment"]["rate"]), _value(i["gini"]),
             _value(i["development_index"]), _value(i["mean_published"]), _value(i["standard"])]
            for i in level["indicators"]]))
        if level["composite"] is not None:
            c = level["composite"]
            out.append((f"{label}综合差异系数", ["综合差异系数", "阈值", "判定", "原因"],
                        [[_value(c["published"]), c["threshold"], _yes_no(c["passed"]), c["reason"]]]))
        names = [i["name"] for i in level["indicators"]]
        keys = [i["key"] for i in level["indicators"]]
        out.append((f"{label}学校", ["学校代码", "学校名称", "在校生数", *names,
                                     *[f"{n}状态" for n in names], "学校规则", "说明"], [
            [s["school_code"], s["school_name"], s["students"], *[_value(s["indicators"][k]) for k in keys],
             *[STATUS_LABELS.get(s.get("statuses", {}).get(k), "—") for k in keys],
             "—" if "rule" not in s else f"{_yes_no(s['rule']['passed'])}: {s['rule']['reason']}", s["note"] or ""]
            for s in level["schools"]]))
        out.append((f"{label}预警", ["类别", "指标", "学校代码", "说明"],
                    [[a["kind"], a["indicator"] or "", a["school_code"] or "", a["message"]] for a in level["alarms"]]))
        out.append((f"{label}差异贡献", ["指标", "学校代码", "学校名称", "贡献率", "方向", "偏离均值"], [
            [i["name"], c["school_code"], c["school_name"], c["share"], DIRECTION_LABELS.get(c["direction"], ""),
             c["deviation"]]
            for i in level["indicators"] for c in i["contributions"]]))
        rows = []
        for i in level["indicators"]:
            plan = i["adjustment"]["to_threshold"]
            for s in plan["schools"]:
                rows.append([i["name"], "达到差异系数阈值", s["school_code"], s["school_name"], s["addition"],
                             plan["unit"]])
            standard = i["adjustment"]["to_standard"]
            for s in (standard or {}).get("schools", []):
                rows.append([i["name"], "达到标准", s["school_code"], s["school_name"], s["addition"], standard["unit"]])
        out.append((f"{label}调整方案", ["指标", "目标", "学校代码", "学校名称", "需增加", "单位"], rows))
    return out


def analysis_workbook(result: dict) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets(result):
        sheet = workbook.create_sheet(title[:31])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("说明")
    for line in (result["method_name"], result["clause"], result["cv_formula"], *result["notes"]):
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    """One sheet holding a table exactly as the page shows it."""
    return write_table(headers, rows, title=title)


def trends_rows(trends: dict) -> tuple[list[str], list[list]]:
    """Trends as one sheet: level, indicator, then the published CV of each year."""
    labels = {"primary": "小学", "junior": "初中"}
    headers = ["学段", "指标", *[str(y) for y in trends["years"]]]
    rows = []
    for stage, series in trends["series"].items():
        for key, values in series.items():
            rows.append([labels.get(stage, stage), trends["names"].get(key, key), *[_value(v) for v in values]])
        rows.append([labels.get(stage, stage), "结论", *[_yes_no(p) for p in trends["passed"][stage]]])
    return headers, rows


def rollup_rows(lines: list[dict]) -> tuple[list[str], list[list]]:
    """The roll-up as one sheet: one line per county and level, never pooled."""
    headers = ["督导室", "年度", "学段", "学校数", "综合差异系数", "结论", "未达标指标", "原因"]
    rows = [[str(line["statistics_year"].office), line["statistics_year"].year, line["label"], line["n_schools"],
             _value((line["composite"] or {}).get("published")), _yes_no(line["passed"]),
             "、".join(line["failed_indicators"]), "；".join(str(r) for r in line["reasons"])] for line in lines]
    return headers, rows
