"""The documents of an evaluation (GB/T 9704-2012 layout, office-editable templates):

* 督导通知书 ``evaluation_notice`` (numbered): the written notice before the evaluation (条例
  第十七条), with the matters, the indicator system, the units, the self-assessment due date;
* 督导意见书 ``opinion_letter`` (numbered): one unit's objective evaluation, its scores by first-level
  indicator and the rectification demands with deadlines (条例 第二十一条);
* 督导报告 ``evaluation_report``: the report on the whole evaluation with the ranking (条例 第二十三条).

Context builders take rows already read through the user's scope and return plain data; labels are
Chinese here whatever the reader's interface language.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.documents import kinds, layout
from dudao.documents.kinds import DocumentKind
from dudao.documents.render import cn_date
from dudao.instruments.selectors import version_items

KINDS = {"school": "学校", "kindergarten": "幼儿园", "government": "人民政府"}


def _office(office) -> dict:
    return {"name": office.name}


def _top_level(evaluation) -> list[dict]:
    return [{"code": i.code, "text": i.text} for i in version_items(version=evaluation.version) if i.depth == 0]


# ---- 督导通知书 ------------------------------------------------------------------------------------

def notice_context(evaluation) -> dict:
    units = list(evaluation.units.order_by("name").values_list("name", flat=True))
    return {
        "number": "", "office": _office(evaluation.office), "title": evaluation.title,
        "addressees": "、".join(units) if len(units) <= 6 else f"{units[0]}等{len(units)}个单位",
        "units": [{"no": n, "name": name} for n, name in enumerate(units, start=1)],
        "system": str(evaluation.version.instrument.name),
        "indicators": "、".join(f"{i['code']} {i['text']}" for i in _top_level(evaluation)),
        "matters": evaluation.description or "按评估指标体系开展督导评估。",
        "due": cn_date(evaluation.self_assessment_due) or "另行通知",
        "date": cn_date(timezone.localdate()),
    }


def _notice_default():
    doc = layout.new_document()
    layout.add_number(doc, "{{ number }}")
    layout.add_letter_title(doc, "督导通知书", "{{ addressees }}")
    layout.add_body(doc, "根据《教育督导条例》第十七条，{{ office.name }}决定开展{{ title }}，现将有关事项通知如下。")
    layout.add_section(doc, "一、督导事项", "{{ matters }}")
    layout.add_section(doc, "二、评估指标", "采用《{{ system }}》，一级指标为：{{ indicators }}。")
    layout.add_section(doc, "三、自评要求", "请各单位对照指标逐项自评，撰写自评报告，上传佐证材料，于{{ due }}前在平台提交。")
    layout.add_heading(doc, "四、被督导单位")
    layout.add_table(doc, ["序号", "单位"], ["{{ u.no }}", "{{ u.name }}"], loop="u in units", widths_mm=[20, 136])
    layout.add_body(doc, "被督导单位应当积极配合，如实提供情况，不得拒绝和阻挠（《教育督导条例》第十二条）。")
    return layout.signed(doc)


def _notice_sample():
    return {
        "number": "示范教督〔2026〕1号", "office": {"name": "示范县人民政府教育督导室"},
        "title": "2026年中小学校综合督导评估", "addressees": "示范县第一小学、示范县实验中学",
        "units": [{"no": 1, "name": "示范县第一小学"}, {"no": 2, "name": "示范县实验中学"}],
        "system": "中小学校督导评估指标体系", "indicators": "A 办学方向与学校管理、B 德育与校园文化",
        "matters": "学校办学方向、管理、教育教学、队伍、安全等。", "due": "2026年4月30日", "date": "2026年3月5日",
    }


# ---- 督导意见书 ------------------------------------------------------------------------------------

def opinion_context(unit) -> dict:
    evaluation = unit.evaluation
    top = _top_level(evaluation)
    return {
        "number": "", "office": _office(evaluation.office), "title": evaluation.title, "unit": {"name": unit.name},
        "total": str(unit.total if unit.total is not None else "—"),
        "maximum": str(unit.maximum if unit.maximum is not None else "—"), "grade": unit.grade or "—",
        "scores": [{"code": t["code"], "text": t["text"], "points": unit.node_points.get(t["code"], "—")}
                   for t in top],
        "evaluation": unit.opinion,
        "demands": [{"no": n, "text": d["text"], "deadline": cn_date(_date(d["deadline"])),
                     "number": d.get("number", "")} for n, d in enumerate(unit.demands, start=1)],
        "has_demands": bool(unit.demands),
        "date": cn_date(timezone.localdate()),
    }


def _date(value):
    import datetime

    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _opinion_default():
    doc = layout.new_document()
    layout.add_number(doc, "{{ number }}")
    layout.add_letter_title(doc, "督导意见书", "{{ unit.name }}")
    layout.add_body(doc, "根据《教育督导条例》第二十条、第二十一条，{{ office.name }}在{{ title }}中，"
                         "综合你单位的自评报告、现场考察和社会各方面意见，形成督导意见如下。")
    layout.add_section(doc, "一、总体评价", "{{ evaluation }}", "评估得分{{ total }}分（满分{{ maximum }}分），等级为“{{ grade }}”。")
    layout.add_table(doc, ["编码", "一级指标", "得分"], ["{{ s.code }}", "{{ s.text }}", "{{ s.points }}"],
                     loop="s in scores", widths_mm=[20, 106, 30])
    layout.add_section(doc, "二、整改要求",
                       "{% if has_demands %}请对照下列问题限期整改，并将整改情况报告我室（《教育督导条例》第二十二条）。"
                       "{% else %}无限期整改事项。{% endif %}")
    layout.add_table(doc, ["序号", "整改要求", "整改期限", "整改通知书"],
                     ["{{ d.no }}", "{{ d.text }}", "{{ d.deadline }}", "{{ d.number }}"], loop="d in demands",
                     widths_mm=[16, 80, 30, 30])
    return layout.signed(doc)


def _opinion_sample():
    return {
        "number": "示范教督〔2026〕8号", "office": {"name": "示范县人民政府教育督导室"},
        "title": "2026年中小学校综合督导评估", "unit": {"name": "示范县第一小学"},
        "total": "86.50", "maximum": "100.00", "grade": "良好",
        "scores": [{"code": "A", "text": "办学方向与学校管理", "points": "13.50"}],
        "evaluation": "学校办学方向正确，管理规范。", "has_demands": True,
        "demands": [{"no": 1, "text": "作业公示制度未落实。", "deadline": "2026年6月30日", "number": "示范督整〔2026〕3号"}],
        "date": "2026年5月20日",
    }


# ---- 督导报告 --------------------------------------------------------------------------------------

def report_context(evaluation) -> dict:
    units = list(evaluation.units.order_by("rank", "name"))
    totals = [u.total for u in units if u.total is not None]
    average = (sum(totals) / len(totals)).quantize(totals[0]) if totals else None
    grades: dict[str, int] = {}
    for unit in units:
        if unit.grade:
            grades[unit.grade] = grades.get(unit.grade, 0) + 1
    demands = sum(len(u.demands) for u in units)
    return {
        "office": _office(evaluation.office), "title": evaluation.title,
        "system": str(evaluation.version.instrument.name), "count": len(units),
        "average": str(average) if average is not None else "—",
        "grades": "，".join(f"{g}{n}个" for g, n in grades.items()) or "无",
        "vetoed": "、".join(u.name for u in units if u.vetoed) or "无",
        "demands": demands,
        "ranking": [{"rank": u.rank or "—", "name": u.name, "total": str(u.total or "—"), "grade": u.grade or "—"}
                    for u in units],
        "method": evaluation.get_aggregation_display(),
        "date": cn_date(timezone.localdate()),
    }


def _report_default():
    doc = layout.new_document()
    layout.add_title(doc, "{{ title }}督导报告")
    layout.add_body(doc, "根据《教育督导条例》第二十三条，现将{{ title }}情况报告如下。")
    layout.add_section(doc, "一、基本情况",
                       "本次评估采用《{{ system }}》，共评估{{ count }}个单位，经自评、现场考察、独立评分、"
                       "反馈初步意见和申辩，形成督导意见书。评分汇总方式：{{ method }}。")
    layout.add_section(doc, "二、评估结果", "平均得分{{ average }}分；等级分布：{{ grades }}；一票否决：{{ vetoed }}。")
    layout.add_table(doc, ["名次", "单位", "得分", "等级"],
                     ["{{ r.rank }}", "{{ r.name }}", "{{ r.total }}", "{{ r.grade }}"], loop="r in ranking",
                     widths_mm=[18, 88, 25, 25])
    layout.add_section(doc, "三、整改要求", "督导意见书共提出限期整改要求{{ demands }}条，已纳入整改通知书跟踪落实，并将适时开展回头看。")
    return layout.signed(doc)


def _report_sample():
    return {
        "office": {"name": "示范县人民政府教育督导室"}, "title": "2026年中小学校综合督导评估",
        "system": "中小学校督导评估指标体系", "count": 2, "average": "84.25", "grades": "良好2个", "vetoed": "无",
        "demands": 3, "ranking": [{"rank": 1, "name": "示范县第一小学", "total": "86.50", "grade": "良好"}],
        "method": "平均", "date": "2026年6月1日",
    }


kinds.register(DocumentKind(code="evaluation_notice", label=_("Evaluation notice"), build_default=_notice_default,
                            sample_context=_notice_sample, numbered=True))
kinds.register(DocumentKind(code="opinion_letter", label=_("Opinion letter"), build_default=_opinion_default,
                            sample_context=_opinion_sample, numbered=True))
kinds.register(DocumentKind(code="evaluation_report", label=_("Evaluation report"), build_default=_report_default,
                            sample_context=_report_sample, numbered=False))
