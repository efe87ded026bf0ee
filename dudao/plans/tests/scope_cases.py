"""Scope-matrix cases of work plans and tasks (see ``dudao.core.testing.scope_matrix``)."""

import datetime

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.core.testing.world import fresh
from dudao.plans import selectors, services
from dudao.plans.models import WorkPlan


def _plan(world, county):
    """An approved term plan of the county's second inspector (who has no login account), typed in by
    the office: visible to no one outside the county, whatever their role."""
    c = getattr(world, county)
    office = fresh(c.users["office_admin"])
    plan = services.workplan_create(
        actor=office, level=WorkPlan.Level.INSPECTOR, inspector_id=c.inspectors[1].pk, year=2026, term="autumn",
        title=f"{c.office.name}督学计划标记{county.upper()}", items={9: ("开学工作", "督导秋季开学")},
    )
    services.workplan_submit(actor=office, workplan_id=plan.pk)
    return services.workplan_approve(actor=office, workplan_id=plan.pk)


def _task(world, county):
    c = getattr(world, county)
    office = fresh(c.users["office_admin"])
    [task] = services.task_prescribe(actor=office, title=f"{c.office.name}规定任务标记{county.upper()}",
                                     due_date=datetime.date(2026, 10, 31), inspector_ids=[c.inspectors[1].pk])
    return task


register(ScopeCase(
    label="plans.WorkPlan",
    b_row=lambda world: _plan(world, "b"),
    a_row=lambda world: _plan(world, "a"),
    marker=lambda plan: plan.title,
    ui_list="plans:workplan_list",
    ui_detail="plans:workplan_detail",
    api_basename="plans-workplan",
    selectors={"workplan_list": lambda user: selectors.workplan_list(user=user)},
))

register(ScopeCase(
    label="plans.Task",
    b_row=lambda world: _task(world, "b"),
    a_row=lambda world: _task(world, "a"),
    marker=lambda task: task.title,
    ui_list="plans:task_list",
    ui_detail="plans:task_detail",
    api_basename="plans-task",
    selectors={"task_list": lambda user: selectors.task_list(user=user)},
))
