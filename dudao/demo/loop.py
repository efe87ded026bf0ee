"""A year of the monthly supervision loop in the demo county, written through the real services.

``build_demo`` calls, after the reference data and the demo accounts exist:

* ``inspector_accounts`` — a sign-in account (``inspector02`` …, by the inspector's serial) for
  every demo inspector without one, with the inspector role granted by ``membership_grant``;
* ``deadline_policies_set`` — the office's days to rectify per severity (``deadline_policy_set``);
* ``load_loop`` — the last twelve months up to today:

  - visits: every school of the county by its listed inspector about once a month (fewer in
    February, July and August, the holidays; some months missed, so coverage shows gaps; this month
    about two thirds so far), each saved as a draft and submitted by the inspector's own account
    (``visit_save_draft`` with a ``client_uuid`` drawn from the seed, ``visit_submit``), with methods,
    the month's theme, checklist answers (mostly 正常, some 存在问题 with a note), highlights, problems,
    feedback, 0–2 lessons and a few photos; two drafts of ``inspector`` stay unsubmitted;
  - about forty findings on checklist items of those visits (``finding_record``), and their notices
    (``rectification_issue`` with the office's deadlines) taken through every state: answered by the
    school's liaison account (``liaison_<code>``, created with the school's first notice),
    re-checked and closed (serious ones on a follow-up visit), returned and answered again, left
    overdue, escalated by the office (约谈, 通报批评);
  - the overdue alerts ``dudao escalate_overdue`` would have sent (``overdue_alerts_send``).

Every choice comes from the ``rng`` handed in, consumed in a fixed order, and every date from
``today``: the same seed on the same day gives the same texts and dates. The services date what
they accept (visit dates, ``found_on``, ``issued_on``, ``checked_on``, escalation dates); the
moments they stamp with the clock (a visit's or an answer's ``submitted_at``, a re-check's or an
escalation's ``recorded_at``) are then set back to the story's day, so pages and the timeline read
in order. The audit trail keeps the real time of writing.
"""

import calendar
import datetime
import io
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone
from PIL import Image, ImageDraw

from dudao.accounts.models import Role, User
from dudao.accounts.services import membership_grant
from dudao.demo.plans import MONTH_THEMES
from dudao.inspections.models import (
    Attachment,
    Escalation,
    Finding,
    LessonObservation,
    Method,
    Recheck,
    Rectification,
    RectificationResponse,
    Severity,
    Visit,
)
from dudao.inspections.selectors.visits import checklists_for_schools
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import (
    deadline_policy_set,
    overdue_alerts_send,
    rectification_close,
    rectification_escalate,
    rectification_issue,
    rectification_return,
    rectification_submit,
)
from dudao.inspections.services.visits import visit_attachment_add, visit_save_draft, visit_submit
from dudao.inspectors.models import Inspector, Listing
from dudao.instruments.models import Item, Response
from dudao.organizations.models import School
from dudao.organizations.working_days import WorkingCalendar

# the demo's name pools
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方邹熊秦邱江尹雷侯龙黎贺顾毛龚邵万严戴"
)
GIVEN_MALE = (
    "建华", "志刚", "国平", "文斌", "海涛", "俊杰", "晓东", "立新", "振华", "伟", "强", "军", "勇", "磊", "斌",
    "明辉", "宏伟", "建军", "卫东", "长青", "春生", "金林", "正平", "光明", "文军", "永福", "德华", "国庆",
    "红兵", "学文", "子龙", "家明", "志远", "成林", "庆丰", "新民", "少华", "世杰", "治国", "雪松",
)
GIVEN_FEMALE = (
    "丽", "静", "敏", "燕", "芳", "娟", "霞", "秀英", "桂兰", "晓梅", "丽华", "红梅", "淑芬", "春燕", "雪梅",
    "玉兰", "慧敏", "海燕", "婷", "颖", "秀珍", "凤英", "丽萍", "晓红", "美玲", "艳", "玲", "小芳", "文静",
    "素琴", "冬梅", "月华", "佳慧", "晓燕", "翠萍", "金凤", "雅琴", "慧",
)

S = Severity
DEADLINE_DAYS = {S.MINOR: 30, S.GENERAL: 30, S.SERIOUS: 15, S.URGENT: 3}  # 一般 30 天, 严重 15 天, 重大安全隐患 3 天
NORMAL, PROBLEM = "正常", "存在问题"


# ---- accounts -----------------------------------------------------------------------------------

def inspector_username(serial: int) -> str:
    return f"inspector{serial:02d}"


def liaison_username(school: School) -> str:
    return f"liaison_{school.code}"


def inspector_accounts(*, admin, office, inspectors: list[Inspector], password: str,
                       valid_from: datetime.date) -> list[User]:
    """Gives every inspector without an account one (``inspectorNN`` after their serial), the
    inspector role granted through ``membership_grant``; ``password`` is the hashed demo password."""
    created = []
    for serial, inspector in enumerate(inspectors, start=1):
        if inspector.user_id:
            continue
        user = User.objects.create(username=inspector_username(serial), full_name=inspector.name,
                                   password=password, phone=inspector.phone, email=inspector.email)
        membership_grant(actor=admin, username=user.username, role=Role.INSPECTOR, office=office,
                         valid_from=valid_from)
        inspector.user = user
        inspector.save(update_fields=["user", "updated_at"])
        created.append(user)
    return created


def liaison_account(*, admin, office, school: School, password: str, valid_from: datetime.date) -> User:
    """The school's liaison account: the first current one, else a new ``liaison_<code>``."""
    existing = (User.objects.filter(memberships__school=school, memberships__role=Role.SCHOOL_LIAISON)
                .order_by("pk").first())
    if existing is not None:
        return existing
    user = User.objects.create(username=liaison_username(school), full_name=school.liaison_name,
                               password=password, phone=school.liaison_phone)
    membership_grant(actor=admin, username=user.username, role=Role.SCHOOL_LIAISON, office=office, school=school,
                     valid_from=valid_from)
    return User.objects.get(pk=user.pk)


def deadline_policies_set(*, admin, office) -> None:
    for severity, days in DEADLINE_DAYS.items():
        deadline_policy_set(actor=admin, office_id=office.pk, severity=severity, days=days)


# ---- what an inspector sees and writes ---------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """A problem under one checklist item, with the notice it calls for and the school's answer."""

    code: str  # checklist item
    severity: str
    description: str
    requirement: str
    measures: str


