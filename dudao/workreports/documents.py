"""The work report (督导工作报告) as a document kind: its built-in GB/T 9704 template and the
context built from ``drafting.period_summary``.

The template holds the figures, tables and charts; the closing parts (工作小结, 下一步工作打算)
are left for the author, who finishes the .docx in WPS or Word and uploads it. An office may
replace the template with its own (letterhead, wording) through the document engine; every tag
the built-in template uses is in ``sample_context``, so an uploaded template is checked against
the same names.
"""

import datetime

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from dudao.documents import kinds, layout
from dudao.documents.kinds import DocumentKind
from dudao.documents.render import Image, cn_date
from dudao.inspections.models import LessonObservation
from dudao.workreports.charts import findings_chart, item_label

KIND = "work_report"
NUMERALS = "一二三四五六七八九十"
FIXED_SECTIONS = 7  # 一 … 七 in the built-in template; further sections continue the numbering
PERIOD_WORDS = {"month": "本月", "term": "本学期", "year": "本年度"}
LEVEL_WORDS = {"inspector": "责任督学", "zone": "督学责任区", "office": "督导室"}


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (section numbers of an official document)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


def _pct(value) -> str:
    return "—" if value is None else f"{value:g}%"


def report_context(summary: dict, *, title: str, period_kind: str, period_label: str, date: datetime.date,
                   charts: dict[str, Image]) -> dict:
    """The document's context from a period summary: plain strings and numbers, dates written the
    Chinese way, the charts as images. Labels are Chinese whatever the user's language."""
    with translation.override("zh-hans"):
        return _context(summary, title=title, period_kind=period_kind, period_label=period_label, date=date,
                        charts=charts)


def _context(summary, *, title, period_kind, period_label, date, charts) -> dict:
    subject = summary["subject"]
    rect = summary["rectifications"]
    sections = []
    for offset, section in enumerate(summary["sections"], start=FIXED_SECTIONS + 1):
        sections.append({
            "heading": f"{chinese_number(offset)}、{section['heading']}",
            "rows": [{"no": i, **row} for i, row in enumerate(section["rows"], start=1)],
        })
    closing = FIXED_SECTIONS + len(sections) + 1
    period_word = PERIOD_WORDS.get(period_kind, "本期")
    return {
        "title": title,
        "period": f"{period_label}（{cn_date(summary['start'])}至{cn_date(summary['end'])}）",
        "period_word": period_word,
        "subject": subject["name"],
        "level_word": LEVEL_WORDS.get(subject["level"], ""),
        "office": subject["office"],
        "as_of": cn_date(summary["as_of"]),
        "schools": {
            "total": summary["schools"]["total"], "visited": summary["schools"]["visited"],
            "fully_covered": summary["schools"]["fully_covered"],
            "coverage_rate": _pct(summary["schools"]["coverage_rate"]),
            "rows": [{"no": i, "name": r["name"], "visits": r["visits"],
                      "months": f"{r['months_visited']}/{r['months_in_care']}", "lessons": r["lessons"],
                      "findings": r["findings"], "notices": r["notices"]}
                     for i, r in enumerate(summary["schools"]["rows"], start=1)],
        },
        "months": [{"label": m["label"], "schools": m["schools"], "visited": m["visited"],
                    "coverage": _pct(m["coverage"]), "visits": m["visits"]} for m in summary["months"]],
        "visits": {"total": summary["visits"]["total"]},
        "lessons": {"total": summary["lessons"]["total"],
                    "by_rating": [{"label": str(LessonObservation.Rating(r["rating"]).label), "n": r["n"]}
                                  for r in summary["lessons"]["by_rating"]]},
        "findings": {"total": summary["findings"]["total"],
                     "by_item": [{"no": i, "label": item_label(r), "n": r["n"]}
                                 for i, r in enumerate(summary["findings"]["by_item"], start=1)]},
        "highlights": [{"school": h["school"], "date": cn_date(h["date"]), "inspector": h["inspector"],
                        "text": h["text"]} for h in summary["highlights"]],
        "rectifications": {
            "issued": rect["issued"], "closed": rect["closed"], "open": rect["open"], "overdue": rect["overdue"],
            "close_rate": _pct(rect["close_rate"]),
            "overdue_list": [{"no": i, "number": r["number"], "school": r["school"], "deadline": cn_date(r["deadline"]),
                              "days": r["days"]} for i, r in enumerate(rect["overdue_list"], start=1)],
        },
        "tasks": {k: summary["tasks"][k] for k in ("total", "done", "on_time", "overdue")}
        | {"rate": _pct(summary["tasks"]["rate"])},
        "sections": sections,
        "summary_heading": f"{chinese_number(closing)}、{period_word}工作小结",
        "plan_heading": f"{chinese_number(closing + 1)}、下一步工作打算",
        "signer": subject["name"] if subject["level"] != "office" else subject["office"],
        "date": cn_date(date),
        "coverage_chart": charts["coverage_chart"],
        "findings_chart": charts["findings_chart"],
    }


