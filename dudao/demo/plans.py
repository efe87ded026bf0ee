"""Demo plans and tasks for the demo county, written through the real services.

The demo generator calls ``load_plans(rng, office=…, zones=…, inspectors=…)`` after it has created
the office, its zones, the listed inspectors and the demo accounts. It writes:

* the office's plan for the calendar year, twelve monthly themes (一月一主题) taken from the seed
  plans, approved and filed;
* a plan for the current term of every zone (the first by its leader's account) and of every
  inspector (typed in by the office for inspectors without an account): most approved, some
  submitted, one returned with the office's comment, a couple still drafts;
* routine monthly tasks and prescribed campaign tasks for the inspectors, self-chosen tasks for the
  inspectors with an account, with a realistic mix of done on time, done late, open and overdue.

Every random choice comes from ``rng``, consumed in a fixed order; dates follow ``today``.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone

from dudao.accounts.models import Membership, Role, User
from dudao.plans import services
from dudao.plans.models import TERM_MONTHS, Task, WorkPlan, term_dates, term_for
from dudao.plans.selectors import inspectors_by_zone

# One theme a month and its work items, in the words of the county plans (seeds 000–003).
MONTH_THEMES: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("期末与寒假安全", (
        "督导学校期末考试组织和寒假安全教育", "开展寒假“禁补”督查", "整理本学期督导档案，撰写学期督导工作总结")),
    2: ("制定计划与开学准备", (
        "研究制定责任区督学工作计划", "督导春季开学准备工作（校园环境、校园文化、师生情况）",
        "配合教研室对各校质量分析进行督导")),
    3: ("开学专项督导", (
        "开展春季开学工作专项督导：开学条件保障、专项工作部署落实", "检查责任区学校门口督学公示牌悬挂情况",
        "了解学校艺术、综合实践活动、专题教育等课程开设情况")),
    4: ("校园安全", (
        "深入责任区开展经常性督导：校园及周边安全、学生交通安全", "检查食堂、饮水及宿舍安全情况",
        "了解学校保障学生每天1小时校园体育活动情况")),
    5: ("食品安全", (
        "参与食品卫生安全专项督导：责任落实、许可证办理、从业人员健康检查、索证索票", "了解学校心理健康教育开展情况",
        "了解学校师德建设情况")),
    6: ("防溺水", (
        "开展防溺水安全工作专项督导", "督促学校开展家访，落实暑期安全教育", "上报督学工作学期总结和各校教育督导报告")),
    7: ("暑期禁补与安全", ("全面开展暑期“禁补”督查", "督导学校暑期安全工作", "参加责任督学培训")),
    8: ("秋季开学准备", ("督导学校秋季开学准备工作", "检查校舍维修和安全隐患排查情况")),
    9: ("开学工作", ("开展秋季开学工作专项督导", "了解学校均衡分班情况", "参加责任督学工作会议")),
    10: ("课后服务", (
        "督导学校课后服务开展情况", "对责任区学校开展经常性督导（招生、收费、分班情况）", "参加责任督学集中培训")),
    11: ("作业与课业负担", (
        "深入责任区开展经常性督导：学生的学习、体育锻炼和课业负担情况", "抽查教师教案、作业布置及批改情况",
        "参加优秀督导案例征集活动，提交经典督导案例")),
    12: ("年度总结", ("开展中小学校社会满意度调查", "撰写责任督学挂牌督导工作总结", "各种材料归档上交")),
}
EVERY_MONTH = "每月对责任学校至少随访督导一次，推门听课1—2节，认真填写督导记录"
TERM_NAMES = {"spring": "春季学期", "autumn": "秋季学期", "whole_year": "全年"}

OFFICE_SUMMARY = (
    "以《教育督导条例》《中小学校责任督学挂牌督导办法》为依据，坚持督政与督学并举、监督与指导并重，"
    "以推进义务教育优质均衡发展、完善责任督学挂牌督导制度为重点，实行一月一主题，"
    "做到“问题必整改、整改必落实”。"
)
INSPECTOR_SUMMARY = (
    "根据县督导室年度工作安排和责任区工作计划，充分发挥责任督学在学校工作中的督促与指导作用，"
    "规范学校办学行为，帮助学校挖掘办学亮点，逐步形成办学特色。"
)
RETURN_COMMENT = "请补充“作业与课业负担”专项督导安排，并细化对村小、教学点的督导内容后再报。"

# Campaign tasks of each term: (month, day, title, description, to one zone?)
CAMPAIGNS = {
    "spring": (
        (3, 10, "春季开学工作专项督导", "开学第一周完成，检查开学条件保障和专项工作部署落实，填写督导记录。", False),
        (4, 25, "校园安全专项督导", "校园及周边安全、消防、交通安全，发现隐患下发整改通知书。", False),
        (5, 25, "食品安全专项督导", "食堂食品安全责任落实、从业人员健康检查、索证索票等制度执行情况。", True),
        (6, 20, "防溺水安全工作专项督导", "督促学校落实防溺水“六不”教育和暑期家访。", False),
    ),
    "autumn": (
        (9, 15, "秋季开学工作专项督导", "开学第一周完成，检查开学条件保障、均衡分班和安全工作。", False),
        (10, 25, "课后服务专项督导", "课后服务开展情况、收费和学生参与情况。", True),
        (11, 25, "作业与课业负担专项督导", "抽查作业布置与批改，了解学生课业负担和睡眠时间。", False),
        (12, 20, "社会满意度调查", "组织家长、学生完成年度社会满意度问卷。", False),
    ),
    "whole_year": (),
}
SELF_CHOSEN = ("村小、教学点整改“回头看”", "撰写责任区学校课业负担调研报告", "推介学校典型经验",
               "整理督导台账资料")
NOTES = ("已完成，督导记录已归档", "已完成，问题已反馈学校", "已完成，整改情况已复查", "按要求完成并上报督导室")


@dataclass(frozen=True)
class PlansDemoSummary:
    plans: int
    approved: int
    returned: int
    tasks: int
    done: int
    overdue: int


def _fresh(user):
    return User.objects.get(pk=user.pk) if user is not None else None


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _items(rng, months, extra: str = "") -> dict[int, tuple[str, str]]:
    out = {}
    for month in months:
        theme, work = MONTH_THEMES[month]
        lines = [*rng.sample(work, k=min(len(work), rng.randint(2, 3))), EVERY_MONTH]
        if extra:
            lines.append(extra)
        out[month] = (theme, "\n".join(f"{n}、{line}" for n, line in enumerate(lines, start=1)))
    return out


def _move(plan, status, *, author, reviewer, comment=""):
    """Takes a fresh draft to ``status`` through the services."""
    if status == WorkPlan.Status.DRAFT:
        return
    services.workplan_submit(actor=author, workplan_id=plan.pk)
    if status == WorkPlan.Status.APPROVED:
        services.workplan_approve(actor=reviewer, workplan_id=plan.pk, comment="同意备案。")
    elif status == WorkPlan.Status.RETURNED:
        services.workplan_return(actor=reviewer, workplan_id=plan.pk, comment=comment or RETURN_COMMENT)


def _term_month_date(year: int, term: str, month: int, day: int) -> datetime.date:
    """The date of ``month``/``day`` inside the term that starts in ``year`` (January is the next year)."""
    return datetime.date(year + 1 if term == "autumn" and month == 1 else year, month, day)


def load_plans(rng, *, office, zones, inspectors, reviewer=None, today: datetime.date | None = None) -> PlansDemoSummary:
    """Writes the demo plans and tasks of ``office`` (see the module docstring); returns the counts.

    ``reviewer`` is the office account that approves plans and gives tasks (default: the office's
    first administrator). Zone leaders are found from their memberships, inspectors' accounts from
    ``Inspector.user``.
    """
    today = today or timezone.localdate()
    if reviewer is None:
        member = (Membership.objects.current(today).filter(office=office, role=Role.OFFICE_ADMIN)
                  .select_related("user").order_by("pk").first())
        reviewer = member.user if member else None
    if reviewer is None:
        raise ValueError("the office needs an administrator account to review plans and give tasks")
    reviewer = _fresh(reviewer)
    year, term = term_for(today)
    months = TERM_MONTHS[term]
    term_name = TERM_NAMES[term]

    # The office's year plan, approved and filed.
    office_plan = services.workplan_create(
        actor=reviewer, level=WorkPlan.Level.OFFICE, office_id=office.pk, year=today.year, term="whole_year",
        title=f"{office.name}{today.year}年教育督导工作计划", summary=OFFICE_SUMMARY,
        items=_items(rng, range(1, 13)),
    )
    _move(office_plan, WorkPlan.Status.APPROVED, author=reviewer, reviewer=reviewer)

    # Zone plans for the term: the first by its leader, the others typed in by the office.
    leaders = {
        m.zone_id: m.user for m in Membership.objects.current(today).filter(
            zone__in=zones, role=Role.ZONE_LEADER).select_related("user").order_by("pk")
    }
    for n, zone in enumerate(zones):
        author = _fresh(leaders.get(zone.pk)) or reviewer
        plan = services.workplan_create(
            actor=author, level=WorkPlan.Level.ZONE, zone_id=zone.pk, year=year, term=term,
            title=f"{zone.name}{year}年{term_name}工作计划", summary=INSPECTOR_SUMMARY,
            items=_items(rng, months, "召开责任区督学工作例会，交流督导经验"),
        )
        _move(plan, WorkPlan.Status.SUBMITTED if n == 0 else WorkPlan.Status.APPROVED, author=author,
              reviewer=reviewer)

    # Inspectors' term plans: one returned (the account holder who leads no zone, if any), two
    # drafts, three awaiting review, the rest approved.
    accounts = {i.pk: _fresh(i.user) for i in inspectors if i.user_id}
    leader_ids = {u.pk for u in leaders.values()}
    returned = next((i.pk for i in inspectors if i.pk in accounts and accounts[i.pk].pk not in leader_ids), None)
    others = [i.pk for i in inspectors if i.pk != returned]
    rng.shuffle(others)
    status_of = dict.fromkeys(others[:2], WorkPlan.Status.DRAFT)
    status_of.update(dict.fromkeys(others[2:5], WorkPlan.Status.SUBMITTED))
    status_of.update(dict.fromkeys(others[5:], WorkPlan.Status.APPROVED))
    if returned is not None:
        status_of[returned] = WorkPlan.Status.RETURNED
    for inspector in inspectors:
        author = accounts.get(inspector.pk) or reviewer
        plan = services.workplan_create(
            actor=author, level=WorkPlan.Level.INSPECTOR, inspector_id=inspector.pk, year=year, term=term,
            title=f"{inspector.name}{year}年{term_name}责任督学工作计划", summary=INSPECTOR_SUMMARY,
            items=_items(rng, months),
        )
        _move(plan, status_of[inspector.pk], author=author, reviewer=reviewer)

    # Tasks: routine monthly visits to every inspector, the term's campaigns, own tasks.
    start, end = term_dates(year, term)
    tasks: list[Task] = []
    for month in months:
        due = _month_end(year + 1 if term == "autumn" and month == 1 else year, month)
        tasks += services.task_prescribe(
            actor=reviewer, kind=Task.Kind.ROUTINE, title=f"{month}月随访督导：责任学校全覆盖",
            description=EVERY_MONTH, due_date=due, office_id=office.pk,
        )
    staffed = inspectors_by_zone(user=reviewer, zone_ids=[z.pk for z in zones], on=today)
    staffed_zones = [z for z in zones if staffed.get(z.pk)]
    for month, day, title, description, one_zone in CAMPAIGNS[term]:
        one_zone = one_zone and staffed_zones
        target = {"zone_id": rng.choice(staffed_zones).pk} if one_zone else {"office_id": office.pk}
        tasks += services.task_prescribe(actor=reviewer, title=title, description=description,
                                         due_date=_term_month_date(year, term, month, day), **target)
    for inspector in inspectors:
        if inspector.pk not in accounts:
            continue
        for title in rng.sample(SELF_CHOSEN, k=2):
            due = start + datetime.timedelta(days=rng.randint(20, (end - start).days))
            tasks.append(services.task_create_self(actor=accounts[inspector.pk], title=title, due_date=due))

    # Completion: most tasks past their due date are done (mostly on time), a few are overdue;
    # some of the next fortnight's are done early, and in a term's first weeks, when nothing is due
    # yet, the earliest two are.
    due_soon = sorted(tasks, key=lambda t: (t.due_date, t.pk))
    early = {t.pk for t in due_soon[:2]} if due_soon and due_soon[0].due_date >= today else set()
    for task in tasks:
        if task.due_date < today:
            if rng.random() >= 0.85:
                continue  # left open: overdue
            if rng.random() < 0.85:
                done_on = task.due_date - datetime.timedelta(days=rng.randint(0, 6))
            else:
                done_on = min(today, task.due_date + datetime.timedelta(days=rng.randint(1, 7)))
        elif task.pk in early or ((task.due_date - today).days <= 14 and rng.random() < 0.3):
            done_on = today - datetime.timedelta(days=rng.randint(0, 3))
        else:
            continue
        actor = accounts.get(task.inspector_id) or reviewer
        services.task_complete(actor=actor, task_id=task.pk, note=rng.choice(NOTES), completed_on=max(done_on, start))

    plans = WorkPlan.objects.filter(office=office)
    office_tasks = Task.objects.filter(office=office)
    return PlansDemoSummary(
        plans=plans.count(),
        approved=plans.filter(status=WorkPlan.Status.APPROVED).count(),
        returned=plans.filter(status=WorkPlan.Status.RETURNED).count(),
        tasks=office_tasks.count(),
        done=office_tasks.filter(status=Task.Status.DONE).count(),
        overdue=office_tasks.overdue(today).count(),
    )