SCHOOL_PROBLEMS = (
    Problem("1", S.GENERAL, "校务公开栏内容未及时更新，本学期收费和课后服务信息未公示",
            "及时更新校务公开栏，公示本学期收费项目、标准和课后服务安排",
            "已更新校务公开栏，补充公示收费项目和课后服务安排，并在学校公众号同步发布"),
    Problem("1", S.MINOR, "教师请销假手续不全，考勤记录与实际到岗情况不符",
            "完善教师考勤和请销假制度，规范登记",
            "修订教师考勤制度，实行请销假审批登记，由办公室每周核对"),
    Problem("2", S.GENERAL, "代收代办费用未在校门口公示栏公示",
            "在校门口公示栏和家长群公示代收代办项目、标准和依据，接受家长监督",
            "已在校门口公示栏和各班家长群公示代收代办项目和标准，设立监督电话"),
    Problem("2", S.SERIOUS, "课后服务收费未见家长自愿申请材料",
            "逐班核查课后服务参加学生的家长自愿申请，补齐材料；不愿参加的学生不得收费",
            "已逐班核对，补齐家长自愿申请书，退还两名学生的费用"),
    Problem("3", S.GENERAL, "课表中科学课时不足，三年级每周仅安排1节",
            "按国家课程方案开齐开足科学课程，调整课表并报备",
            "已调整课表，三至六年级科学课每周2节，新课表已公示并报中心校备案"),
    Problem("3", S.GENERAL, "音乐、美术课被语文、数学挤占",
            "严格执行课表，不得挤占音体美课时，加强课表执行情况巡查",
            "召开教师会重申课程纪律，教务处每日巡课并记录，音乐、美术课已恢复正常"),
    Problem("4", S.SERIOUS, "作业总量超标，抽查五年级学生书面作业时间超过60分钟",
            "落实“双减”作业管理要求，建立作业公示和年级统筹制度，控制书面作业总量",
            "建立年级作业统筹和每日作业公示制度，作业量由年级组长审核，附两周作业公示记录"),
    Problem("4", S.GENERAL, "学生每天校内体育活动不足1小时，大课间时间被压缩",
            "保障学生每天校内体育活动时间不少于1小时，规范大课间活动",
            "调整作息时间，大课间恢复为30分钟，每天安排体育课或体育活动课"),
    Problem("5", S.SERIOUS, "有家长反映个别教师组织学生有偿补课",
            "调查核实，开展师德警示教育，全体教师签订拒绝有偿补课承诺书",
            "经调查核实，已对相关教师批评教育并退还费用，全校教师签订承诺书"),
    Problem("5", S.MINOR, "教师继续教育学时登记不完整",
            "完善教师继续教育学时登记和培训档案",
            "已补齐本学年教师培训学时登记，建立电子培训档案"),
    Problem("6", S.SERIOUS, "消防通道堆放杂物（课桌椅、纸箱），影响疏散",
            "立即清理消防通道，建立每日安全巡查制度",
            "已清理消防通道内的课桌椅和纸箱，落实每日巡查并建立巡查记录"),
    Problem("6", S.SERIOUS, "教学楼部分灭火器压力不足，已过检验期",
            "更换或检修过期灭火器，建立消防器材月检台账",
            "已联系消防器材公司更换灭火器18具，建立月检台账"),
    Problem("6", S.URGENT, "东侧围墙局部开裂倾斜，存在倒塌隐患",
            "立即设置警示标志和隔离设施，三日内完成加固或拆除重建",
            "已设置隔离围挡和警示标志，施工队已完成围墙加固"),
    Problem("6", S.GENERAL, "校门口护学岗人员上岗不及时，放学时段交通秩序混乱",
            "落实上下学时段护学岗制度，协调交警和家长志愿者维护交通秩序",
            "调整护学岗值班表，行政人员带班，协调交警中队在放学时段定点执勤"),
    Problem("6", S.GENERAL, "本学期未开展应急疏散演练，演练记录不全",
            "每学期开展不少于一次应急疏散演练，完善方案和记录",
            "已组织全校应急疏散演练，完善演练方案、记录和照片"),
    Problem("7", S.GENERAL, "食堂留样记录不全，部分餐次留样不足125克",
            "严格执行食品留样制度，每餐次留样不少于125克并保存48小时以上，专人记录",
            "已购置留样盒和专用冰箱，指定专人负责留样和登记，校长每周检查"),
    Problem("7", S.SERIOUS, "两名食堂从业人员健康证已过期",
            "过期人员暂停上岗，尽快办理健康证，建立健康证到期提醒台账",
            "两名从业人员已体检并取得新健康证，建立健康证到期提醒台账"),
    Problem("7", S.GENERAL, "食堂索证索票资料不全，蔬菜进货无票据",
            "规范食材采购索证索票，建立进货查验记录",
            "与供货商补签供货协议，每批次食材索取票据并登记进货查验台账"),
    Problem("7", S.URGENT, "学生宿舍一楼安全出口被锁闭",
            "立即打开安全出口并保持畅通，加强夜间值班巡查",
            "已拆除安全出口门锁，改装推杠锁，宿管员每晚巡查并记录"),
    Problem("8", S.MINOR, "走廊文化布置陈旧，部分展板破损",
            "更新校园文化布置，及时更换破损展板",
            "已更换破损展板，结合学校办学理念重新布置走廊文化"),
)

KINDERGARTEN_PROBLEMS = (
    Problem("1", S.SERIOUS, "户外大型玩具部分螺丝松动，滑梯护栏有破损",
            "立即停用存在隐患的玩具，完成检修，建立户外设施每日检查制度",
            "已停用并请厂家检修滑梯，更换护栏，建立户外设施每日检查记录"),
    Problem("1", S.GENERAL, "门卫值守记录不全，来访人员登记不规范",
            "落实门卫24小时值守和来访登记制度",
            "已配备专职保安，规范来访登记，园长每周检查值守记录"),
    Problem("2", S.GENERAL, "晨检记录不完整，缺少全日健康观察记录",
            "规范晨午检和全日健康观察记录，保健医每日汇总",
            "已统一晨午检记录表，保健医每日汇总并向园长报告"),
    Problem("2", S.SERIOUS, "食堂留样记录不全，餐具消毒柜未正常使用",
            "严格执行留样和餐具消毒制度，专人负责并记录",
            "已维修消毒柜，指定专人负责留样和消毒，建立每日记录"),
    Problem("3", S.SERIOUS, "大班存在教授拼音、书写等“小学化”现象",
            "立即纠正“小学化”倾向，以游戏为基本活动，调整保教计划",
            "已停用小学化教材，重新制定以游戏为主的活动计划，召开家长会做好解释"),
    Problem("4", S.GENERAL, "收费项目和标准未在园内显著位置公示",
            "在园门口显著位置公示收费项目、标准和投诉电话",
            "已在园门口和家长群公示收费项目、标准和投诉电话"),
    Problem("5", S.GENERAL, "教职工未签订师德承诺书，师德考核档案缺失",
            "组织全体教职工签订师德承诺书，建立师德考核档案",
            "全体教职工已签订师德承诺书，建立一人一档的师德考核档案"),
    Problem("6", S.MINOR, "园务公开栏内容未及时更新",
            "及时更新园务公开栏，公开伙食费收支等信息",
            "已更新园务公开栏，每月公开伙食费收支情况"),
)