# ---- the built-in template ------------------------------------------------------------------------

def build_default():
    doc = layout.new_document()
    layout.add_title(doc, "{{ title }}")
    layout.add_body(doc, "报告期间：{{ period }}", indent=False)
    layout.add_body(doc, "报告单位：{{ office }}　{{ level_word }}：{{ subject }}", indent=False)

    layout.add_section(doc, "一、基本情况",
                       "{{ period_word }}，{{ subject }}负责督导学校{{ schools.total }}所，开展随访督导"
                       "{{ visits.total }}次，到校督导学校{{ schools.visited }}所，每月均到校督导的学校"
                       "{{ schools.fully_covered }}所，覆盖率{{ schools.coverage_rate }}；推门听课{{ lessons.total }}节；"
                       "发现问题{{ findings.total }}个；下发整改通知书{{ rectifications.issued }}份，办结"
                       "{{ rectifications.closed }}份，逾期未整改{{ rectifications.overdue }}份。")
    layout.add_table(doc, ["月份", "责任学校", "到校学校", "覆盖率", "督导次数"],
                     ["{{ m.label }}", "{{ m.schools }}", "{{ m.visited }}", "{{ m.coverage }}", "{{ m.visits }}"],
                     loop="m in months", widths_mm=[36, 30, 30, 30, 30])
    layout.add_image(doc, "coverage_chart")

    layout.add_heading(doc, "二、学校督导情况")
    layout.add_table(doc, ["序号", "学校", "督导次数", "到校月数", "听课节数", "发现问题", "整改通知"],
                     ["{{ s.no }}", "{{ s.name }}", "{{ s.visits }}", "{{ s.months }}", "{{ s.lessons }}",
                      "{{ s.findings }}", "{{ s.notices }}"],
                     loop="s in schools.rows", widths_mm=[14, 46, 19, 19, 19, 19, 20])

    layout.add_section(doc, "三、听课情况", "{{ period_word }}推门听课{{ lessons.total }}节，评价情况如下。")
    layout.add_table(doc, ["评价等级", "节数"], ["{{ r.label }}", "{{ r.n }}"], loop="r in lessons.by_rating",
                     widths_mm=[78, 78])

    layout.add_section(doc, "四、发现的问题", "{{ period_word }}共发现问题{{ findings.total }}个，按督导事项分布如下。")
    layout.add_table(doc, ["序号", "督导事项", "问题数"], ["{{ f.no }}", "{{ f.label }}", "{{ f.n }}"],
                     loop="f in findings.by_item", widths_mm=[16, 110, 30])
    layout.add_image(doc, "findings_chart")

    layout.add_heading(doc, "五、亮点与典型经验")
    doc.add_paragraph("{%p if highlights %}")
    layout.add_loop(doc, "h in highlights", ["{{ h.school }}（{{ h.date }}，{{ h.inspector }}）：{{ h.text }}"])
    doc.add_paragraph("{%p else %}")
    layout.add_body(doc, "{{ period_word }}无推荐的典型经验。")
    doc.add_paragraph("{%p endif %}")

    layout.add_section(doc, "六、整改情况",
                       "{{ period_word }}下发整改通知书{{ rectifications.issued }}份，办结{{ rectifications.closed }}份"
                       "（办结率{{ rectifications.close_rate }}），尚未办结{{ rectifications.open }}份，其中逾期未整改"
                       "{{ rectifications.overdue }}份（截至{{ as_of }}）。")
    doc.add_paragraph("{%p if rectifications.overdue_list %}")
    layout.add_table(doc, ["序号", "通知书编号", "学校", "整改期限", "逾期天数"],
                     ["{{ r.no }}", "{{ r.number }}", "{{ r.school }}", "{{ r.deadline }}", "{{ r.days }}"],
                     loop="r in rectifications.overdue_list", widths_mm=[14, 40, 46, 34, 22])
    doc.add_paragraph("{%p endif %}")

    layout.add_section(doc, "七、工作任务完成情况",
                       "{{ period_word }}到期任务{{ tasks.total }}项，已完成{{ tasks.done }}项（完成率{{ tasks.rate }}），"
                       "按期完成{{ tasks.on_time }}项，逾期未完成{{ tasks.overdue }}项。")

    doc.add_paragraph("{%p for sec in sections %}")
    layout.add_heading(doc, "{{ sec.heading }}")
    doc.add_paragraph("{%p if sec.rows %}")
    layout.add_table(doc, ["序号", "事项", "日期", "情况"], ["{{ r.no }}", "{{ r.name }}", "{{ r.date }}", "{{ r.detail }}"],
                     loop="r in sec.rows", widths_mm=[14, 52, 34, 56])
    doc.add_paragraph("{%p else %}")
    layout.add_body(doc, "{{ period_word }}无。")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")

    layout.add_section(doc, "{{ summary_heading }}", "（请结合上述情况总结主要做法、成效和存在的不足。）")
    layout.add_section(doc, "{{ plan_heading }}", "（请填写下一阶段的工作重点和具体安排。）")
    layout.add_signature(doc, "{{ signer }}", "{{ date }}")
    return doc


