"""The assessment questionnaire shipped as data (督学考核评价表), loaded after every migrate and
flush; an office copies it in the instruments pages to adapt it and picks its copy in the
assessment weighting. Items follow what 《督学管理暂行办法》 asks offices to oversee (STANDARDS §6:
conduct during supervision, reports, feedback and follow-up of rectification, training) and the
practice of self, peer and school ratings; each is rated on five levels from 差 to 优秀."""

from django.db import transaction

from dudao.instruments.models import Instrument, Item
from dudao.instruments.services import shipped_version

CODE = "national-inspector-assessment"
LEVELS = ["差", "较差", "一般", "良好", "优秀"]
ITEMS = [
    ("1", "履职尽责：按要求开展经常性督导，每月到校，督导事项全面。"),
    ("2", "依规督导：实施督导时遵守有关规定，客观公正，回避要求落实到位。"),
    ("3", "问题发现与反馈：发现问题准确，督导意见反馈及时、具体、可操作。"),
    ("4", "督促整改：跟踪整改落实，按期复查，问题必整改、整改必落实。"),
    ("5", "报告撰写：按时撰写并提交督导记录和督导报告，内容真实、质量较高。"),
    ("6", "沟通协作：与学校、家长及同事沟通顺畅，及时回应诉求和投诉。"),
    ("7", "廉洁自律：遵守工作纪律，廉洁从业，维护督学形象。"),
    ("8", "学习提升：积极参加培训，业务能力和信息技术应用能力不断提高。"),
]
COMMENT = ("9", "意见和建议。")


@transaction.atomic
def ensure_assessment_instrument() -> Instrument:
    """Creates the shipped questionnaire once (idempotent) and returns it."""
    version = shipped_version(
        code=CODE, name="督学考核评价表", kind=Instrument.Kind.QUESTIONNAIRE, audience=Instrument.Audience.ANY,
        source="《督学管理暂行办法》（教督〔2016〕2号）第五章 考核；自评、互评、学校评价",
        description="自评、同事互评和挂牌学校评价共用；每项五级评分。",
    )
    if version is None:
        return Instrument.objects.get(office__isnull=True, code=CODE)  # scope: the shipped instrument
    Item.objects.bulk_create(
        [Item(version=version, position=i, code=code, text=text, response_type=Item.ResponseType.RATING,
              options=LEVELS, required=True) for i, (code, text) in enumerate(ITEMS, start=1)]
        + [Item(version=version, position=len(ITEMS) + 1, code=COMMENT[0], text=COMMENT[1],
                response_type=Item.ResponseType.TEXT)]
    )
    return version.instrument