SCHOOL_HIGHLIGHTS = (
    "课后服务安排合理，开设书法、篮球、合唱等社团，学生参与率高",
    "校门口护学岗到位，家长志愿者协助疏导交通",
    "大课间活动丰富，学生精神饱满",
    "作业公示制度落实到位，各班每日公示作业内容和时长",
    "食堂“明厨亮灶”运行正常，陪餐记录完整",
    "图书角建设有特色，班级读书活动开展扎实",
    "劳动教育实践基地管理有序，各班分片种植",
    "心理咨询室按时开放，个别辅导记录完整",
    "校园文化布置有特色，体现学校办学理念",
    "教研组集体备课扎实，听评课记录规范",
    "校园安全隐患排查台账完整，整改及时",
    "家长学校活动开展正常，家访记录详实",
    "留守儿童关爱工作扎实，建立一人一档",
    "课堂教学秩序良好，师生精神面貌好",
)
KINDERGARTEN_HIGHLIGHTS = (
    "户外活动时间充足，区角活动材料丰富",
    "晨检、午检制度落实到位，保健记录规范",
    "保教结合，坚持以游戏为基本活动，无“小学化”倾向",
    "幼儿园环境创设温馨，幼儿作品展示丰富",
    "家园共育工作扎实，家长开放日活动有序",
    "食谱每周公示，营养搭配合理",
)
FEEDBACK = (
    "当场向校长反馈督导情况，肯定了学校的做法，建议继续保持。",
    "与分管副校长交换意见，建议进一步规范台账资料。",
    "建议学校加强作业统筹管理，控制作业总量。",
    "建议完善安全隐患排查台账，做到排查、整改、复查闭环。",
    "建议进一步丰富课后服务内容，满足学生个性化需求。",
    "建议加强对青年教师的课堂教学指导。",
    "督导情况已向学校反馈，学校表示将认真落实。",
    "建议结合本月督导主题，开展一次专项自查。",
)
KINDERGARTEN_FEEDBACK = (
    "当场向园长反馈督导情况，肯定了保教工作，建议继续保持。",
    "建议进一步丰富区角活动材料，加强户外活动安全管理。",
    "建议完善保健台账和家园联系记录。",
    "督导情况已向园长反馈，幼儿园表示将认真落实。",
)
PROBLEM_FEEDBACK = "现场向校长反馈发现的问题，要求立即整改，并将整改情况报责任督学。"
KINDERGARTEN_PROBLEM_FEEDBACK = "现场向园长反馈发现的问题，要求立即整改，并将整改情况报责任督学。"
OTHER_NOTES = ("学校反映部分学科教师缺编，已记录并报督导室。", "学校希望督导室协调解决运动场改造经费。",
               "家长反映放学时段校门口交通拥堵，已建议学校协调交警。", "学校反映教学楼屋面渗漏，已建议报教育局维修。",
               "学校近期迎接市级文明校园复评，材料准备中。", "学校反映课后服务经费到位较晚。")
KINDERGARTEN_OTHER_NOTES = ("幼儿园反映保育员流动较大，已建议加强培训。", "幼儿园反映生源下降，部分班级不足20人。",
                            "幼儿园正在申报市级示范园，材料准备中。")

RETURN_REMARKS = (
    "整改材料不完整，未附整改前后照片和相关记录，请补充后重新上报。",
    "回头看现场核查发现问题仍未彻底解决，请继续整改。",
    "整改措施停留在制度层面，未见落实记录，请完善后再报。",
)
CLOSE_REMARKS = (
    "回头看现场核查，问题已整改到位，同意销号。",
    "查阅整改材料并现场核实，整改到位，予以销号。",
    "已整改到位，请学校建立长效机制，防止问题反弹。",
)
SECOND_ANSWER = "根据复查意见补充整改：{measures}；已补充整改前后照片和落实记录。"
INTERVIEW_NOTE = "逾期未整改，县督导室约谈学校校长，要求一周内报送整改情况。"
CRITICISM_NOTE = "复查仍未整改到位，县督导室在全县教育系统通报批评，并责令限期改正。"
FOLLOW_UP_PURPOSE = "整改回头看：{problem}"

# Lessons: the grades a subject is taught in (1–6 primary, 7–9 junior, 10–12 senior secondary) and
# topics with their grades, so that a first-year class does not read 《背影》.
SUBJECT_GRADES = {
    "语文": (1, 12), "数学": (1, 12), "英语": (3, 12), "科学": (1, 6), "体育": (1, 12), "音乐": (1, 9),
    "美术": (1, 9), "道德与法治": (1, 9), "物理": (8, 12), "化学": (9, 12), "生物": (7, 12), "历史": (7, 12),
    "地理": (7, 11),
}
SUBJECT_WEIGHTS = {"语文": 3, "数学": 3, "英语": 2}
TOPICS = {
    "语文": ((1, 1, "拼音：ɑ o e"), (2, 2, "《曹冲称象》"), (3, 3, "《司马光》"), (4, 4, "古诗三首"),
           (5, 5, "《草船借箭》"), (6, 6, "《少年闰土》"), (3, 6, "习作：我的心爱之物"), (1, 6, "口语交际：讲民间故事"),
           (7, 7, "《春》"), (8, 8, "《背影》"), (9, 9, "《岳阳楼记》"), (10, 10, "《沁园春·长沙》"),
           (11, 11, "《荷塘月色》"), (12, 12, "议论文写作：论证方法")),
    "数学": ((1, 1, "20以内的进位加法"), (2, 2, "表内乘法"), (3, 3, "长方形和正方形的周长"), (4, 4, "三位数乘两位数"),
           (5, 5, "小数乘法"), (5, 5, "可能性"), (6, 6, "圆的面积"), (6, 6, "分数除法"), (7, 7, "一元一次方程"),
           (8, 8, "勾股定理"), (9, 9, "二次函数的图像"), (10, 10, "函数的单调性"), (11, 11, "等差数列"),
           (12, 12, "复习课：导数的应用")),
    "英语": ((3, 4, "Unit 3 My friends"), (4, 5, "Unit 5 Dinner's ready"), (5, 6, "Unit 2 What time is it?"),
           (7, 9, "Unit 4 Where's my schoolbag?"), (7, 9, "Reading: Healthy habits"),
           (10, 12, "Reading: Festivals around the world")),
    "科学": ((1, 2, "认识我们的身体"), (3, 4, "水的三态变化"), (4, 5, "简单电路"), (5, 6, "地球的运动"),
           (3, 6, "植物的生长变化")),
    "体育": ((1, 4, "跳绳"), (1, 6, "立定跳远"), (3, 9, "足球脚内侧传球"), (5, 12, "篮球行进间运球"),
           (7, 12, "50米快速跑")),
    "音乐": ((1, 4, "歌曲《小雨沙沙》"), (3, 9, "歌曲《歌唱祖国》"), (4, 6, "欣赏《彼得与狼》"), (3, 6, "竖笛演奏入门"),
           (7, 9, "欣赏《黄河大合唱》")),
    "美术": ((1, 3, "彩色的梦"), (3, 6, "色彩的渐变"), (4, 9, "剪纸：窗花"), (5, 9, "我设计的校园")),
    "道德与法治": ((1, 2, "我们的班规我们订"), (3, 5, "家乡的变化"), (6, 9, "法律保护我们健康成长"),
              (7, 9, "青春的邀约")),
    "物理": ((8, 8, "浮力"), (8, 8, "光的折射"), (9, 9, "欧姆定律"), (10, 12, "牛顿第二定律")),
    "化学": ((9, 9, "氧气的制取"), (9, 9, "质量守恒定律"), (10, 12, "化学反应速率")),
    "生物": ((7, 7, "细胞的结构"), (7, 8, "植物的光合作用"), (10, 12, "DNA的结构")),
    "历史": ((7, 7, "秦统一中国"), (8, 8, "辛亥革命"), (8, 8, "新中国的成立"), (10, 12, "戊戌变法")),
    "地理": ((7, 7, "地球的运动"), (8, 8, "中国的地形"), (8, 8, "气候与农业"), (10, 11, "大气的受热过程")),
}
KINDERGARTEN_TOPICS = {
    "健康": ("户外游戏：老狼老狼几点了", "我会洗手", "平衡木"),
    "语言": ("绘本《小蝌蚪找妈妈》", "儿歌《春天》", "故事《猜猜我有多爱你》"),
    "社会": ("我的好朋友", "我是值日生"),
    "科学": ("有趣的磁铁", "沉与浮"),
    "艺术": ("手指点画：小花", "律动《小兔子乖乖》", "泥工：做汤圆"),
}
VOCATIONAL_TOPICS = {
    "语文": ("应用文写作：求职信",), "数学": ("三角函数的应用",), "英语": ("Unit 2 Job interview",),
    "计算机应用基础": ("电子表格的数据处理", "演示文稿制作"), "电工基础": ("串联与并联电路", "万用表的使用"),
    "机械制图": ("三视图的画法", "零件图的尺寸标注"),
}
RATINGS = (LessonObservation.Rating.EXCELLENT, LessonObservation.Rating.GOOD, LessonObservation.Rating.FAIR,
           LessonObservation.Rating.POOR)
