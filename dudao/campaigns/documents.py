"""The documents of a special campaign: built-in templates (GB/T 9704-2012 layout), complete sample
contexts, and the contexts built from the records.

* 督导通知书 ``campaign_notice`` (numbered): the office tells a target school of the campaign — its
  theme, period, the self-check due date, the checklist, the team — 条例 第十七条 书面督导通知 and
  第十八条 自评;
* 督导报告 ``campaign_report``: the campaign's report to the government (条例 第二十三条): what was
  done, the results per school, the problem and rectification list with progress, and a chart.

Context builders take rows the caller read through the user's scope (``selectors``) and return
plain data. Labels are Chinese here, not through the UI catalogue: an official document reads the
same whatever language the user's screen is in.
"""

from django.utils.translation import gettext_lazy as _

from dudao.documents import kinds, layout
from dudao.documents.kinds import DocumentKind
from dudao.documents.render import Image, cn_date

NONE = "无。"
TARGET_STATES = {"notified": "已通知", "self_checked": "已自查", "visited": "已实地督导", "rectifying": "整改中",
                 "done": "已完成"}


def _lines(value: str) -> list[str]:
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    return lines or [NONE]


def _office(office) -> dict:
    return {"name": office.name, "hotline": office.hotline or "", "address": office.address or ""}


def _campaign(campaign) -> dict:
    return {
        "title": campaign.title, "theme": campaign.theme_name, "start": cn_date(campaign.start_date),
        "self_check_due": cn_date(campaign.self_check_due), "end": cn_date(campaign.end_date),
        "requirement_lines": _lines(campaign.description), "checklist": campaign.checklist.instrument.name,
    }


def _team(team) -> dict:
    if team is None:
        return {"name": "待定", "leader": "待定", "members": "待定"}
    members = sorted(team.members.all(), key=lambda i: i.sort_key)
    leader = team.leader.name if team.leader_id else (members[0].name if members else "")
    return {"name": team.name, "leader": leader, "members": "、".join(m.name for m in members) or "待定"}


def notice_context(target, *, items, date) -> dict:
    """The 督导通知书 to one target school (``items``: the checklist's answerable items in order)."""
    campaign = target.campaign
    office = campaign.office
    return {
        "office": _office(office), "school": {"name": target.school.name}, "campaign": _campaign(campaign),
        "items": [{"no": n, "code": item.code, "text": item.text} for n, item in enumerate(items, start=1)],
        "team": _team(target.team), "date": cn_date(date),
        "contact": f"{office.name}，电话：{office.hotline or '—'}，地址：{office.address or '—'}",
    }


def report_context(campaign, *, progress, results, problems, chart_png: bytes, date) -> dict:
    """The 督导报告 of a campaign from its progress, results table and rectification list."""
    return {
        "office": _office(campaign.office), "campaign": _campaign(campaign), "date": cn_date(date),
        "counts": {k: progress[k] for k in ("targets", "self_checked", "late", "visited", "problems", "notices",
                                            "notices_closed", "done")},
        "results": [{
            "no": n, "school": r["school"].name, "self_score": _score(r["self_score"]),
            "team_score": _score(r["team_score"]), "problems": r["problems"], "notices": r["notices"],
            "status": TARGET_STATES.get(r["status"], r["status"]),
        } for n, r in enumerate(results, start=1)],
        "problems": [{
            "no": p["no"], "school": p["school"].name, "item": p["item"], "text": p["description"],
            "number": p["number"] or "未下发", "deadline": cn_date(p["deadline"]) if p["deadline"] else "—",
            "progress": p["progress_label_cn"],
        } for p in problems],
        "summary_lines": [f"{r['school'].name}：{r['team_summary']}" for r in results if r["team_summary"]] or [NONE],
        "chart": Image(chart_png, width_mm=150),
    }


def _score(value) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


# ---- built-in templates --------------------------------------------------------------------------

def _notice_default():
    doc = layout.issued_document()
    layout.add_letter_title(doc, "督导通知书", "{{ school.name }}")
    layout.add_body(doc, "根据《教育督导条例》第十三条、第十七条，本室决定开展{{ campaign.theme }}专项督导"
                         "（{{ campaign.title }}）。你校列入本次督导范围，现将有关事项通知如下：")
    layout.add_section(doc, "一、督导时间", "{{ campaign.start }}至{{ campaign.end }}。")
    layout.add_section(doc, "二、督导要求", lines="campaign.requirement_lines")
    layout.add_section(doc, "三、学校自查",
                       "请你校对照《{{ campaign.checklist }}》逐项开展自查，于{{ campaign.self_check_due }}前"
                       "在督导平台提交自查结果和佐证材料（《教育督导条例》第十八条）。检查内容如下：")
    layout.add_table(doc, ["序号", "编号", "检查内容"], ["{{ i.no }}", "{{ i.code }}", "{{ i.text }}"],
                     loop="i in items", widths_mm=[16, 20, 120])
    layout.add_section(doc, "四、实地督导",
                       "自查结束后，由{{ team.name }}（组长：{{ team.leader }}；成员：{{ team.members }}）到校实地督导。"
                       "请学校如实提供情况，不得拒绝和阻挠（《教育督导条例》第十二条）。")
    layout.add_section(doc, "五、联系方式", "{{ contact }}")
    return layout.signed(doc)


