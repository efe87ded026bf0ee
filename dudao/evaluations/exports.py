"""The full score sheet of an evaluation as an Excel workbook (openpyxl).

Sheets (Chinese headers, the same whatever the interface language):

* 汇总: rank, unit, total, maximum, grade, vetoed items, self-assessed total, gap, and the score of
  every first-level indicator;
* 指标得分: unit × leaf consensus points;
* 评分明细 (office only): every rater's value, points, deduction and deduction note per leaf;
* 自评: every unit's self-assessed value and note per leaf.

What it holds follows the phase rules: nothing before the results are visible to the user, and the
raters' sheets only for the office.
"""

from decimal import Decimal

from dudao.core.excel import write_workbook
from dudao.evaluations import scoring, selectors


def _num(value):
    if value in (None, ""):
        return ""
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def _value(value):
    if value is True:
        return "是"
    if value is False:
        return "否"
    return _num(value) if isinstance(value, (int, float)) else (value or "")


def score_sheet(*, user, evaluation) -> bytes | None:
    res = selectors.results(user=user, evaluation=evaluation)
    if res is None:
        return None
    specs = {s.code: s for s in selectors.specs(evaluation)}
    sheets = [("汇总", ["名次", "单位", "总分", "满分", "等级", "一票否决", "自评总分", "自评与评估差",
                        *[f"{i.code} {i.text}" for i in res.top]],
               [[u.rank, u.name, _num(u.total), _num(u.maximum), u.grade, "、".join(u.vetoed), _num(u.self_total),
                 _num(res.gaps.get(u.pk, {}).get("total")), *[_num(u.node_points.get(i.code)) for i in res.top]]
                for u in res.units]),
              ("指标得分", ["单位", *[f"{i.code} {i.text}"[:60] for i in res.leaves]],
               [[u.name, *[_num(u.leaf_points.get(i.code)) for i in res.leaves]] for u in res.units])]
    if selectors.is_office(user=user, evaluation=evaluation):
        rows = []
        names = {i.code: i.text for i in res.leaves}
        for rating in selectors.rating_list(user=user, evaluation=evaluation):
            for code, text in names.items():
                spec = specs[code]
                value = rating.scores.get(code)
                points = scoring.leaf_points(spec, value) if value is not None and spec.is_scored else None
                lost = scoring.leaf_worth(spec) - points if points is not None else None
                rows.append([rating.unit.name, str(rating.rater), rating.rater.group.get_kind_display(),
                             rating.get_status_display(), code, text, _num(scoring.leaf_worth(spec)) if spec.is_scored
                             else "", _value(value), _num(points), _num(lost) if lost else "",
                             rating.notes.get(code, "")])
        sheets.append(("评分明细", ["单位", "评分人", "组别", "状态", "编码", "指标", "满分", "评分", "得分", "扣分",
                                   "扣分说明"], rows))
    sheets.append(("自评", ["单位", "编码", "指标", "自评", "说明"],
                   [[u.name, i.code, i.text, _value(u.self_scores.get(i.code)), u.self_notes.get(i.code, "")]
                    for u in res.units for i in res.leaves]))
    return write_workbook(sheets)


def filename(evaluation) -> str:
    return f"{evaluation.title}-评分汇总.xlsx"