RATING_WEIGHTS = (25, 50, 20, 5)
LESSON_COMMENTS = {
    LessonObservation.Rating.EXCELLENT: ("教学目标明确，学生参与度高，课堂生成精彩", "教学设计新颖，注重学生思维培养"),
    LessonObservation.Rating.GOOD: ("教学环节完整，重难点突出", "课堂组织有序，师生互动较好", "板书规范，练习设计有层次"),
    LessonObservation.Rating.FAIR: ("教师讲授偏多，学生活动不足", "教学节奏偏慢，练习时间不够"),
    LessonObservation.Rating.POOR: ("教学目标不清，课堂纪律较乱，建议加强备课", "照本宣科，学生参与度低，建议教研组跟进指导"),
}
CN_DIGITS = "一二三四五六七八九"
PUPILS_PER_CLASS = 45

# Months: (chance a school is visited, first and last day visits happen). February, July and
# August are the holidays; January's visits end with the term, October's begin after National Day.
MONTHS = {
    1: (0.8, 5, 20), 2: (0.45, 20, 28), 3: (0.9, 1, 31), 4: (0.9, 7, 30), 5: (0.9, 6, 31), 6: (0.9, 1, 30),
    7: (0.3, 1, 10), 8: (0.15, 20, 31), 9: (0.9, 1, 30), 10: (0.9, 9, 31), 11: (0.9, 1, 30), 12: (0.9, 1, 31),
}
THIS_MONTH_SHARE = 2 / 3  # of the schools, visited by about the 20th
MIN_MONTHS_VISITED = 6  # of the eleven finished months, for every school on any day of the year
RECENT_DAYS = 40  # findings newer than this are still in motion
OLD_FINDINGS, RECENT_FINDINGS = 28, 12

# States of the findings older than RECENT_DAYS (all past their deadline), before the minor ones
# (no notice: put right on the spot) are taken out.
OLD_STATES = (["overdue"] * 3 + ["overdue_interview", "returned_criticism", "returned", "submitted_late"]
              + ["closed_after_return"] * 4)
# The recent ones, newest first, and the days each needs between its issue and today.
RECENT_STATES = ("issued", "issued", "submitted", "issued", "submitted", "returned", "issued",
                 "submitted_after_return", "closed", "submitted", "closed", "closed")
MIN_DAYS = {"issued": 0, "submitted": 1, "returned": 3, "submitted_after_return": 5, "closed": 3,
            "closed_after_return": 8}
# The liaison school's story: months ago → the state of the problem found then.
LIAISON_STORY = {5: "closed_after_return", 2: "closed", 1: "returned", 0: "issued"}


@dataclass
class VisitPlan:
    school: School
    inspector: Inspector
    date: datetime.date
    client_uuid: uuid.UUID
    data: dict
    answers: dict
    lessons: list[dict]
    problems: list[Problem]
    draft: bool = False
    photo: bool = False
    visit: Visit | None = None


@dataclass
class FindingPlan:
    visit: VisitPlan
    problem: Problem
    state: str
    photo: bool = False
    events: list[tuple[str, datetime.date]] = field(default_factory=list)


@dataclass(frozen=True)
class LoopSummary:
    visits: int
    drafts: int
    lessons: int
    months_with_visits: int
    findings: int
    notices: dict[str, int]
    overdue: int
    escalations: int
    attachments: int


def loop_summary(*, office, today: datetime.date | None = None) -> LoopSummary:
    """Counts of the loop in the office's county (for the command's summary and the tests)."""
    today = today or timezone.localdate()
    path = office.region.path
    visits = Visit.objects.filter(school__region__path__startswith=path)
    submitted = visits.filter(status=Visit.Status.SUBMITTED)
    notices = Rectification.objects.filter(school__region__path__startswith=path)
    by_state = dict(notices.values_list("status").annotate(n=Count("pk")).order_by())
    months = {(d.year, d.month) for d in submitted.values_list("date", flat=True)}
    return LoopSummary(
        visits=submitted.count(),
        drafts=visits.filter(status=Visit.Status.DRAFT).count(),
        lessons=LessonObservation.objects.filter(visit__in=submitted).count(),
        months_with_visits=len(months),
        findings=Finding.objects.filter(school__region__path__startswith=path).count(),
        notices={state: by_state.get(state, 0) for state in Rectification.Status.values},
        overdue=notices.overdue(today).count(),
        escalations=Escalation.objects.filter(rectification__in=notices).count(),
        attachments=Attachment.objects.filter(school__region__path__startswith=path).count(),
    )