def _report_default():
    doc = layout.new_document()
    layout.add_title(doc, "关于{{ campaign.theme }}专项督导情况的报告")
    layout.add_body(doc, "根据《教育督导条例》第二十三条，现将{{ campaign.title }}有关情况报告如下。")
    layout.add_section(doc, "一、基本情况",
                       "本次专项督导于{{ campaign.start }}至{{ campaign.end }}开展，对照《{{ campaign.checklist }}》，"
                       "共覆盖{{ counts.targets }}所学校（幼儿园）。{{ counts.self_checked }}所学校提交了自查结果"
                       "（其中逾期{{ counts.late }}所），督导组实地督导{{ counts.visited }}所，发现问题{{ counts.problems }}个，"
                       "下发整改通知书{{ counts.notices }}份，已整改销号{{ counts.notices_closed }}份，"
                       "{{ counts.done }}所学校完成全部整改。")
    layout.add_image(doc, "chart")
    layout.add_heading(doc, "二、督导结果")
    layout.add_table(doc, ["序号", "学校", "自查得分", "督导得分", "问题", "整改通知", "状态"],
                     ["{{ r.no }}", "{{ r.school }}", "{{ r.self_score }}", "{{ r.team_score }}", "{{ r.problems }}",
                      "{{ r.notices }}", "{{ r.status }}"], loop="r in results",
                     widths_mm=[12, 46, 20, 20, 14, 20, 24])
    layout.add_section(doc, "三、督导组意见", lines="summary_lines")
    layout.add_heading(doc, "四、问题清单与整改情况")
    layout.add_table(doc, ["序号", "学校", "检查内容", "问题", "通知书编号", "整改期限", "整改进度"],
                     ["{{ p.no }}", "{{ p.school }}", "{{ p.item }}", "{{ p.text }}", "{{ p.number }}", "{{ p.deadline }}",
                      "{{ p.progress }}"], loop="p in problems", widths_mm=[12, 26, 26, 34, 22, 18, 18])
    layout.add_section(doc, "五、下一步工作",
                       "对尚未整改到位的问题，本室将督促有关学校限期整改，组织“回头看”，逐项核查销号；对逾期未整改的，"
                       "依据《教育督导条例》第二十五条予以通报批评并责令改正。")
    return layout.signed(doc)


# ---- samples: every variable a template of the kind may use ------------------------------------------

_PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82")


def _sample_base() -> dict:
    return {
        "office": {"name": "示范县人民政府教育督导室", "hotline": "0799-1234567", "address": "示范县人民路88号"},
        "campaign": {"title": "2026年春季开学工作专项督导", "theme": "开学工作", "start": "2026年2月20日",
                     "self_check_due": "2026年2月27日", "end": "2026年3月15日",
                     "requirement_lines": ["全面了解开学准备和校园安全情况。"],
                     "checklist": "开学工作专项督导检查表"},
        "date": "2026年2月20日",
    }


def notice_sample() -> dict:
    return {**_sample_base(), "number": "示教督〔2026〕1号", "school": {"name": "示范县实验小学"},
            "items": [{"no": 1, "code": "1.1", "text": "制定开学工作方案。"}],
            "team": {"name": "第一督导组", "leader": "张明", "members": "张明、李华、王芳"},
            "contact": "示范县人民政府教育督导室，电话：0799-1234567"}


def report_sample() -> dict:
    return {
        **_sample_base(), "number": "",
        "counts": {"targets": 10, "self_checked": 9, "late": 1, "visited": 8, "problems": 5, "notices": 4,
                   "notices_closed": 2, "done": 6},
        "results": [{"no": 1, "school": "示范县实验小学", "self_score": "95", "team_score": "90", "problems": 1,
                     "notices": 1, "status": "整改中"}],
        "problems": [{"no": 1, "school": "示范县实验小学", "item": "2.1 安全隐患排查", "text": "消防通道堆放杂物。",
                      "number": "示督整〔2026〕3号", "deadline": "2026年3月30日", "progress": "部分整改到位"}],
        "summary_lines": ["示范县实验小学：开学准备充分。"],
        "chart": Image(_PNG, width_mm=150),
    }


KINDS = (
    DocumentKind(code="campaign_notice", label=_("Campaign supervision notice"), build_default=_notice_default,
                 sample_context=notice_sample, numbered=True,
                 description=_("Tells a target school of a special campaign: period, self-check, checklist, team.")),
    DocumentKind(code="campaign_report", label=_("Campaign report"), build_default=_report_default,
                 sample_context=report_sample,
                 description=_("A special campaign's report: results per school, problems and rectification.")),
)

for _kind in KINDS:
    kinds.register(_kind)
