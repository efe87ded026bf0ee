"""The documents of the monthly loop: built-in templates (GB/T 9704-2012 layout), complete sample
contexts, and the contexts built from the records.

* 督导通知书 ``visit_notice`` (numbered): the office tells the school of a visit, what will be
  checked and what to prepare (条例 第十七条 书面督导通知);
* 督导记录 ``visit_record``: the record form of a visit, the checklist answered item by item, the
  lessons observed, highlights and problems (规程 第三条 学校督导记录表);
* 督导报告 ``visit_report``: the inspector's report on one visit to the office (条例 第十五条);
* 整改通知书 ``rectification_notice``: the notice with its number, findings and deadline (条例 第二十一条);
* 整改回执/核查记录 ``rectification_reply``: the school's answers and the re-checks (条例 第二十二条);
* 通报 ``bulletin`` (numbered): the office's circular on a school that did not rectify (条例 第二十五条).

The context builders take rows the caller already read through the user's scope (the selectors)
and return plain data. Labels in the documents are written in Chinese here, not through the UI
catalogue: an official document reads the same whatever language the user's screen is in.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.documents import kinds, layout
from dudao.documents.kinds import DocumentKind
from dudao.documents.render import cn_date
from dudao.inspections.models import Escalation, Rectification, Visit
from dudao.inspections.selectors.visits import checklist_for_school, checklist_items, visit_answers
from dudao.instruments.models import Item
from dudao.organizations.selectors import office_of_school

METHODS = {"campus_walk": "校园巡视", "lesson": "随机听课", "records": "查阅资料", "meeting": "列席会议",
           "talks": "座谈走访", "questionnaire": "问卷调查"}
VISIT_KINDS = {"routine": "经常性督导", "follow_up": "回访督导"}
SEVERITIES = {"minor": "轻微", "general": "一般", "serious": "严重", "urgent": "重大安全隐患"}
RATINGS = {"excellent": "优秀", "good": "良好", "fair": "一般", "poor": "待改进"}
RESULTS = {"rectified": "已整改", "partial": "部分整改", "not_rectified": "未整改"}
NOTICE_STATES = {"issued": "已下发，待学校整改", "submitted": "学校已报送整改情况，待核查",
                 "returned": "核查未通过，已退回学校继续整改", "closed": "已整改到位，已销号"}
NONE = "无。"

# What the school prepares for each method of the visit (规程 第六条起: 校园巡视, 推门听课, 查阅资料 …)
PREPARE = {
    "campus_walk": "开放教学楼、功能室、食堂、宿舍、厕所等场所，安排熟悉情况的人员陪同巡视",
    "lesson": "当日课程表及任课教师安排（听课随机进行，不需另行准备课程）",
    "records": "学校工作计划与总结、规章制度、会议记录、学籍、收费、安全与食堂台账等有关资料",
    "meeting": "督导当日学校召开的会议安排，督学可列席",
    "talks": "便于与教师、学生、家长座谈的场所和名单",
    "questionnaire": "组织有关师生、家长填写问卷",
}
PREPARE_ALWAYS = "指定一名联络人全程配合，如实提供情况，不得拒绝和阻挠（《教育督导条例》第十二条）"

VISIT_SUBJECT_KINDS = ("visit_notice", "visit_record", "visit_report")
RECTIFICATION_SUBJECT_KINDS = ("rectification_notice", "rectification_reply")
ESCALATION_SUBJECT_KINDS = ("bulletin",)


# ---- plain pieces ----------------------------------------------------------------------------

def _text(value: str) -> str:
    return (value or "").strip() or NONE


def _lines(value: str) -> list[str]:
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    return lines or [NONE]


def _office(office) -> dict:
    if office is None:
        return {"name": "", "short_name": "", "hotline": "", "address": "", "email": ""}
    return {"name": office.name, "short_name": office.name, "hotline": office.hotline or "",
            "address": office.address or "", "email": office.email or ""}


def _school(school) -> dict:
    return {"name": school.name, "code": school.code, "address": school.address or "",
            "principal": school.principal_name or "", "liaison": school.liaison_name or "",
            "liaison_phone": school.liaison_phone or ""}


def _inspector(inspector) -> dict:
    return {"name": inspector.name, "phone": inspector.phone or "", "email": inspector.email or "",
            "certificate_no": inspector.certificate_no}


def _contact(inspector, office) -> str:
    parts = [f"责任督学{inspector['name']}"]
    if inspector["phone"]:
        parts[-1] += f"，电话{inspector['phone']}"
    if office["hotline"]:
        parts.append(f"{office['name'] or '督导室'}电话{office['hotline']}")
    return "；".join(parts) + "。"


def _methods(visit: Visit) -> str:
    return "、".join(METHODS.get(m, m) for m in visit.methods or []) or "校园巡视"


def _answer_text(row: dict) -> str:
    value = row["value"]
    if row["response_type"] == Item.ResponseType.SECTION:
        return ""
    if value is None or value == "" or value == []:
        return "未填"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _finding(finding, no: int) -> dict:
    item = finding.item
    return {
        "no": no, "item_code": finding.item_code or (item.code if item else ""),
        "item": item.text if item else (finding.item_code or "其他"), "text": finding.description,
        "severity": SEVERITIES.get(finding.severity, finding.severity), "found_on": cn_date(finding.found_on),
    }


def _today() -> datetime.date:
    return timezone.localdate()


# ---- contexts from the records -------------------------------------------------------------------

def _sentence(value: str) -> str:
    text = _text(value)
    return text if text[-1] in "。！？；.!?" else text + "。"


def _visit_base(visit: Visit, office) -> dict:
    office_data = _office(office)
    inspector = _inspector(visit.inspector)
    return {
        "office": office_data, "school": _school(visit.school), "inspector": inspector,
        "inspectors": inspector["name"], "contact": _contact(inspector, office_data),
        "visit": {"date": cn_date(visit.date), "kind": VISIT_KINDS.get(visit.kind, visit.kind),
                  "methods": _methods(visit), "purpose": _sentence(visit.purpose)},
    }


def visit_notice_context(visit: Visit, *, office=None, date: datetime.date | None = None) -> dict:
    """督导通知书: the school, the date, the inspector, the purpose, the checklist items to be checked
    and what the school should prepare."""
    office = office or office_of_school(visit.school)
    version = visit.checklist or checklist_for_school(school=visit.school)
    items = [{"no": n, "code": i.code, "text": i.text}
             for n, i in enumerate((i for i in checklist_items(version) if not i.is_section), start=1)]
    prepare = [PREPARE[m] for m in visit.methods or [] if m in PREPARE] + [PREPARE_ALWAYS]
    return {  # no "number": the engine gives the notice its number
        **_visit_base(visit, office),
        "checklist": {"name": version.instrument.name if version else "经常性督导事项"},
        "items": items or [{"no": 1, "code": "", "text": _text(visit.purpose)}],
        "prepare": [{"no": n, "text": text} for n, text in enumerate(prepare, start=1)],
        "date": cn_date(date or _today()),
    }


def _answers(visit: Visit) -> list[dict]:
    rows = []
    for row in visit_answers(visit=visit):
        section = row["response_type"] == Item.ResponseType.SECTION
        rows.append({"code": row["code"], "text": row["text"], "result": _answer_text(row),
                     "note": row["note"] or "", "is_section": section,
                     "is_problem": bool(row["is_problem"])})
    return rows


def _lessons(visit: Visit) -> list[dict]:
    return [{"no": n, "class_name": lesson.class_name, "subject": lesson.subject, "teacher": lesson.teacher,
             "topic": lesson.topic or "", "rating": RATINGS.get(lesson.rating, lesson.rating),
             "comments": lesson.comments or ""}
            for n, lesson in enumerate(visit.lessons.all(), start=1)]


def _visit_findings(visit: Visit) -> list:
    return list(visit.findings.select_related("item").order_by("found_on", "pk"))  # scope: the findings of a visit read through the user's scope


def visit_record_context(visit: Visit, *, office=None) -> dict:
    """督导记录: the visit's facts, every checklist item in order with its answer and note, the
    lessons observed, highlights, problems and the findings recorded on the visit."""
    office = office or office_of_school(visit.school)
    findings = _visit_findings(visit)
    return {
        **_visit_base(visit, office), "number": "",
        "checklist": {"name": visit.checklist.instrument.name if visit.checklist_id else "未使用检查表"},
        "answers": _answers(visit) or [{"code": "", "text": "（未使用检查表）", "result": "", "note": "",
                                         "is_section": False, "is_problem": False}],
        "lessons": _lessons(visit),
        "highlights": _lines(visit.highlights), "problems": _lines(visit.problems),
        "feedback": _lines(visit.feedback),
        "findings": [_finding(f, n) for n, f in enumerate(findings, start=1)],
        "date": cn_date(visit.date),
    }


def visit_report_context(visit: Visit, *, office=None, date: datetime.date | None = None) -> dict:
    """督导报告 on one visit: overview, what was checked, highlights, problems and the rectification
    notices issued on its findings."""
    office = office or office_of_school(visit.school)
    findings = _visit_findings(visit)
    answers = [a for a in _answers(visit) if not a["is_section"]]
    notices = []
    for finding in findings:
        for notice in finding.rectifications.order_by("issued_on", "pk"):  # scope: the notices of a finding in scope
            notices.append({
                "no": len(notices) + 1, "number": notice.number or "", "finding": finding.description,
                "requirements": notice.requirements, "deadline": cn_date(notice.deadline),
                "status": NOTICE_STATES.get(notice.status, notice.status),
            })
    submitted = timezone.localdate(visit.submitted_at) if visit.submitted_at else None
    return {
        **_visit_base(visit, office), "number": "",
        "checklist": {"name": visit.checklist.instrument.name if visit.checklist_id else "经常性督导事项"},
        "counts": {"checked": len(answers), "problems": sum(a["is_problem"] for a in answers),
                   "lessons": len(visit.lessons.all()), "findings": len(findings), "notices": len(notices)},
        "answers": answers or [{"code": "", "text": "（未使用检查表）", "result": "", "note": "",
                                "is_section": False, "is_problem": False}],
        "highlights": _lines(visit.highlights), "problems": _lines(visit.problems),
        "feedback": _lines(visit.feedback),
        "findings": [_finding(f, n) for n, f in enumerate(findings, start=1)],
        "rectifications": notices,
        "date": cn_date(date or submitted or _today()),
    }


def _rectification_base(rectification: Rectification, office) -> dict:
    finding = rectification.finding
    return {
        "office": _office(office), "school": _school(rectification.school),
        "number": rectification.number or "",
        "notice": {"number": rectification.number or "", "issued_on": cn_date(rectification.issued_on),
                   "deadline": cn_date(rectification.deadline),
                   "status": NOTICE_STATES.get(rectification.status, rectification.status)},
        "findings": [_finding(finding, 1)],
        "requirements": rectification.requirements, "requirement_lines": _lines(rectification.requirements),
        "deadline": cn_date(rectification.deadline),
        "visit_date": cn_date(finding.visit.date) if finding.visit_id else cn_date(finding.found_on),
    }


def rectification_notice_context(rectification: Rectification, *, office=None) -> dict:
    """整改通知书: number, school, the finding with its checklist item and severity, the deadline,
    the requirements, the issuing office and date."""
    office = office or office_of_school(rectification.school)
    return {**_rectification_base(rectification, office), "date": cn_date(rectification.issued_on)}


def _evidence(response) -> str:
    files = [f"{a.original_name}（SHA-256 {a.sha256[:12]}）" for a in response.attachments.all()]
    return "；".join(files) or "无"


def rectification_reply_context(rectification: Rectification, *, office=None,
                                date: datetime.date | None = None) -> dict:
    """整改回执/核查记录: the school's answers (measures, date, evidence with SHA-256) and the re-checks
    (result, inspector, date, remarks), and where the notice stands."""
    office = office or office_of_school(rectification.school)
    responses = [
        {"no": n, "date": cn_date(timezone.localdate(r.submitted_at)), "measures": r.measures,
         "by": r.submitted_by.full_name or r.submitted_by.username, "evidence": _evidence(r)}
        for n, r in enumerate(rectification.responses.all(), start=1)
    ]
    rechecks = [
        {"no": n, "date": cn_date(c.checked_on), "result": RESULTS.get(c.result, c.result),
         "by": c.checked_by.full_name or c.checked_by.username, "remarks": c.remarks or "",
         "closed": "是" if c.closed else "否"}
        for n, c in enumerate(rectification.rechecks.all(), start=1)
    ]
    return {
        **_rectification_base(rectification, office),
        "responses": responses or [{"no": "", "date": "", "measures": "学校尚未报送整改情况", "by": "",
                                    "evidence": ""}],
        "rechecks": rechecks or [{"no": "", "date": "", "result": "尚未核查", "by": "", "remarks": "",
                                  "closed": ""}],
        "status": NOTICE_STATES.get(rectification.status, rectification.status),
        "closed_on": cn_date(rectification.closed_on) if rectification.closed_on else "",
        "date": cn_date(date or _today()),
    }


def bulletin_context(escalation: Escalation, *, office=None) -> dict:
    """通报 (通报批评): the office names the school, the notice it did not rectify in time or
    rectified badly, and what is now required."""
    rectification = escalation.rectification
    office = office or office_of_school(rectification.school)
    base = _rectification_base(rectification, office)
    failed = rectification.rechecks.exclude(result="rectified").order_by("-checked_on", "-pk").first()  # scope: re-checks of a notice in scope
    if rectification.status == Rectification.Status.RETURNED and failed is not None:
        reason = (f"{cn_date(failed.checked_on)}经核查，该校整改结果为“{RESULTS.get(failed.result, failed.result)}”，"
                  "整改不到位")
    else:
        reason = f"截至{cn_date(escalation.date)}，该校逾期未完成整改"
    del base["number"]  # the bulletin's own number comes from the engine; the notice's is notice.number
    return {
        **base,
        "escalation": {"date": cn_date(escalation.date), "kind": "通报批评",
                       "note_lines": _lines(escalation.note) if escalation.note.strip() else []},
        "reason": reason,
        "date": cn_date(escalation.date),
    }


# ---- built-in templates --------------------------------------------------------------------------

def _findings_table(doc) -> None:
    """The findings (``findings``: no, item, text, severity) as one table row each."""
    layout.add_table(doc, ["序号", "督导事项", "问题", "严重程度"],
                     ["{{ f.no }}", "{{ f.item }}", "{{ f.text }}", "{{ f.severity }}"], loop="f in findings",
                     widths_mm=[14, 50, 68, 24])


def _answers_table(doc) -> None:
    """The checklist answers (``answers``: code, text, result, note) as one table row each."""
    layout.add_table(doc, ["编号", "督导事项", "检查结果", "说明"],
                     ["{{ a.code }}", "{{ a.text }}", "{{ a.result }}", "{{ a.note }}"], loop="a in answers",
                     widths_mm=[14, 76, 26, 40])


def _visit_notice_default():
    doc = layout.issued_document()
    layout.add_letter_title(doc, "督导通知书", "{{ school.name }}")
    layout.add_body(doc, "根据《教育督导条例》和《中小学校责任督学挂牌督导办法》，责任督学{{ inspector.name }}"
                         "（督学证号：{{ inspector.certificate_no }}）定于{{ visit.date }}到你校开展"
                         "{{ visit.kind }}。现将有关事项通知如下：")
    layout.add_section(doc, "一、督导目的", "{{ visit.purpose }}")
    layout.add_section(doc, "二、督导方式", "{{ visit.methods }}。")
    layout.add_section(doc, "三、督导事项", "对照《{{ checklist.name }}》，重点了解以下情况：")
    layout.add_table(doc, ["序号", "督导事项"], ["{{ i.no }}", "{{ i.text }}"], loop="i in items",
                     widths_mm=[20, 136])
    layout.add_heading(doc, "四、请学校准备")
    layout.add_loop(doc, "p in prepare", ["{{ p.no }}．{{ p.text }}。"])
    layout.add_section(doc, "五、联系方式", "{{ contact }}")
    return layout.signed(doc)


def _visit_record_default():
    doc = layout.new_document()
    layout.add_title(doc, "责任督学督导记录")
    layout.add_fields(doc, [
        ("学校", "{{ school.name }}"), ("督导日期", "{{ visit.date }}"), ("督导类型", "{{ visit.kind }}"),
        ("责任督学", "{{ inspectors }}"), ("督导方式", "{{ visit.methods }}"), ("督导目的", "{{ visit.purpose }}"),
        ("检查表", "{{ checklist.name }}"),
    ])
    layout.add_heading(doc, "一、督导事项检查情况")
    _answers_table(doc)
    layout.add_heading(doc, "二、听课情况")
    layout.add_table(doc, ["序号", "班级", "学科", "教师", "课题", "评价", "意见"],
                     ["{{ l.no }}", "{{ l.class_name }}", "{{ l.subject }}", "{{ l.teacher }}", "{{ l.topic }}",
                      "{{ l.rating }}", "{{ l.comments }}"], loop="l in lessons",
                     widths_mm=[14, 20, 18, 18, 32, 18, 36])
    layout.add_section(doc, "三、亮点与经验", lines="highlights")
    layout.add_section(doc, "四、发现的问题", lines="problems")
    _findings_table(doc)
    layout.add_section(doc, "五、现场反馈意见", lines="feedback")
    layout.add_signature(doc, "责任督学：{{ inspectors }}", "{{ date }}")
    return doc


def _visit_report_default():
    doc = layout.new_document()
    layout.add_letter_title(doc, "关于{{ school.name }}经常性督导情况的报告", "{{ office.name }}")
    layout.add_body(doc, "{{ visit.date }}，责任督学{{ inspector.name }}采取{{ visit.methods }}等方式，对"
                         "{{ school.name }}开展了{{ visit.kind }}。现将有关情况报告如下。")
    layout.add_section(doc, "一、基本情况",
                       "本次督导的目的：{{ visit.purpose }}对照《{{ checklist.name }}》检查{{ counts.checked }}项，"
                       "其中{{ counts.problems }}项存在问题；随机听课{{ counts.lessons }}节；记录问题"
                       "{{ counts.findings }}个，下发整改通知书{{ counts.notices }}份。")
    layout.add_heading(doc, "二、检查情况")
    _answers_table(doc)
    layout.add_section(doc, "三、主要亮点", lines="highlights")
    layout.add_section(doc, "四、存在问题", lines="problems")
    _findings_table(doc)
    layout.add_heading(doc, "五、整改要求")
    layout.add_table(doc, ["序号", "通知书编号", "问题", "整改要求", "期限", "状态"],
                     ["{{ r.no }}", "{{ r.number }}", "{{ r.finding }}", "{{ r.requirements }}", "{{ r.deadline }}",
                      "{{ r.status }}"], loop="r in rectifications", widths_mm=[14, 28, 34, 36, 22, 22])
    layout.add_section(doc, "六、现场反馈意见", lines="feedback")
    layout.add_signature(doc, "责任督学：{{ inspector.name }}", "{{ date }}")
    return doc


def _rectification_notice_default():
    doc = layout.issued_document()
    layout.add_letter_title(doc, "整改通知书", "{{ school.name }}")
    layout.add_body(doc, "{{ visit_date }}，责任督学在对你校开展督导时发现以下问题：")
    _findings_table(doc)
    layout.add_body(doc, "根据《教育督导条例》第二十一条、第二十二条，现通知你校限期整改。")
    layout.add_section(doc, "一、整改要求", lines="requirement_lines")
    layout.add_section(doc, "二、整改期限",
                       "请于{{ deadline }}前完成整改，并将整改情况（整改措施及佐证材料）报送本室。逾期未整改或"
                       "整改不到位的，将依据《教育督导条例》第二十五条予以通报批评并责令改正。")
    return layout.signed(doc)


def _rectification_reply_default():
    doc = layout.new_document()
    layout.add_title(doc, "整改回执及核查记录")
    layout.add_fields(doc, [
        ("通知书编号", "{{ notice.number }}"), ("学校", "{{ school.name }}"), ("下发日期", "{{ notice.issued_on }}"),
        ("整改期限", "{{ deadline }}"), ("当前状态", "{{ status }}"),
    ])
    _findings_table(doc)
    layout.add_heading(doc, "一、学校整改情况")
    layout.add_table(doc, ["序号", "报送日期", "整改措施", "报送人", "佐证材料"],
                     ["{{ r.no }}", "{{ r.date }}", "{{ r.measures }}", "{{ r.by }}", "{{ r.evidence }}"],
                     loop="r in responses", widths_mm=[14, 26, 52, 20, 44])
    layout.add_heading(doc, "二、核查情况")
    layout.add_table(doc, ["序号", "核查日期", "核查结果", "核查人", "核查意见", "销号"],
                     ["{{ c.no }}", "{{ c.date }}", "{{ c.result }}", "{{ c.by }}", "{{ c.remarks }}",
                      "{{ c.closed }}"], loop="c in rechecks", widths_mm=[14, 26, 24, 20, 56, 16])
    layout.add_body(doc, "当前状态：{{ status }}。")
    return layout.signed(doc)


def _bulletin_default():
    doc = layout.issued_document()
    layout.add_letter_title(doc, "关于{{ school.name }}未按期整改督导问题的通报", "各中小学校、幼儿园")
    layout.add_body(doc, "{{ notice.issued_on }}，本室向{{ school.name }}下发整改通知书（{{ notice.number }}），"
                         "要求其于{{ deadline }}前完成整改。{{ reason }}。")
    _findings_table(doc)
    layout.add_body(doc, "根据《教育督导条例》第二十五条，决定对{{ school.name }}予以通报批评，并责令改正。")
    layout.add_section(doc, "一、有关要求",
                       "{{ school.name }}要深刻剖析原因，立即按整改通知书的要求整改到位，并将整改情况书面报送本室。",
                       lines="escalation.note_lines")
    layout.add_body(doc, "各学校要引以为戒，举一反三，认真对照督导事项开展自查，确保督导发现的问题按期整改到位。")
    return layout.signed(doc)


# ---- complete sample contexts --------------------------------------------------------------------

def _sample_base() -> dict:
    office = {"name": "示范县人民政府教育督导室", "short_name": "示范县人民政府教育督导室", "hotline": "0791-12345678",
              "address": "示范县人民路1号", "email": "dudao@example.cn"}
    inspector = {"name": "张明", "phone": "13800000000", "email": "zhangming@example.cn",
                 "certificate_no": "360101-001"}
    return {
        "office": office,
        "school": {"name": "示范县第一小学", "code": "3601010001", "address": "示范县学府路8号", "principal": "李华",
                   "liaison": "王芳", "liaison_phone": "13900000000"},
        "inspector": inspector, "inspectors": "张明", "contact": _contact(inspector, office),
        "visit": {"date": "2026年3月5日", "kind": "经常性督导", "methods": "校园巡视、随机听课、查阅资料",
                  "purpose": "开学工作检查。"},
        "checklist": {"name": "中小学校责任督学经常性督导事项"},
        "date": "2026年3月5日", "number": "",
    }


def _sample_findings() -> list[dict]:
    return [{"no": 1, "item_code": "7", "item": "食堂、食品、饮水及宿舍卫生情况。", "text": "食堂留样记录不全",
             "severity": "一般", "found_on": "2026年3月5日"}]


def _sample_answers() -> list[dict]:
    return [
        {"code": "1", "text": "校务管理和制度执行情况。", "result": "正常", "note": "", "is_section": False,
         "is_problem": False},
        {"code": "7", "text": "食堂、食品、饮水及宿舍卫生情况。", "result": "存在问题", "note": "留样记录缺3天",
         "is_section": False, "is_problem": True},
    ]


def visit_notice_sample() -> dict:
    return {
        **_sample_base(), "number": "示范教督〔2026〕1号",
        "items": [{"no": 1, "code": "1", "text": "校务管理和制度执行情况。"},
                  {"no": 2, "code": "7", "text": "食堂、食品、饮水及宿舍卫生情况。"}],
        "prepare": [{"no": 1, "text": PREPARE["records"]}, {"no": 2, "text": PREPARE_ALWAYS}],
    }


def visit_record_sample() -> dict:
    return {
        **_sample_base(), "answers": _sample_answers(),
        "lessons": [{"no": 1, "class_name": "三(2)班", "subject": "数学", "teacher": "王老师", "topic": "分数的初步认识",
                     "rating": "良好", "comments": "板书清晰"}],
        "highlights": ["课后服务形式多样。"], "problems": ["食堂留样记录不全。"], "feedback": ["已当场反馈校长。"],
        "findings": _sample_findings(),
    }


def visit_report_sample() -> dict:
    return {
        **visit_record_sample(),
        "counts": {"checked": 2, "problems": 1, "lessons": 1, "findings": 1, "notices": 1},
        "rectifications": [{"no": 1, "number": "示范督整〔2026〕1号", "finding": "食堂留样记录不全",
                            "requirements": "一周内补齐留样记录", "deadline": "2026年4月4日", "status": "已下发，待学校整改"}],
    }


def _sample_rectification() -> dict:
    base = _sample_base()
    return {
        "office": base["office"], "school": base["school"], "number": "示范督整〔2026〕1号",
        "notice": {"number": "示范督整〔2026〕1号", "issued_on": "2026年3月5日", "deadline": "2026年4月4日",
                   "status": "已下发，待学校整改"},
        "findings": _sample_findings(), "requirements": "一周内补齐留样记录并报送整改报告",
        "requirement_lines": ["一周内补齐留样记录并报送整改报告"], "deadline": "2026年4月4日",
        "visit_date": "2026年3月5日", "date": "2026年3月5日",
    }


def rectification_notice_sample() -> dict:
    return _sample_rectification()


def rectification_reply_sample() -> dict:
    return {
        **_sample_rectification(),
        "responses": [{"no": 1, "date": "2026年3月20日", "measures": "已补齐留样记录，专人负责", "by": "王芳",
                       "evidence": "留样记录.jpg（SHA-256 3b2c1a0f9e8d）"}],
        "rechecks": [{"no": 1, "date": "2026年3月28日", "result": "已整改", "by": "张明", "remarks": "复查合格",
                      "closed": "是"}],
        "status": "已整改到位，已销号", "closed_on": "2026年3月28日",
    }


def bulletin_sample() -> dict:
    return {
        **_sample_rectification(), "number": "示范教督〔2026〕2号",
        "escalation": {"date": "2026年4月10日", "kind": "通报批评", "note_lines": ["4月20日前报送整改报告。"]},
        "reason": "截至2026年4月10日，该校逾期未完成整改", "date": "2026年4月10日",
    }


# ---- registration --------------------------------------------------------------------------------

KINDS = (
    DocumentKind(code="visit_notice", label=_("Supervision notice"), build_default=_visit_notice_default,
                 sample_context=visit_notice_sample, numbered=True,
                 description=_("Tells a school of a visit: date, inspector, purpose, items, what to prepare.")),
    DocumentKind(code="visit_record", label=_("Supervision record"), build_default=_visit_record_default,
                 sample_context=visit_record_sample,
                 description=_("A visit's record: checklist answers, lessons observed, highlights, problems.")),
    DocumentKind(code="visit_report", label=_("Supervision report on a visit"), build_default=_visit_report_default,
                 sample_context=visit_report_sample,
                 description=_("The inspector's report on one visit to the office.")),
    DocumentKind(code="rectification_notice", label=_("Rectification notice"),
                 build_default=_rectification_notice_default, sample_context=rectification_notice_sample,
                 description=_("The notice to a school: findings, requirements and deadline.")),
    DocumentKind(code="rectification_reply", label=_("Rectification reply and re-check record"),
                 build_default=_rectification_reply_default, sample_context=rectification_reply_sample,
                 description=_("The school's answers with their evidence and the inspector's re-checks.")),
    DocumentKind(code="bulletin", label=_("Bulletin"), build_default=_bulletin_default,
                 sample_context=bulletin_sample, numbered=True,
                 description=_("The office's public criticism of a school that did not rectify.")),
)

for _kind in KINDS:
    kinds.register(_kind)
