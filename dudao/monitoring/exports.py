"""The Excel workbooks of the analysis, the trends and the roll-up, in the user's language.

The results come from the selectors already in the active language; the headers, statuses, alarm
kinds and directions are translated here, and every indicator is named by its definition, never by
its key.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from dudao.core.excel import put_row, write_table, write_workbook

STATUS_LABELS = {"met": gettext_lazy("Met"), "missing": "—"}  # the other two name the floor (_status_label)
DIRECTION_LABELS = {
    "weak": gettext_lazy("Below the mean (weak)"),
    "over_resourced": gettext_lazy("Above the mean"),
    "at_mean": gettext_lazy("At the mean"),
}
ALARM_LABELS = {
    "invalid_data": gettext_lazy("Inconsistent data"),
    "zero_enrolment": gettext_lazy("No pupils"),
    "missing_data": gettext_lazy("Missing data"),
    "below_standard": gettext_lazy("Below the standard"),
    "below_floor": gettext_lazy("Below the floor"),
    "school_rule_failed": gettext_lazy("School rule failed"),
    "cv_undefined": gettext_lazy("CV undefined"),
    "cv_above_threshold": gettext_lazy("CV above the threshold"),
    "composite_above_threshold": gettext_lazy("Composite CV above the threshold"),
}


def _yes_no(value) -> str:
    return "—" if value is None else (_("Pass") if value else _("Fail"))


def _value(value):
    return "—" if value is None else value


def _text(value) -> str:
    return "" if value is None else str(value)


def top_contributions(level: dict, n: int = 3) -> list[dict]:
    """Per indicator, the ``n`` schools with the largest share of the weighted variance (§8)."""
    out = []
    for indicator in level["indicators"]:
        contributions = indicator["contributions"]
        if hasattr(contributions, "largest"):  # ``analysis.LazyRows``: the others are not written out
            ranked = contributions.largest(n)
        else:
            ranked = sorted(contributions, key=lambda c: c["share"], reverse=True)[:n]
        out.append({"name": indicator["name"], "schools": ranked})
    return out


def _status_label(status, floor_percent: str) -> str:
    if status == "between":
        return _("{floor}–100 %").format(floor=floor_percent)
    if status == "below_floor":
        return _("Below {floor}").format(floor=floor_percent)
    return _text(STATUS_LABELS.get(status, "—"))


def sheets(result: dict) -> list[tuple[str, list[str], list[list]]]:
    """Every table of the analysis page as (title, headers, rows)."""
    out = []
    floor = f"{(result.get('floor_ratio') or 0.85) * 100:.4g} %"
    for level in result["levels"].values():
        label = level["label"]
        names_by_key = {i["key"]: i["name"] for i in level["indicators"]}
        out.append((_("{stage} indicators").format(stage=label), [
            _("Indicator"), _("CV"), _("CV threshold"), _("Verdict"), _("Reason"), _("Attainment rate"),
            _("Gini coefficient"), _("Development index"), _("Weighted mean"), _("Standard")], [
            [i["name"], _value(i["cv"]["published"]), _value(i["threshold"]), _yes_no(i["passed"]), i["reason"],
             _value(None if i["attainment"] is None else i["attainment"]["rate"]), _value(i["gini"]),
             _value(i["development_index"]), _value(i["mean_published"]), _value(i["standard"])]
            for i in level["indicators"]]))
        if level["composite"] is not None:
            c = level["composite"]
            out.append((_("{stage} composite CV").format(stage=label),
                        [_("Composite CV"), _("CV threshold"), _("Verdict"), _("Reason")],
                        [[_value(c["published"]), c["threshold"], _yes_no(c["passed"]), c["reason"]]]))
        names = [i["name"] for i in level["indicators"]]
        keys = [i["key"] for i in level["indicators"]]
        out.append((_("{stage} schools").format(stage=label), [
            _("School code"), _("School name"), _("Pupils"), *names,
            *[_("{indicator}: status").format(indicator=n) for n in names], _("School rule"), _("Note")], [
            [s["school_code"], s["school_name"], s["students"], *[_value(s["indicators"][k]) for k in keys],
             *[_status_label(s.get("statuses", {}).get(k), floor) for k in keys],
             "—" if "rule" not in s else _("{verdict}: {reason}").format(verdict=_yes_no(s["rule"]["passed"]),
                                                                         reason=s["rule"]["reason"]),
             _text(s["note"])]
            for s in level["schools"]]))
        out.append((_("{stage} alarms").format(stage=label),
                    [_("Kind"), _("Indicator"), _("School code"), _("Description")],
                    [[_text(ALARM_LABELS.get(a["kind"], a["kind"])), _text(names_by_key.get(a["indicator"])),
                      a["school_code"] or "", a["message"]] for a in level["alarms"]]))
        out.append((_("{stage} contributions").format(stage=label), [
            _("Indicator"), _("School code"), _("School name"), _("Contribution"), _("Direction"),
            _("Deviation from the mean")], [
            [i["name"], c["school_code"], c["school_name"], c["share"], _text(DIRECTION_LABELS.get(c["direction"])),
             c["deviation"]]
            for i in level["indicators"] for c in i["contributions"]]))
        rows = []
        for i in level["indicators"]:
            plan = i["adjustment"]["to_threshold"]
            for s in plan["schools"]:
                rows.append([i["name"], _("Reach the CV threshold"), s["school_code"], s["school_name"],
                             s["addition"], plan["unit"]])
            standard = i["adjustment"]["to_standard"]
            for s in (standard or {}).get("schools", []):
                rows.append([i["name"], _("Reach the standard"), s["school_code"], s["school_name"], s["addition"],
                             standard["unit"]])
        out.append((_("{stage} adjustment").format(stage=label),
                    [_("Indicator"), _("Target"), _("School code"), _("School name"), _("Addition needed"),
                     pgettext("measure", "Unit")], rows))
    return out


def _source_line(result: dict) -> str:
    source = result.get("standards_source") or {"national": True}
    if source["national"]:
        return _("Thresholds and standards: national defaults")
    return _("Thresholds and standards set by {office} on {date}").format(
        office=source["office"], date=(source["set_at"] or "")[:10])


def analysis_workbook(result: dict) -> bytes:
    """Every table of the analysis page, then the method, its basis and who set the thresholds."""
    notes = [result["method_name"], result["basis"], result["cv_formula"], result["attainment_basis"],
             _source_line(result), *result["notes"]]
    return write_workbook(sheets(result), notes=notes, notes_title=pgettext("analysis workbook", "Notes"))


def table_workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    """One sheet holding a table exactly as the page shows it."""
    return write_table(headers, rows, title=title)


def trends_rows(trends: dict, labels: dict[str, str]) -> tuple[list[str], list[list]]:
    """Trends as one sheet: level, indicator, then the published CV of each year."""
    headers = [_("Stage"), _("Indicator"), *[str(y) for y in trends["years"]]]
    rows = []
    for stage, series in trends["series"].items():
        for key, values in series.items():
            rows.append([labels.get(stage, stage), trends["names"].get(key, key), *[_value(v) for v in values]])
        rows.append([labels.get(stage, stage), _("Verdict"), *[_yes_no(p) for p in trends["passed"][stage]]])
    return headers, rows


def rollup_rows(lines: list[dict]) -> tuple[list[str], list[list]]:
    """The roll-up as one sheet: one line per county and level, never pooled."""
    headers = [_("Office"), _("Year"), _("Stage"), _("Schools"), _("Composite CV"), _("Verdict"),
               _("Indicators not met"), _("Reasons")]
    rows = [[str(line["statistics_year"].office), line["statistics_year"].year, line["label"], line["n_schools"],
             _value((line["composite"] or {}).get("published")), _yes_no(line["passed"]),
             pgettext("list separator", ", ").join(line["failed_indicators"]),
             pgettext("sentence separator", "; ").join(str(r) for r in line["reasons"])]
            for line in lines]
    return headers, rows


def prefilled_template(rows: list[list[str]]) -> bytes:
    """The county workbook template (``analysis.write_template``) with the office's schools in place of
    the example row: code, name, type and stage filled (as text), the figures left for the office."""
    import io
    import tempfile
    from pathlib import Path

    from openpyxl import load_workbook

    from dudao.monitoring import analysis

    with tempfile.TemporaryDirectory() as folder:
        workbook = load_workbook(analysis.write_template(Path(folder) / "template.xlsx"))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    positions = [headers.index(analysis.template_header(c)) for c in analysis.COLUMNS
                 if c.name in ("school_code", "school_name", "school_type", "stage")]
    sheet.delete_rows(2)  # the example row
    for number, row in enumerate(rows, start=2):
        values = [""] * (max(positions) + 1)
        for position, value in zip(positions, row, strict=True):
            values[position] = value
        put_row(sheet, number, values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
