"""The demo county's directives (督办事项), written through the directive services.

Two directives in progress, assigned to the units:

* 校园周边安全隐患排查整治 (a decision of the county government's meeting, 20 days ago): the demo
  liaison's school reports on time; a second school's deadline passed three days ago without a
  completion report — the one late unit, urged once with a 督办通知单; a third school's completion is
  accepted;
* 控辍保学“回头看” (the deputy county head's instruction, 12 days ago): the liaison's school, and the
  school done above, whose completion report the office returned with what is missing.

The county's education bureau has departments and its townships education offices that are
responsible units too (``load_demo_departments``): 教育局安全股 leads the safety directive across the
schools — an item of its own, on time, on which its unit liaison (``unit_liaison``) has reported once.

The urge notice is filed as Word only, so that loading the demo needs no LibreOffice run.
"""

import datetime

from django.utils import timezone

from dudao.accounts.recipients import department_contacts
from dudao.demo.campaigns import _liaison
from dudao.directives import services
from dudao.directives.models import Directive
from dudao.organizations.models import Department, School
from dudao.organizations.services import model_save

# the county's responsible units that are not schools: (name, kind, township name or "")
DEPARTMENTS = (
    ("教育局安全股", Department.Kind.BUREAU_DEPARTMENT, ""),
    ("教育局基础教育股", Department.Kind.BUREAU_DEPARTMENT, ""),
    ("河口镇教育办", Department.Kind.TOWNSHIP_OFFICE, "河口镇"),
)


def load_demo_departments(*, admin, office, townships: dict) -> list[Department]:
    """The bureau's departments and a township education office of the county, through the audited
    ``model_save`` (``townships``: the county's township regions by name)."""
    return [model_save(actor=admin, instance=Department(office=office, name=name, kind=kind, number=n,
                                                        region=townships.get(township)))
            for n, (name, kind, township) in enumerate(DEPARTMENTS, start=1)]


def _units(office, liaison_school) -> tuple[School, School]:
    """Two more schools of the county, by code: one with a signed-in contact (it reports), and one
    that has not reported (the late unit)."""
    schools = list(School.objects.filter(region__path__startswith=office.region.path, is_active=True)
                   .exclude(pk=liaison_school.pk).order_by("code"))
    active = next(s for s in schools if _liaison(s) is not None)
    return active, next(s for s in schools if s != active)


def load_demo_directives(*, admin, office, liaison_school, department: Department | None = None,
                         today: datetime.date | None = None) -> list[Directive]:
    """Adds the two directives; returns them (safety, dropout). ``department`` (with its unit liaison,
    if any) leads the safety directive with an item of its own."""
    today = today or timezone.localdate()
    day = datetime.timedelta(days=1)
    done_school, late_school = _units(office, liaison_school)
    returned_school = done_school

    safety = services.directive_register(
        actor=admin, office_id=office.pk, title="校园周边安全隐患排查整治", source="meeting", decided_on=today - 20 * day,
        source_text="县人民政府第12次常务会议纪要：开展校园周边安全隐患排查整治，由县教育督导室跟踪督办。",
        requirements="各校对照清单全面排查校园周边交通、消防、治安隐患，建立台账，限期整改到位。\n每周报送一次进展。")
    items = {
        liaison_school: ("排查校门口交通安全隐患，设置警示标志和减速带。", today + 10 * day),
        late_school: ("清理校园周边占道经营，完善消防通道标识。", today - 3 * day),
        done_school: ("完成校园周边治安隐患排查，建立排查台账。", today - 5 * day),
    }
    added = {school: services.item_add(actor=admin, directive_id=safety.pk, school_id=school.pk, content=content,
                                       deadline=deadline, report_every_days=7)
             for school, (content, deadline) in items.items()}
    lead = None
    if department is not None:
        lead = services.item_add(actor=admin, directive_id=safety.pk, department_id=department.pk,
                                 content="统筹全县校园周边安全隐患排查整治，汇总各校排查台账，协调公安、交通、城管部门联合整治。",
                                 deadline=today + 14 * day, report_every_days=7)
    services.directive_assign(actor=admin, directive_id=safety.pk)
    contact = next(iter(department_contacts(department.pk)), None) if department is not None else None
    if contact is not None:
        services.item_report(actor=contact, item_id=lead.pk,
                             text="已印发排查整治工作方案，会同县公安局交警大队完成城区学校周边交通隐患联合排查。")
    services.item_report(actor=_liaison(liaison_school), item_id=added[liaison_school].pk,
                         text="已完成校门口隐患排查，警示标志已设置，减速带正在安装。")
    if _liaison(late_school) is not None:
        services.item_report(actor=_liaison(late_school), item_id=added[late_school].pk,
                             text="已与城管部门对接，正在清理占道摊点。")
    services.item_report(actor=_liaison(done_school), item_id=added[done_school].pk,
                         text="排查完毕，台账已建立，发现的2处隐患均已整改。", is_final=True)
    services.item_accept(actor=admin, item_id=added[done_school].pk, comment="台账完整，整改到位，同意办结。")
    services.item_urge(actor=admin, item_id=added[late_school].pk,
                       note="已超过办理期限，请于3个工作日内完成整改并报送办结情况。")

    dropout = services.directive_register(
        actor=admin, office_id=office.pk, title="控辍保学“回头看”", source="instruction", decided_on=today - 12 * day,
        source_text="分管副县长批示：对春季学期劝返学生开展“回头看”，确保劝返学生留得住、学得好。",
        requirements="逐人核查劝返学生在校情况，落实帮扶措施，建立一人一档。")
    services.item_add(actor=admin, directive_id=dropout.pk, school_id=liaison_school.pk,
                             content="逐人核查本校劝返学生在校情况，落实结对帮扶。", deadline=today + 15 * day,
                             report_every_days=14)
    returned = services.item_add(actor=admin, directive_id=dropout.pk, school_id=returned_school.pk,
                                 content="核查劝返学生到校情况，完善一人一档。", deadline=today + 8 * day,
                                 report_every_days=14)
    services.directive_assign(actor=admin, directive_id=dropout.pk)
    services.item_report(actor=_liaison(returned_school), item_id=returned.pk, text="劝返学生均已到校。",
                         is_final=True)
    services.item_return(actor=admin, item_id=returned.pk, comment="请补充每名学生的帮扶记录和一人一档材料。")
    return [safety, dropout]