# ---- planning (all random choices, in a fixed order) -------------------------------------------

def _months(today: datetime.date, count: int = 12) -> list[datetime.date]:
    """The first days of the last ``count`` months, oldest first, this month last."""
    out = []
    year, month = today.year, today.month
    for _ in range(count):
        out.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _school_days(first: datetime.date, today: datetime.date, workdays: WorkingCalendar) -> list[datetime.date]:
    _share, start, end = MONTHS[first.month]
    end = min(end, calendar.monthrange(first.year, first.month)[1])
    days = [first.replace(day=d) for d in range(start, end + 1)]
    return [d for d in days if workdays.is_working_day(d) and d <= today]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _teacher(rng: random.Random, *, female: float = 0.65) -> str:

    pool = GIVEN_FEMALE if rng.random() < female else GIVEN_MALE
    return rng.choice(SURNAMES) + rng.choice(pool)


def _grades(school: School) -> list[tuple[int, int]]:
    """``(grade, classes in that grade)`` of a school, from its enrolment by level."""
    out = []
    for pupils, grades in ((school.enrolment_primary, range(1, 4 if school.kind == School.Kind.TEACHING_POINT else 7)),
                           (school.enrolment_junior, range(7, 10)), (school.enrolment_senior, range(10, 13))):
        if pupils:
            classes = max(1, min(16, round(pupils / len(grades) / PUPILS_PER_CLASS)))
            out += [(grade, classes) for grade in grades]
    return out


def _grade_class(grade: int, n: int) -> str:
    return f"高{CN_DIGITS[grade - 10]}({n})班" if grade >= 10 else f"{CN_DIGITS[grade - 1]}({n})班"


