"""Shared steps of the report tests: county A's October 2026 recorded through the real services.

County A of the two-county world: ``a_inspector`` (inspector 0) is listed at schools 0 and 2,
both in zone 0 (led by ``a_zone_leader``); schools 1 and 3 are in zone 1, school 1 listed to
inspector 1 (no login). County B gets a visit and a finding that no county-A report may count.
"""

import datetime
import uuid

import pytest

from dudao.core.testing.world import build_world, fresh
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import rectification_close, rectification_issue, rectification_submit
from dudao.inspections.services.visits import visit_save_draft, visit_submit

OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


@pytest.fixture
def world(db):
    return build_world()


def user(world, role: str, county: str = "a"):
    return fresh(getattr(world, county).users[role])


def visit(actor, school, day, *, lessons=(), highlights="", recommended=False):
    data = {"date": day, "kind": "routine", "methods": ["campus_walk", "lesson"], "purpose": "例行督导",
            "highlights": highlights, "highlight_recommended": recommended, "problems": "", "feedback": ""}
    draft, _created = visit_save_draft(actor=actor, client_uuid=uuid.uuid4(), school_id=school.pk, data=data,
                                       answers={}, lessons=list(lessons))
    return visit_submit(actor=actor, visit_id=draft.pk)


def lesson(rating: str, n: int = 1) -> dict:
    return {"class_name": f"三年级{n}班", "subject": "语文", "teacher": f"教师{n}", "topic": "", "rating": rating,
            "comments": ""}


def finding(actor, school, day, code: str, description: str = "食堂留样记录不全"):
    return finding_record(actor=actor, school_id=school.pk, description=description, item_code=code, found_on=day)


@pytest.fixture
def october(world):
    """County A in October 2026 (and a visit in September, outside the month).

    * school 0: visits on 8 and 20 October (2 lessons on the 8th: excellent, good; highlights
      recommended), a finding under item 7 on the 8th with a notice due 15 October, still open;
    * school 2: a visit on 15 September only; findings under items 6 and 7 in October, the item-6
      one noticed on 21 October, answered and closed on 24 October;
    * county B: a visit and a finding in October.
    """
    inspector = user(world, "inspector")
    s0, s1, s2, s3 = world.a.schools
    d = datetime.date
    visit(inspector, s0, d(2026, 10, 8), lessons=[lesson("excellent", 1), lesson("good", 2)],
          highlights="课后服务“一校一案”做法值得推广", recommended=True)
    visit(inspector, s0, d(2026, 10, 20))
    visit(inspector, s2, d(2026, 9, 15))
    f0 = finding(inspector, s0, d(2026, 10, 8), "7")
    rectification_issue(actor=inspector, finding_id=f0.pk, requirements="补齐留样记录", issued_on=d(2026, 10, 8),
                        deadline=d(2026, 10, 15))
    f1 = finding(inspector, s2, d(2026, 10, 21), "6", "校门口护栏损坏")
    notice = rectification_issue(actor=inspector, finding_id=f1.pk, requirements="修复护栏",
                                 issued_on=d(2026, 10, 21), deadline=d(2026, 10, 25))
    rectification_submit(actor=_liaison_of(world, s2), rectification_id=notice.pk, measures="已修复")
    rectification_close(actor=inspector, rectification_id=notice.pk, checked_on=d(2026, 10, 24))
    finding(inspector, s2, d(2026, 10, 22), "7")
    b_inspector = user(world, "inspector", "b")
    visit(b_inspector, world.b.schools[0], d(2026, 10, 9))
    finding(b_inspector, world.b.schools[0], d(2026, 10, 9), "7")
    return world


def _liaison_of(world, school):
    """A liaison login for ``school`` (the world's liaison answers for school 0 only)."""
    from dudao.core.testing.factories import make_user

    return fresh(make_user(f"liaison_{school.pk}", "school_liaison", office=world.a.office, school=school))


def make_colleague(world):
    """A login for county A's second inspector (listed at school 1 only), made once."""
    from dudao.core.testing.factories import make_user

    inspector = type(world.a.inspectors[1]).objects.get(pk=world.a.inspectors[1].pk)
    if inspector.user_id is None:
        inspector.user = make_user("a_inspector2", "inspector", office=world.a.office)
        inspector.save(update_fields=["user"])
    return fresh(inspector.user)
