"""Writes of work plans and tasks in the scope matrix (see ``dudao.core.testing.scope_matrix``): the
plan and the task of county A's second inspector (no login account), reviewed and recorded by the
county's office; the city office above reads them."""

import datetime

from django.urls import reverse

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.core.testing.world import fresh
from dudao.plans import services
from dudao.plans.models import WorkPlan

OFFICE = ("office_admin", "office_staff")


def _submitted_plan(world) -> WorkPlan:
    office = fresh(world.a.users["office_admin"])
    plan = services.workplan_create(
        actor=office, level=WorkPlan.Level.INSPECTOR, inspector_id=world.a.inspectors[1].pk, year=2026,
        term="autumn", title="督学学期工作计划", items={9: ("开学工作", "督导秋季开学")},
    )
    return services.workplan_submit(actor=office, workplan_id=plan.pk)


def _task(world):
    [task] = services.task_prescribe(actor=fresh(world.a.users["office_admin"]), title="核查课后服务",
                                     due_date=datetime.date(2026, 12, 31), inspector_ids=[world.a.inspectors[1].pk])
    return task


register_write(WriteCase(
    label="plans.WorkPlan", name="approve", allowed=OFFICE,
    row=_submitted_plan,
    service=lambda user, plan: services.workplan_approve(actor=user, workplan_id=plan.pk),
    api=lambda plan: ("post", reverse("api:plans-workplan-approve", args=[plan.pk]), {"comment": "同意备案"}),
))

register_write(WriteCase(
    label="plans.Task", name="complete", allowed=OFFICE,
    row=_task,
    service=lambda user, task: services.task_complete(actor=user, task_id=task.pk, note="已核查"),
    api=lambda task: ("post", reverse("api:plans-task-complete", args=[task.pk]), {"note": "已核查"}),
))