class Planner:
    """Draws every visit and finding from ``rng`` before anything is written."""

    def __init__(self, rng: random.Random, *, schools: list[School], listed: dict[int, Inspector],
                 checklists: dict[int, dict[str, str]], today: datetime.date, liaison_school: School | None,
                 drafts_for: Inspector | None):
        self.rng = rng
        self.schools = schools
        self.listed = listed
        self.checklists = checklists  # school id -> {item code: response type}
        self.today = today
        self.liaison_school = liaison_school
        self.drafts_for = drafts_for
        self.teachers: dict[tuple[int, str, int], str] = {}
        self.forced: dict[int, str] = {}  # id(VisitPlan) -> state of its problem (the liaison school's story)
        self.workdays = WorkingCalendar()  # the statutory holidays and 调休 working days

    # visits
    def visits(self) -> list[VisitPlan]:
        rng, today = self.rng, self.today
        months = _months(today)
        chosen_by_month: list[tuple[int, datetime.date, list[datetime.date], set[int]]] = []
        for offset, first in zip(range(len(months) - 1, -1, -1), months, strict=True):
            days = _school_days(first, today, self.workdays)
            if not days:
                continue
            if offset == 0:
                share = THIS_MONTH_SHARE * min(1.0, today.day / 20)
                chosen = {s.pk for s in rng.sample(self.schools, round(len(self.schools) * share))}
            else:
                chance = MONTHS[first.month][0]
                chosen = {s.pk for s in self.schools if rng.random() < chance}
            if self.liaison_school is not None and first.month != 8:
                chosen.add(self.liaison_school.pk)
            chosen_by_month.append((offset, first, days, chosen))
        self._top_up(chosen_by_month)
        plans: list[VisitPlan] = []
        for offset, first, days, chosen in chosen_by_month:
            story = self.liaison_school is not None and offset in LIAISON_STORY
            for school in self.schools:
                if school.pk not in chosen:
                    continue
                forced = story and school.pk == self.liaison_school.pk
                plan = self._visit(school, rng.choice(days), first.month, force_problem=forced)
                if forced:
                    self.forced[id(plan)] = LIAISON_STORY[offset]
                plans.append(plan)
        plans += self._drafts()
        plans.sort(key=lambda p: (p.date, p.school.code, p.draft))
        return plans

    def _top_up(self, chosen_by_month) -> None:
        """Every school is visited in at least ``MIN_MONTHS_VISITED`` of the finished months, whatever
        the day: a school the draw left short gets visits in busy term months that still miss others."""
        busy = [(first, chosen) for offset, first, _days, chosen in chosen_by_month
                if offset > 0 and MONTHS[first.month][0] >= 0.8]
        for school in self.schools:
            done = sum(1 for offset, _f, _d, chosen in chosen_by_month if offset > 0 and school.pk in chosen)
            free = [chosen for _first, chosen in busy if school.pk not in chosen and len(chosen) < len(self.schools) - 1]
            self.rng.shuffle(free)
            for chosen in free[:max(0, MIN_MONTHS_VISITED - done)]:
                chosen.add(school.pk)

    def _visit(self, school: School, date: datetime.date, month: int, *, force_problem=False,
               draft=False) -> VisitPlan:
        rng = self.rng
        kindergarten = school.kind == School.Kind.KINDERGARTEN
        items = self.checklists.get(school.pk, {})
        choices = [c for c, t in items.items() if t == Item.ResponseType.SINGLE_CHOICE]
        texts = [c for c, t in items.items() if t == Item.ResponseType.TEXT]
        catalogue = [p for p in (KINDERGARTEN_PROBLEMS if kindergarten else SCHOOL_PROBLEMS) if p.code in choices]

        roll = rng.random()
        count = 2 if roll < 0.04 else 1 if roll < 0.20 else 0
        if force_problem:
            count = max(count, 1)
        problems: list[Problem] = []
        for _ in range(count):
            pool = [p for p in catalogue if p.code not in {q.code for q in problems}]
            if force_problem and not problems:
                pool = [p for p in pool if p.severity != S.MINOR]
            if pool:
                problems.append(rng.choice(pool))
        answers = {code: {"value": NORMAL} for code in choices}
        for problem in problems:
            answers[problem.code] = {"value": PROBLEM, "note": problem.description}
        if texts and rng.random() < 0.08:
            answers[texts[0]] = {"value": rng.choice(KINDERGARTEN_OTHER_NOTES if kindergarten else OTHER_NOTES)}

        lesson_count = rng.choices((0, 1, 2), weights=(35, 45, 20))[0]
        lessons = [self._lesson(school, date) for _ in range(lesson_count)]
        methods = {Method.CAMPUS_WALK}
        if rng.random() < 0.6:
            methods.add(Method.RECORDS)
        if rng.random() < 0.3:
            methods.add(Method.TALKS)
        if rng.random() < 0.1:
            methods.add(Method.MEETING)
        if rng.random() < 0.05:
            methods.add(Method.QUESTIONNAIRE)
        if lessons:
            methods.add(Method.LESSON)

        theme, work = MONTH_THEMES[month]
        purpose = f"{month}月随访督导（{theme}）：{rng.choice(work)}"[:200]
        highlights = ""
        if rng.random() < 0.7:
            pool = KINDERGARTEN_HIGHLIGHTS if kindergarten else SCHOOL_HIGHLIGHTS
            highlights = "；".join(rng.sample(pool, rng.randint(1, 2))) + "。"
        recommended = bool(highlights) and rng.random() < 0.04
        if problems:
            feedback = KINDERGARTEN_PROBLEM_FEEDBACK if kindergarten else PROBLEM_FEEDBACK
        else:
            feedback = rng.choice(KINDERGARTEN_FEEDBACK if kindergarten else FEEDBACK)
        data = {
            "date": date, "kind": Visit.Kind.ROUTINE, "methods": sorted(methods), "purpose": purpose,
            "highlights": highlights, "highlight_recommended": recommended,
            "problems": "\n".join(f"{n}. {p.description}。" for n, p in enumerate(problems, start=1)),
            "feedback": feedback,
        }
        return VisitPlan(school=school, inspector=self.listed[school.pk], date=date, client_uuid=_uuid(rng),
                         data=data, answers=answers, lessons=lessons, problems=problems, draft=draft)

    def _lesson(self, school: School, day: datetime.date) -> dict:
        rng = self.rng
        if school.kind == School.Kind.KINDERGARTEN:
            subject = rng.choice(tuple(KINDERGARTEN_TOPICS))
            grade = rng.randrange(3)
            class_name = f"{'小中大'[grade]}{CN_DIGITS[rng.randrange(3)]}班"
            topic = rng.choice(KINDERGARTEN_TOPICS[subject])
        elif school.kind == School.Kind.VOCATIONAL:
            subject = rng.choice(tuple(VOCATIONAL_TOPICS))
            grade = rng.randrange(3)
            cohort = (day.year if day.month >= 9 else day.year - 1) - grade
            class_name = f"{cohort}级{rng.choice(('机电', '计算机', '电子商务'))}{rng.randint(1, 3)}班"
            topic = rng.choice(VOCATIONAL_TOPICS[subject])
        else:
            grade, classes = rng.choice(_grades(school))
            subjects = [s for s, (low, high) in SUBJECT_GRADES.items() if low <= grade <= high]
            subject = rng.choices(subjects, weights=[SUBJECT_WEIGHTS.get(s, 1) for s in subjects])[0]
            class_name = _grade_class(grade, rng.randint(1, classes))
            topics = [t for low, high, t in TOPICS[subject] if low <= grade <= high] or ["复习课"]
            topic = rng.choice(topics)
        key = (school.pk, subject, grade)  # the same teacher teaches a subject in a grade
        if key not in self.teachers:
            self.teachers[key] = _teacher(rng, female=0.95 if school.kind == School.Kind.KINDERGARTEN else 0.65)
        rating = rng.choices(RATINGS, weights=RATING_WEIGHTS)[0]
        return {"class_name": class_name, "subject": subject, "teacher": self.teachers[key], "topic": topic,
                "rating": rating, "comments": rng.choice(LESSON_COMMENTS[rating])}

    def _drafts(self) -> list[VisitPlan]:
        """Two visits ``inspector`` has started this month and not submitted yet."""
        if self.drafts_for is None:
            return []
        mine = [s for s in self.schools if self.listed[s.pk].pk == self.drafts_for.pk]
        days = _school_days(self.today.replace(day=1), self.today, self.workdays) or [self.today]
        plans = []
        for school in self.rng.sample(mine, min(2, len(mine))):
            plan = self._visit(school, days[-1], self.today.month, draft=True)
            plan.answers = dict(list(plan.answers.items())[:4])  # half-filled
            plan.data["feedback"] = ""
            plans.append(plan)
        return plans

    # findings
    def findings(self, visits: list[VisitPlan]) -> list[FindingPlan]:
        rng, today = self.rng, self.today
        candidates = [(v, p) for v in visits if not v.draft for p in v.problems]
        forced = [(v, p) for v, p in candidates if id(v) in self.forced and p == v.problems[0]]
        rest = [c for c in candidates if c not in forced]
        cut = today - datetime.timedelta(days=RECENT_DAYS)
        old = [c for c in rest if c[0].date < cut]
        recent = [c for c in rest if c[0].date >= cut]
        recent = rng.sample(recent, min(len(recent), RECENT_FINDINGS - sum(1 for v, _p in forced if v.date >= cut)))
        # after a quiet holiday the recent ones are few: the older months make up the number
        short = RECENT_FINDINGS - len(recent) - sum(1 for v, _p in forced if v.date >= cut)
        old = rng.sample(old, min(len(old), OLD_FINDINGS + short - sum(1 for v, _p in forced if v.date < cut)))

        # minor problems are put right on the spot: written down, no notice
        plans = [FindingPlan(v, p, "no_notice") for v, p in old + recent if p.severity == S.MINOR]
        old = sorted((c for c in old if c[1].severity != S.MINOR), key=_order)
        recent = sorted((c for c in recent if c[1].severity != S.MINOR), key=_order, reverse=True)
        states = list(OLD_STATES)
        states += ["closed"] * max(0, len(old) - len(states))
        rng.shuffle(states)
        aged = [FindingPlan(visit, problem, state) for (visit, problem), state in zip(old, states, strict=False)]
        # urgent hazards are put right: give them a closed state (swap with a closed one)
        for plan in aged:
            if plan.problem.severity == S.URGENT and not plan.state.startswith("closed"):
                other = next((p for p in aged if p.state == "closed" and p.problem.severity != S.URGENT), None)
                if other is not None:
                    plan.state, other.state = other.state, plan.state
        plans += aged
        plans += [FindingPlan(visit, problem, state)
                  for (visit, problem), state in zip(recent, RECENT_STATES, strict=False)]
        plans += [FindingPlan(visit, problem, self.forced[id(visit)]) for visit, problem in forced]

        plans.sort(key=lambda f: _order((f.visit, f.problem)))
        for n, plan in enumerate(plans):
            plan.photo = n % 7 == 0
            self._events(plan)
        return plans

    def _events(self, plan: FindingPlan) -> None:
        """The dates of what happens to the finding's notice: issue, answers, re-checks, escalation."""
        rng, today = self.rng, self.today
        if plan.state == "no_notice":
            return
        issued = min(today, self.workdays.next_working_day(plan.visit.date + datetime.timedelta(days=rng.randint(0, 2))))
        days = DEADLINE_DAYS[plan.problem.severity]
        deadline = issued + datetime.timedelta(days=days)
        room = (today - issued).days
        state = plan.state
        if room < MIN_DAYS.get(state, 0):
            state = plan.state = "issued"

        def later(day, low, high):
            return min(today, self.workdays.next_working_day(day + datetime.timedelta(days=rng.randint(low, max(low, high)))))

        events = [("issue", issued)]
        if state == "overdue_interview":
            events.append(("interview", later(deadline, 5, 12)))
        elif state == "submitted_late":
            events.append(("answer", later(max(issued, today - datetime.timedelta(days=rng.randint(1, 6))), 0, 0)))
        elif state in ("returned", "returned_criticism"):
            answered = later(issued, 3, days - 1)
            events += [("answer", answered), ("return", later(answered, 2, 8))]
            if state == "returned_criticism":
                events.append(("criticism", later(events[-1][1], 7, 20)))
        elif state == "closed":
            answered = later(issued, 2, days - 2) if room > 30 else later(issued, 1, room // 2)
            events += [("answer", answered), ("close", later(answered, 2, 10))]
        elif state == "closed_after_return":
            answered = later(issued, 3, days // 2)
            returned = later(answered, 3, 8)
            again = later(returned, 4, 12)
            events += [("answer", answered), ("return", returned), ("answer", again), ("close", later(again, 2, 10))]
        elif state == "submitted":
            events.append(("answer", later(issued, 1, room)))
        elif state == "submitted_after_return":
            answered = later(issued, 1, room // 3)
            returned = later(answered, 1, room // 3)
            events += [("answer", answered), ("return", returned), ("answer", later(returned, 1, room // 3))]
        plan.events = events


def _order(candidate) -> tuple:
    visit, problem = candidate
    return (visit.date, visit.school.code, problem.code)


# ---- evidence photos -------------------------------------------------------------------------

def _photo(rng: random.Random, name: str) -> SimpleUploadedFile:
    """A small, deterministic PNG "photo": sky, ground, a school building with windows."""
    width, height = 480, 320
    sky = (rng.randint(150, 200), rng.randint(190, 225), rng.randint(225, 250))
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 230, width, height), fill=(rng.randint(90, 130), rng.randint(130, 170), rng.randint(70, 100)))
    left = rng.randint(30, 170)
    wall = (rng.randint(200, 240), rng.randint(190, 225), rng.randint(170, 210))
    draw.rectangle((left, 80, left + 260, 240), fill=wall, outline=(120, 110, 100))
    draw.polygon(((left - 10, 80), (left + 130, 40), (left + 270, 80)), fill=(170, 60, 50))
    for row in range(3):
        for col in range(5):
            x, y = left + 18 + col * 48, 98 + row * 44
            draw.rectangle((x, y, x + 28, y + 26), fill=(90, 130, 170))
    draw.rectangle((left + 115, 195, left + 145, 240), fill=(110, 80, 60))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# ---- writing --------------------------------------------------------------------------------

def _at(day: datetime.date, rng: random.Random, start_hour: int = 15, end_hour: int = 19) -> datetime.datetime:
    """A moment of ``day`` in the afternoon, never later than now."""
    moment = timezone.make_aware(datetime.datetime.combine(
        day, datetime.time(rng.randint(start_hour, end_hour - 1), rng.randint(0, 59))))
    return min(moment, timezone.now())


CHECKIN_FAR_REASON = "先到镇中心校参加片区教研活动，签到时尚未到校"
CHECKIN_MISSING_REASON = "学校地处山区，手机定位无信号"


def demo_checkin(school: School, day: datetime.date, client_uuid: uuid.UUID) -> dict | None:
    """The phone's position when the visit form opened (入校签到, docs/checkin.md): most at the school
    gate, one in twenty about 2 km away and one in twenty without a position, each of those two with
    the reason the inspector typed. Drawn from the visit's id, not the seed, so the rest of the demo
    stays as it was."""
    if not school.has_coordinates:
        return None
    n = client_uuid.int % 20
    taken = min(datetime.datetime.combine(day, datetime.time(8, 30 + n), tzinfo=timezone.get_current_timezone()),
                timezone.now())
    if n == 0:
        return {"taken_at": taken, "reason": CHECKIN_MISSING_REASON}
    offset = Decimal("0.018") if n == 1 else Decimal("0.00012") * n  # ≈ 2 km; at most ≈ 250 m
    return {"latitude": school.latitude + offset, "longitude": school.longitude, "accuracy_m": 10 + 3 * n,
            "taken_at": taken, "reason": CHECKIN_FAR_REASON if n == 1 else ""}


class Writer:
    def __init__(self, rng: random.Random, *, admin, office, accounts: dict[int, User], password: str,
                 valid_from: datetime.date):
        self.rng = rng
        self.admin = admin
        self.office = office
        self.accounts = accounts  # inspector id -> user
        self.password = password
        self.valid_from = valid_from
        self.liaisons: dict[int, User] = {}
        self.items: dict[int, dict[str, int]] = {}  # checklist version id -> {code: item id}

    def visit(self, plan: VisitPlan) -> None:
        actor = self.accounts[plan.inspector.pk]
        visit, _created = visit_save_draft(actor=actor, client_uuid=plan.client_uuid, school_id=plan.school.pk,
                                           data=plan.data, answers=plan.answers, lessons=plan.lessons,
                                           checkin=demo_checkin(plan.school, plan.date, plan.client_uuid))
        if plan.photo:
            visit_attachment_add(actor=actor, visit_id=visit.pk,
                                 uploaded_file=_photo(self.rng, f"{plan.date:%Y%m%d}_现场照片.png"))
        if not plan.draft:
            visit_submit(actor=actor, visit_id=visit.pk)
        plan.visit = visit

    def liaison(self, school: School) -> User:
        if school.pk not in self.liaisons:
            self.liaisons[school.pk] = liaison_account(admin=self.admin, office=self.office, school=school,
                                                       password=self.password, valid_from=self.valid_from)
        return self.liaisons[school.pk]

    def item_id(self, visit: Visit, code: str) -> int | None:
        if visit.checklist_id not in self.items:
            self.items[visit.checklist_id] = dict(Item.objects.filter(version_id=visit.checklist_id)
                                                  .values_list("code", "pk"))
        return self.items[visit.checklist_id].get(code)

    def finding(self, plan: FindingPlan) -> None:
        rng = self.rng
        visit = plan.visit.visit
        inspector = self.accounts[plan.visit.inspector.pk]
        files = [_photo(rng, f"{visit.date:%Y%m%d}_问题照片.png")] if plan.photo else []
        finding = finding_record(actor=inspector, visit_id=visit.pk, item_id=self.item_id(visit, plan.problem.code),
                                 severity=plan.problem.severity, description=plan.problem.description,
                                 found_on=visit.date, files=files)
        notice = None
        answers = 0
        for kind, day in plan.events:
            if kind == "issue":
                notice = rectification_issue(
                    actor=inspector, finding_id=finding.pk, issued_on=day,
                    requirements=f"{plan.problem.requirement}。请于整改期限内完成整改，并将整改情况（附照片）报责任督学。",
                )
                self.liaison(plan.visit.school)  # whoever answers for the school signs in
            elif kind == "answer":
                measures = plan.problem.measures + "。" if answers == 0 else SECOND_ANSWER.format(
                    measures=plan.problem.measures)
                files = [_photo(rng, f"{day:%Y%m%d}_整改后照片.png")] if plan.photo or rng.random() < 0.15 else []
                rectification_submit(actor=self.liaison(plan.visit.school), rectification_id=notice.pk,
                                     measures=measures, files=files)
                RectificationResponse.objects.filter(pk__in=notice.responses.order_by("-pk").values("pk")[:1]).update(
                    submitted_at=_at(day, rng))
                answers += 1
            elif kind == "return":
                remarks = rng.choice(RETURN_REMARKS)
                self.follow_up(plan, notice, day, remarks, rectified=False)
                rectification_return(actor=inspector, rectification_id=notice.pk, checked_on=day,
                                     result=rng.choice((Recheck.Result.PARTIAL, Recheck.Result.NOT_RECTIFIED)),
                                     remarks=remarks)
                Recheck.objects.filter(rectification=notice, checked_on=day).update(recorded_at=_at(day, rng))
            elif kind == "close":
                remarks = rng.choice(CLOSE_REMARKS)
                self.follow_up(plan, notice, day, remarks, rectified=True)
                rectification_close(actor=inspector, rectification_id=notice.pk, checked_on=day, remarks=remarks)
                Recheck.objects.filter(rectification=notice, checked_on=day).update(recorded_at=_at(day, rng))
            elif kind in ("interview", "criticism"):
                escalation = rectification_escalate(
                    actor=self.admin, rectification_id=notice.pk, date=day,
                    kind=Escalation.Kind.INTERVIEW if kind == "interview" else Escalation.Kind.CRITICISM,
                    note=INTERVIEW_NOTE if kind == "interview" else CRITICISM_NOTE,
                )
                Escalation.objects.filter(pk=escalation.pk).update(recorded_at=_at(day, rng, 9, 12))


    def follow_up(self, plan: FindingPlan, notice: Rectification, day: datetime.date, remarks: str, *,
                  rectified: bool) -> None:
        """A serious problem or a hazard is re-checked on the spot: a follow-up visit (回头看)."""
        if plan.problem.severity not in (S.SERIOUS, S.URGENT):
            return
        actor = self.accounts[plan.visit.inspector.pk]
        value = NORMAL if rectified else PROBLEM
        data = {"date": day, "kind": Visit.Kind.FOLLOW_UP, "methods": [Method.CAMPUS_WALK, Method.RECORDS],
                "purpose": FOLLOW_UP_PURPOSE.format(problem=f"{notice.number}（{plan.problem.description}）")[:200],
                "problems": "" if rectified else plan.problem.description + "。", "feedback": remarks}
        client_uuid = _uuid(self.rng)
        visit, _created = visit_save_draft(actor=actor, client_uuid=client_uuid, school_id=plan.visit.school.pk,
                                           data=data, answers={plan.problem.code: {"value": value, "note": remarks}},
                                           checkin=demo_checkin(plan.visit.school, day, client_uuid))
        visit_submit(actor=actor, visit_id=visit.pk)
        Visit.objects.filter(pk=visit.pk).update(submitted_at=_at(day, self.rng, 10, 12))
        if visit.response_id:
            Response.objects.filter(pk=visit.response_id).update(submitted_at=_at(day, self.rng, 10, 12))


def _backdate_visits(plans: list[VisitPlan], rng: random.Random) -> None:
    """Submitted visits were filed on their own day, in the afternoon."""
    visits, responses = [], []
    for plan in plans:
        if plan.draft:
            continue
        plan.visit.submitted_at = _at(plan.date, rng, 16, 21)
        visits.append(plan.visit)
        if plan.visit.response_id:
            responses.append(Response(pk=plan.visit.response_id, submitted_at=plan.visit.submitted_at))
    Visit.objects.bulk_update(visits, ["submitted_at"], batch_size=200)
    Response.objects.bulk_update(responses, ["submitted_at"], batch_size=200)


def plan_loop(rng: random.Random, *, schools: list[School], today: datetime.date,
              liaison_school: School | None = None,
              drafts_for: Inspector | None = None) -> tuple[list[VisitPlan], list[FindingPlan]]:
    """The visits and findings of the year up to ``today``, drawn before anything is written."""
    schools = sorted(schools, key=lambda s: s.code)
    listings = Listing.objects.current(today).filter(school__in=schools).select_related("inspector")
    listed = {listing.school_id: listing.inspector for listing in listings}
    versions = checklists_for_schools(schools=School.objects.filter(pk__in=[s.pk for s in schools])
                                      .select_related("region"))
    codes = {}
    for version in {v.pk: v for v in versions.values() if v is not None}.values():
        codes[version.pk] = dict(version.items.values_list("code", "response_type"))
    checklists = {school_id: codes[v.pk] if v is not None else {} for school_id, v in versions.items()}
    planner = Planner(rng, schools=schools, listed=listed, checklists=checklists, today=today,
                      liaison_school=liaison_school, drafts_for=drafts_for)
    visits = planner.visits()
    return visits, planner.findings(visits)


def load_loop(rng: random.Random, *, admin, office, schools: list[School], password: str,
              valid_from: datetime.date, liaison_school: School | None = None,
              drafts_for: Inspector | None = None, today: datetime.date | None = None) -> LoopSummary:
    """Writes a year of visits, findings and notices of ``schools`` (see the module docstring).

    ``admin`` is the office administrator who escalates and creates liaison accounts; every
    inspector listed at ``schools`` needs a sign-in account (``inspector_accounts``);
    ``liaison_school`` gets the story of findings its liaison account follows; ``drafts_for``
    keeps two visits unsubmitted.
    """
    today = today or timezone.localdate()
    visits, findings = plan_loop(rng, schools=schools, today=today, liaison_school=liaison_school,
                                 drafts_for=drafts_for)
    accounts = {i.pk: User.objects.get(pk=i.user_id) for i in {v.inspector.pk: v.inspector for v in visits}.values()}
    photographed = {id(f.visit) for f in findings if f.photo}
    for plan in visits:
        plan.photo = id(plan) in photographed or (plan.school == liaison_school and bool(plan.problems))

    writer = Writer(rng, admin=admin, office=office, accounts=accounts, password=password, valid_from=valid_from)
    for plan in visits:
        writer.visit(plan)
    for plan in sorted(findings, key=lambda f: (f.events[0][1] if f.events else f.visit.date, f.visit.school.code,
                                                f.problem.code)):
        writer.finding(plan)
    _backdate_visits(visits, rng)
    overdue_alerts_send(on=today)
    return loop_summary(office=office, today=today)


__all__ = [
    "DEADLINE_DAYS", "LoopSummary", "deadline_policies_set", "inspector_accounts", "inspector_username",
    "liaison_account", "liaison_username", "load_loop", "loop_summary", "plan_loop",
]
