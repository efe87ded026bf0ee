"""The documents of a directive: built-in templates (GB/T 9704-2012 layout), complete sample contexts
and the contexts built from the records. An office replaces a template with its own (``documents``).

* 督办通知单 ``directive_urge`` (numbered): the office urges a unit on an item — what was decided,
  what the unit must do by when, how far it has reported, and what the office now asks;
* 督办事项通报 ``directive_bulletin`` (numbered): the results of a directive, unit by unit.

Labels are Chinese here, not through the UI catalogue: an official document reads the same whatever
language the user's screen is in. Text a person typed goes in as data, never as template code.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from dudao.documents import kinds, layout
from dudao.documents.kinds import DocumentKind
from dudao.documents.render import cn_date

NONE = "无。"
URGE_KIND = "directive_urge"
BULLETIN_KIND = "directive_bulletin"
# the item's state and its place on the board, as the documents say them
STATUS_NAMES = {"pending": "办理中", "reported": "已报办结", "returned": "退回重办", "accepted": "已办结"}
BOARD_NAMES = {"on_time": "按期推进", "late": "逾期", "returned": "退回重办", "done": "已办结"}


def _lines(value: str) -> list[str]:
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    return lines or [NONE]


def _directive(directive) -> dict:
    return {"title": directive.title, "source": directive.source_name, "decided_on": cn_date(directive.decided_on),
            "source_lines": _lines(directive.source_text), "requirement_lines": _lines(directive.requirements)}


def urge_context(item, *, reports: list, urges_before: int, note: str, date: datetime.date) -> dict:
    """The 督办通知单 to the item's unit (``reports``: its progress reports, oldest first). ``school``
    names the unit, a school or a department or township office (templates on file say ``school``)."""
    office = item.directive.office
    last = reports[-1] if reports else None
    return {
        "office": {"name": office.name, "hotline": office.hotline or "—"},
        "school": {"name": item.unit_name}, "directive": _directive(item.directive),
        "item": {"content_lines": _lines(item.content), "deadline": cn_date(item.deadline),
                 "status": STATUS_NAMES.get(item.status, item.status)},
        "reports": {"count": len(reports),
                    "last": cn_date(last.created_at.date()) + "：" + last.text if last else "尚未报送进展情况。"},
        "times": urges_before + 1, "note_lines": _lines(note), "date": cn_date(date),
    }


def bulletin_context(directive, *, rows: list[dict], counts: dict, date: datetime.date) -> dict:
    """The 通报 of a directive's results (``rows``: the items with their board state)."""
    return {
        "office": {"name": directive.office.name}, "directive": _directive(directive), "date": cn_date(date),
        "counts": counts,
        "rows": [{"no": n, "school": r["item"].unit_name, "content": r["item"].content,
                  "deadline": cn_date(r["item"].deadline), "status": STATUS_NAMES.get(r["item"].status, ""),
                  "board": BOARD_NAMES.get(r["board"], ""), "urges": r["urges"]}
                 for n, r in enumerate(rows, start=1)],
    }


# ---- built-in templates --------------------------------------------------------------------------

def _urge_default():
    doc = layout.issued_document()
    layout.add_letter_title(doc, "督办通知单", "{{ school.name }}")
    layout.add_body(doc, "{{ directive.decided_on }}，根据{{ directive.source }}，确定“{{ directive.title }}”为督办事项，"
                         "你单位承办以下工作，办理期限为{{ item.deadline }}，目前状态：{{ item.status }}。")
    layout.add_section(doc, "一、承办事项", lines="item.content_lines")
    layout.add_section(doc, "二、办理情况",
                       "你单位已报送进展情况{{ reports.count }}次。最近一次：{{ reports.last }}")
    layout.add_section(doc, "三、督办要求", "这是本室就该事项第{{ times }}次督办。", lines="note_lines")
    layout.add_body(doc, "请你单位抓紧办理，按要求在督导平台报送办理进展和结果。联系电话：{{ office.hotline }}。")
    return layout.signed(doc)


def _bulletin_default():
    doc = layout.issued_document()
    layout.add_title(doc, "关于“{{ directive.title }}”督办事项办理情况的通报")
    layout.add_body(doc, "{{ directive.decided_on }}，根据{{ directive.source }}，“{{ directive.title }}”列为督办事项，"
                         "共分解{{ counts.items }}项任务。截至{{ date }}，已办结{{ counts.done }}项，按期推进"
                         "{{ counts.on_time }}项，退回重办{{ counts.returned }}项，逾期未办结{{ counts.late }}项。现将有关情况通报如下。")
    layout.add_section(doc, "一、工作要求", lines="directive.requirement_lines")
    layout.add_heading(doc, "二、办理情况")
    layout.add_table(doc, ["序号", "承办单位", "承办事项", "办理期限", "办理状态", "督办次数"],
                     ["{{ r.no }}", "{{ r.school }}", "{{ r.content }}", "{{ r.deadline }}", "{{ r.board }}",
                      "{{ r.urges }}"], loop="r in rows", widths_mm=[12, 34, 50, 26, 20, 14])
    layout.add_section(doc, "三、下一步要求",
                       "对已办结的事项，各单位要巩固成果；对逾期和退回重办的事项，相关单位要查明原因、明确时限，"
                       "抓紧办理到位，本室将继续跟踪督办。")
    return layout.signed(doc)


# ---- samples: every variable a template of the kind may use ------------------------------------------

def _sample_directive() -> dict:
    return {"title": "校园周边安全隐患排查整治", "source": "会议决定", "decided_on": "2026年9月1日",
            "source_lines": ["县政府第12次常务会议纪要"], "requirement_lines": ["9月底前完成排查，10月底前整改到位。"]}


def urge_sample() -> dict:
    return {
        "office": {"name": "示范县人民政府教育督导室", "hotline": "0000-1234567"}, "number": "示教督〔2026〕8号",
        "school": {"name": "示范县实验小学"}, "directive": _sample_directive(),
        "item": {"content_lines": ["排查校园周边交通安全隐患并设置警示标志。"], "deadline": "2026年9月30日",
                 "status": "办理中"},
        "reports": {"count": 1, "last": "2026年9月10日：已完成排查，正在联系交警部门。"},
        "times": 1, "note_lines": ["请于3日内报送整改完成情况。"], "date": "2026年10月3日",
    }


def bulletin_sample() -> dict:
    return {
        "office": {"name": "示范县人民政府教育督导室"}, "number": "示教督〔2026〕9号", "directive": _sample_directive(),
        "date": "2026年11月2日", "counts": {"items": 2, "done": 1, "on_time": 0, "returned": 0, "late": 1},
        "rows": [{"no": 1, "school": "示范县实验小学", "content": "排查校园周边交通安全隐患", "deadline": "2026年9月30日",
                  "status": "已办结", "board": "已办结", "urges": 0},
                 {"no": 2, "school": "示范县第一中学", "content": "整治校门口占道经营", "deadline": "2026年9月30日",
                  "status": "办理中", "board": "逾期", "urges": 1}],
    }


KINDS = (
    DocumentKind(code=URGE_KIND, label=_("Urge notice on a directive"), build_default=_urge_default,
                 sample_context=urge_sample, numbered=True,
                 description=_("Urges a responsible unit on its part of a directive: what, by when, what is asked.")),
    DocumentKind(code=BULLETIN_KIND, label=_("Bulletin on a directive"), build_default=_bulletin_default,
                 sample_context=bulletin_sample, numbered=True,
                 description=_("The results of a directive, unit by unit.")),
)

for _kind in KINDS:
    kinds.register(_kind)
