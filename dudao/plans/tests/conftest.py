"""Fixtures of the plans tests: the two-county world, plans and tasks made through the services."""

import datetime

import pytest

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.plans import services
from dudao.plans.models import Task, WorkPlan

YEAR = 2026


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def user(world, role: str, county: str = "a"):
    """A county's user of ``role`` as a new request sees them (no cached scope)."""
    return fresh(getattr(world, county).users[role])


def inspector_plan(world, *, county: str = "a", term: str = "spring", themes=None, title: str = "") -> WorkPlan:
    """The term plan of the county's signed-in inspector, a draft with a month table."""
    author = user(world, "inspector", county)
    themes = {3: ("开学工作", "1、督导春季开学工作\n2、检查校园安全")} if themes is None else themes
    return services.workplan_create(
        actor=author, level=WorkPlan.Level.INSPECTOR, year=YEAR, term=term,
        title=title or f"{county}县责任督学{YEAR}年春季学期工作计划", items=themes,
    )


def submitted_plan(world, county: str = "a") -> WorkPlan:
    plan = inspector_plan(world, county=county)
    return services.workplan_submit(actor=user(world, "inspector", county), workplan_id=plan.pk)


def own_task(world, county: str = "a", due: datetime.date | None = None, title: str = "") -> Task:
    """A self-chosen task of the county's signed-in inspector."""
    return services.task_create_self(actor=user(world, "inspector", county),
                                     title=title or f"{county}县自主任务：村小回头看",
                                     due_date=due or datetime.date(YEAR, 12, 20))
