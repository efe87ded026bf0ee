"""Example checklists of special campaigns (专项督导), shipped as data like the national lists.

Two campaigns every county runs each year: the opening of term (开学工作专项督导, each spring and
autumn) and school safety (学校安全工作专项督导). No national checklist exists for either; these
follow the items county offices commonly publish (STANDARDS §5.2: 条例 第十一条(二) 安全卫生制度、
校舍安全, 第十三条 专项督导). They are marked as editable: an office copies one (``instrument_copy``)
and publishes its own version, as for the national routine lists.

Each item is a yes/no question worth points (``max_score``); the points of a list add up to 100, so
a self-check and the team's result are both scored out of 100 by ``instruments.scoring.score_tree``
(yes earns the points, no earns nothing). A last free-text item takes other remarks.
"""

from django.db import transaction

from dudao.instruments.models import Instrument, Item
from dudao.instruments.services import shipped_version

OPENING_CODE = "campaign-opening-of-term"
SAFETY_CODE = "campaign-school-safety"

# (section code, section text, [(item code, item text, points)])
OPENING_OF_TERM = {
    "code": OPENING_CODE,
    "name": "开学工作专项督导检查表（示例，可编辑）",
    "source": "《教育督导条例》第十一条、第十三条；各地开学工作专项督导通知的常见检查内容",
    "sections": [
        ("1", "开学准备", [
            ("1.1", "制定开学工作方案，明确责任分工，召开开学工作会议。", 10),
            ("1.2", "教材、教辅按时足量到位，做到“课前到书、人手一册”。", 10),
            ("1.3", "按国家课程方案和课程标准排定课表，开齐开足课程。", 10),
            ("1.4", "教师配备到位，无教师空岗、缺岗影响开课的情况。", 10),
        ]),
        ("2", "校园安全与卫生", [
            ("2.1", "开学前开展校舍、消防、用电、食堂等安全隐患排查并有整改记录。", 15),
            ("2.2", "落实传染病防控、晨午检和因病缺课追踪制度。", 10),
            ("2.3", "开展开学第一课安全教育，有记录、有照片。", 5),
        ]),
        ("3", "规范办学", [
            ("3.1", "严格执行招生入学政策，无违规招生、择校和乱收费。", 15),
            ("3.2", "落实控辍保学，学生报到率达标，未报到学生逐一劝返登记。", 10),
            ("3.3", "作息时间、作业管理符合“双减”和五项管理要求。", 5),
        ]),
    ],
}

SCHOOL_SAFETY = {
    "code": SAFETY_CODE,
    "name": "学校安全工作专项督导检查表（示例，可编辑）",
    "source": "《教育督导条例》第十一条（二）安全卫生制度、校舍安全；各地学校安全专项督导的常见检查内容",
    "sections": [
        ("1", "安全管理制度", [
            ("1.1", "建立校长负责的安全工作责任制，签订安全责任书。", 10),
            ("1.2", "制定突发事件应急预案，每学期至少组织一次应急疏散演练。", 10),
            ("1.3", "建立安全隐患排查台账，隐患整改闭环。", 10),
        ]),
        ("2", "校园安全防范", [
            ("2.1", "门卫值守、来访登记制度落实，配备专职保安和防护器械。", 10),
            ("2.2", "校园视频监控覆盖重点部位并正常运行，一键报警装置接入公安。", 10),
            ("2.3", "消防设施器材完好有效，疏散通道畅通。", 10),
        ]),
        ("3", "专项安全", [
            ("3.1", "食堂持证经营，落实食品留样、陪餐和进货查验制度。", 10),
            ("3.2", "开展防溺水、交通安全教育，落实家校告知书。", 10),
            ("3.3", "校车（接送车辆）管理规范，无超员、无资质车辆接送学生。", 10),
            ("3.4", "开展心理健康教育和欺凌防治工作，有排查记录。", 10),
        ]),
    ],
}

CAMPAIGN_CHECKLISTS = (OPENING_OF_TERM, SCHOOL_SAFETY)
OTHER_TEXT = "其他情况及说明。"


@transaction.atomic
def ensure_campaign_checklists() -> list[Instrument]:
    """Creates the example campaign checklists once (idempotent; runs after every migrate and flush)."""
    created = []
    for spec in CAMPAIGN_CHECKLISTS:
        version = shipped_version(
            code=spec["code"], name=spec["name"], kind=Instrument.Kind.CHECKLIST, audience=Instrument.Audience.SCHOOLS,
            source=spec["source"], description="专项督导检查表示例：各督导室可复制后按本地要求修改并发布。",
            notes="随平台发布（示例）")
        if version is None:
            continue
        position = 0
        for code, text, items in spec["sections"]:
            position += 1
            section = Item.objects.create(version=version, position=position, code=code, text=text,
                                          response_type=Item.ResponseType.SECTION)
            for item_code, item_text, points in items:
                position += 1
                Item.objects.create(version=version, parent=section, position=position, code=item_code,
                                    text=item_text, response_type=Item.ResponseType.YES_NO, max_score=points)
        Item.objects.create(version=version, position=position + 1, code=str(len(spec["sections"]) + 1),
                            text=OTHER_TEXT, response_type=Item.ResponseType.TEXT)
        created.append(version.instrument)
    return created
