"""Writes of the supervision loop in the scope matrix (see ``dudao.core.testing.scope_matrix``).

County A: its inspector is listed at schools 0 and 2 (zone 1, led by its zone leader); its liaison
answers for school 0, its principal leads school 1. Every notice here is at school 0.
"""

import uuid

from django.urls import reverse
from django.utils import timezone

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.inspections.models import Visit
from dudao.inspections.selectors.visits import visit_visible_q
from dudao.inspections.services.rectifications import (
    rectification_close,
    rectification_escalate,
    rectification_issue,
    rectification_return,
    rectification_submit,
)
from dudao.inspections.services.visits import visit_save_draft, visit_submit
from dudao.inspections.tests.rectification_fixtures import days_ago, notice_in, record_finding, user

OFFICE = ("office_admin", "office_staff")
INSPECTORS = ("inspector", "zone_leader")


def _api(name: str, data: dict):
    return lambda row: ("post", reverse(f"api:inspections-rectification-{name}", args=[row.pk]), data)


register_write(WriteCase(
    label="inspections.Rectification", name="submit", allowed=("school_liaison",),
    row=lambda world: notice_in(world, "issued"),
    service=lambda user, notice: rectification_submit(actor=user, rectification_id=notice.pk, measures="已整改"),
    api=_api("submit", {"measures": "已整改"}),
))

register_write(WriteCase(
    label="inspections.Rectification", name="close", allowed=INSPECTORS,
    row=lambda world: notice_in(world, "submitted"),
    service=lambda user, notice: rectification_close(actor=user, rectification_id=notice.pk, remarks="复查合格"),
    api=_api("close", {"remarks": "复查合格"}),
))

register_write(WriteCase(
    label="inspections.Rectification", name="return", allowed=INSPECTORS,
    row=lambda world: notice_in(world, "submitted"),
    service=lambda user, notice: rectification_return(actor=user, rectification_id=notice.pk, remarks="照片不清晰"),
    api=_api("return", {"result": "not_rectified", "remarks": "照片不清晰"}),
))

# 约谈 / 通报批评: only the office that owns the notice; the city office above watches it
register_write(WriteCase(
    label="inspections.Rectification", name="escalate", allowed=OFFICE,
    row=lambda world: notice_in(world, "issued", issued_on=days_ago(10), deadline=days_ago(1)),
    service=lambda user, notice: rectification_escalate(actor=user, rectification_id=notice.pk, kind="interview",
                                                        note="约谈校长"),
    api=_api("escalate", {"kind": "criticism", "note": "通报批评"}),
))

register_write(WriteCase(
    label="inspections.Finding", name="issue", allowed=INSPECTORS,
    row=lambda world: record_finding(world),
    service=lambda user, finding: rectification_issue(actor=user, finding_id=finding.pk, requirements="限期整改"),
    api=lambda finding: ("post", reverse("api:inspections-rectification-list"),
                         {"finding": finding.pk, "requirements": "限期整改"}),
))


def _draft_visit(world) -> Visit:
    visit, _created = visit_save_draft(
        actor=user(world, "inspector"), client_uuid=uuid.uuid4(), school_id=world.a.schools[0].pk,
        data={"date": timezone.localdate(), "kind": "routine", "methods": ["campus_walk"], "purpose": "随机督导"},
        answers={"1": {"value": "正常"}}, lessons=[],
    )
    return visit


register_write(WriteCase(
    label="inspections.Visit", name="submit", allowed=("inspector",),
    row=_draft_visit,
    service=lambda user, visit: visit_submit(actor=user, visit_id=visit.pk),
    api=lambda visit: ("post", reverse("api:inspections-visit-submit", args=[visit.pk]), {}),
    # a draft is its author's alone: the others do not see it
    visible=lambda user, visit: Visit.objects.for_user(user).filter(visit_visible_q(user), pk=visit.pk).exists(),
))
