"""A visit with checklist answers, a lesson, a finding on an item and its notice, built through the
real services in county A of the two-county world, for the document tests."""

from dudao.core.testing.world import fresh
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import rectification_escalate, rectification_issue, rectification_return
from dudao.inspections.tests.rectification_fixtures import answer, days_ago, png_file
from dudao.inspections.tests.visit_fixtures import record_visit

LESSON = {"class_name": "三(2)班", "subject": "数学", "teacher": "王老师", "topic": "分数的初步认识",
          "rating": "good", "comments": "板书清晰"}
ANSWERS = {"1": {"value": "正常", "note": "制度上墙"}, "7": {"value": "存在问题", "note": "留样记录缺3天"}}
FINDING = "食堂留样记录缺少3月2日至4日三天"
REQUIREMENTS = "补齐食品留样记录\n指定专人每日登记"


def user(world, role: str, county: str = "a"):
    return fresh(getattr(world, county).users[role])


def submitted_visit(world, county: str = "a", date=None):
    inspector = user(world, "inspector", county)
    return record_visit(inspector, getattr(world, county).schools[0], submit=True, answers=ANSWERS, lessons=[LESSON],
                        purpose="开学工作检查", highlights="课后服务形式多样", problems="食堂留样不全",
                        feedback="已当场反馈校长", date=date or days_ago(10))


def visit_with_notice(world, county: str = "a"):
    """A submitted visit, a finding on checklist item 7 and the notice issued on it."""
    visit = submitted_visit(world, county)
    inspector = user(world, "inspector", county)
    item = visit.checklist.items.get(code="7")
    finding = finding_record(actor=inspector, school_id=visit.school_id, visit_id=visit.pk, item_id=item.pk,
                             severity="serious", description=FINDING, found_on=visit.date)
    notice = rectification_issue(actor=inspector, finding_id=finding.pk, requirements=REQUIREMENTS,
                                 issued_on=visit.date, deadline=days_ago(3))
    return visit, notice


def criticised_notice(world):
    """County A's overdue notice, answered with a photo, returned, and publicly criticised."""
    visit, notice = visit_with_notice(world)
    answer(world, notice, measures="已补齐留样记录", files=[png_file("留样记录.png")])
    rectification_return(actor=user(world, "inspector"), rectification_id=notice.pk, remarks="照片不清晰，请补充")
    escalation = rectification_escalate(actor=user(world, "office_admin"), rectification_id=notice.pk,
                                        kind="criticism", note="4月20日前报送整改报告")
    notice.refresh_from_db()
    return visit, notice, escalation