def _sample_png() -> bytes:
    return findings_chart([{"label": "7. 食堂、食品、饮水及宿舍卫生情况", "n": 2}])


def sample_summary() -> dict:
    """A complete summary of an inspector's October, in the shape ``period_summary`` returns."""
    d = datetime.date
    return {
        "level": "inspector",
        "subject": {"name": "张明", "level": "inspector", "office": "甲县人民政府教育督导室", "office_id": 1,
                    "zone_id": 1, "inspector_id": 1},
        "start": d(2026, 10, 1), "end": d(2026, 10, 31), "as_of": d(2026, 10, 31),
        "months": [{"month": d(2026, 10, 1), "label": "2026年10月", "schools": 5, "visited": 4, "coverage": 80.0,
                    "visits": 7}],
        "schools": {"total": 5, "visited": 4, "fully_covered": 4, "coverage_rate": 80.0, "rows": [
            {"school_id": 1, "name": "示范小学", "visits": 2, "months_in_care": 1, "months_visited": 1,
             "fully_covered": True, "lessons": 2, "findings": 1, "notices": 1}]},
        "visits": {"total": 7, "in_care": 7, "by_inspector": [{"name": "张明", "visits": 7}]},
        "lessons": {"total": 2, "by_rating": [{"rating": "excellent", "label": "优秀", "n": 1},
                                              {"rating": "good", "label": "良好", "n": 1}]},
        "findings": {"total": 1, "by_item": [{"code": "7", "text": "食堂、食品、饮水及宿舍卫生情况", "n": 1,
                                              "label": "7. 食堂、食品、饮水及宿舍卫生情况"}],
                     "by_severity": [{"severity": "general", "label": "一般", "n": 1}]},
        "highlights": [{"school": "示范小学", "date": d(2026, 10, 8), "inspector": "张明", "text": "课后服务做法值得推广"}],
        "rectifications": {"issued": 1, "closed": 0, "open": 1, "overdue": 1, "close_rate": 0.0, "overdue_list": [
            {"number": "甲督整〔2026〕1号", "school": "示范小学", "deadline": d(2026, 10, 15), "days": 16,
             "requirements": "补齐留样记录"}]},
        "tasks": {"total": 2, "done": 1, "on_time": 1, "overdue": 1, "rate": 50.0},
        "sections": [{"key": "campaigns", "title": "Special supervision campaigns", "heading": "专项督导", "rows": [
            {"name": "秋季开学专项督导", "date": "2026年9月1日", "detail": "已完成"}]},
            {"key": "complaints", "title": "Complaints handled", "heading": "投诉举报办理", "rows": []}],
    }


def sample_context() -> dict:
    png = _sample_png()
    return report_context(sample_summary(), title="张明2026年10月督导工作报告", period_kind="month",
                          period_label="2026年10月", date=datetime.date(2026, 11, 3),
                          charts={"coverage_chart": Image(png, 150), "findings_chart": Image(png, 150)})


def register() -> None:
    kinds.register(DocumentKind(
        code=KIND, label=_("Work report"), build_default=build_default, sample_context=sample_context,
        numbered=False, description=_("An inspector's, a zone's or an office's monthly report or term summary, "
                                      "drafted from the records for the author to finish."),
    ))
