"""The survey's result tables as one Excel workbook, one sheet per table (what the page shows)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dudao.core.excel import write_workbook


def _pct(value):
    return float(value) if value is not None else ""


def _verdict(passed) -> str:
    return "" if passed is None else (pgettext("survey", "Pass") if passed else _("Below the pass mark"))


def school_table(results) -> tuple[list[str], list[list]]:
    headers = [_("School code"), _("School")]
    for _g, label in results.groups:
        headers += [_("{group}: responses").format(group=label), _("{group}: satisfaction %").format(group=label)]
    headers += [_("Responses"), _("Satisfaction %"), _("Result")]
    rows = []
    for row in results.schools:
        line = [row.school.code, row.school.name]
        for g, _label in results.groups:
            line += [row.cells[g].responses, _pct(row.cells[g].percent)]
        line += [row.overall.responses, _pct(row.overall.percent), _verdict(row.overall.passed)]
        rows.append(line)
    total = ["", _("All schools")]
    for g, _label in results.groups:
        total += [results.group_totals[g].responses, _pct(results.group_totals[g].percent)]
    total += [results.overall.responses, _pct(results.overall.percent), _verdict(results.overall.passed)]
    rows.append(total)
    return headers, rows


def question_table(results) -> tuple[list[str], list[list]]:
    headers = [_("No."), pgettext("survey", "Question"), _("Option"), _("Count"), _("Share %"), _("Counted as satisfied"),
               _("Satisfaction %")]
    rows = []
    for q in results.questions:
        for option, count, share, counted in q.rows:
            rows.append([q.code, q.text, option, count, _pct(share), "是" if counted and q.rated else "",
                         _pct(q.percent)])
    return headers, rows


def comparison_table(comparison) -> tuple[list[str], list[list]]:
    headers = [_("School code"), _("School"), _("Group"), _("Last year %"), _("This year %"), _("Change (points)")]
    rows = [[line["school"].code, line["school"].name, line["group_label"] or _("All groups"),
             _pct(line["before"]), _pct(line["now"]), _pct(line["change"])] for line in comparison["lines"]]
    overall = comparison["overall"]
    rows.append(["", _("All schools"), _("All groups"), _pct(overall["before"]), _pct(overall["now"]),
                 _pct(overall["change"])])
    return headers, rows


def results_workbook(results, comparison=None) -> bytes:
    """Sheets: schools × groups, questions × options, and (when there is one) last year beside this."""
    sheets = [(_("Schools"), *school_table(results)), (_("Questions"), *question_table(results))]
    if comparison is not None:
        sheets.append((_("Last year"), *comparison_table(comparison)))
    return write_workbook(sheets)
