"""What a signboard (挂牌公示牌) lists under the inspector: duties and routine-supervision items.

Texts are data, in the official wording of STANDARDS.md:

* schools (中小学校): the five basic duties of 《中小学校责任督学挂牌督导办法》第三条 (§1.3) and the
  8 routine-supervision items of 第四条 (§1.4), in their order;
* kindergartens (幼儿园): the duties of 《幼儿园责任督学挂牌督导办法》 (§2.1: 安全管理、规范办园、
  师德师风建设 and tasks the office assigns; emergencies) and the six editable routine items that
  STANDARDS §2.2 recommends (no national six-item list exists).
"""

from dataclasses import dataclass

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Duties:
    basis: str
    duties_heading: str
    duties: tuple[str, ...]
    items_heading: str
    items: tuple[str, ...]

    def numbered_duties(self) -> list[str]:
        return [f"（{NUMERALS[i]}）{text}" for i, text in enumerate(self.duties)]

    def numbered_items(self) -> list[str]:
        return [f"（{NUMERALS[i]}）{text}" for i, text in enumerate(self.items)]


# STANDARDS §1.3 (第三条) and §1.4 (第四条), exact wording and order
SCHOOL = Duties(
    basis="《中小学校责任督学挂牌督导办法》（国教督办〔2013〕2号）",
    duties_heading="责任督学职责",
    duties=(
        "对学校依法依规办学进行监督。",
        "对学校管理和教育教学进行指导。",
        "受理、核实相关举报和投诉。",
        "发现问题并督促学校整改。",
        "向教育督导部门报告情况，并向政府有关部门提出意见。",
    ),
    items_heading="经常性督导事项",
    items=(
        "校务管理和制度执行情况。",
        "招生、收费、择校情况。",
        "课程开设和课堂教学情况。",
        "学生学习、体育锻炼和课业负担情况。",
        "教师师德和专业发展情况。",
        "校园及周边安全情况，学生交通安全情况。",
        "食堂、食品、饮水及宿舍卫生情况。",
        "校风、教风、学风建设情况。",
    ),
)

# STANDARDS §2.1 (the 2019 办法's duties and emergencies, as quoted) and §2.2 (the six items)
KINDERGARTEN = Duties(
    basis="《幼儿园责任督学挂牌督导办法》（教督〔2019〕3号）",
    duties_heading="责任督学职责",
    duties=(
        "责任督学应对幼儿园安全管理情况、规范办园情况、师德师风建设情况进行监督指导，"
        "并完成教育督导部门交办的其他工作任务。",
        "发生危及幼儿园安全的重大突发事件或重大事故，责任督学必须第一时间赶赴现场，"
        "及时督促处理并报告上级督导部门。",
    ),
    items_heading="经常性督导事项",
    items=(
        "安全管理",
        "卫生保健与食品安全",
        "保育教育（防止“小学化”）",
        "招生收费（规范办园）",
        "师德师风",
        "园务管理与公开",
    ),
)


def duties_for(school) -> Duties:
    """The list a signboard of ``school`` shows: kindergartens differ from schools."""
    return KINDERGARTEN if school.is_kindergarten else SCHOOL
