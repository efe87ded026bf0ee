"""The demo plans and tasks: written through the services, a realistic mix, repeatable."""

import random

import pytest
from django.db import transaction

from dudao.audit.services import verify_chain
from dudao.core.testing.world import world_rolled_back
from dudao.demo.plans import MONTH_THEMES, load_plans
from dudao.plans.models import PlanItem, Task, WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def load(world, seed=7):
    a = world.a
    return load_plans(random.Random(seed), office=a.office, zones=a.zones, inspectors=a.inspectors,
                      reviewer=a.users["office_admin"])


def test_demo_writes_the_year_plan_with_twelve_themes(world):
    load(world)
    plan = WorkPlan.objects.get(office=world.a.office, level="office")
    assert plan.status == WorkPlan.Status.APPROVED
    themes = dict(PlanItem.objects.filter(plan=plan).values_list("month", "theme"))
    assert themes == {m: MONTH_THEMES[m][0] for m in range(1, 13)}
    assert themes[3] == "开学专项督导" and themes[11] == "作业与课业负担"


def test_demo_plans_of_zones_and_inspectors_cover_the_states(world):
    summary = load(world)
    inspector_plans = WorkPlan.objects.filter(office=world.a.office, level="inspector")
    assert inspector_plans.count() == len(world.a.inspectors)
    assert WorkPlan.objects.filter(office=world.a.office, level="zone").count() == len(world.a.zones)
    # the inspector with an account has the returned plan, with the office's comment
    returned = inspector_plans.get(status="returned")
    assert returned.inspector == world.a.inspectors[0] and returned.review_comment
    assert summary.returned == 1 and summary.approved >= 2
    # the zone leader wrote their zone's plan themselves
    assert WorkPlan.objects.get(zone=world.a.zones[0], level="zone").created_by == world.a.users["zone_leader"]


def test_demo_tasks_mix_kinds_and_states(world):
    summary = load(world)
    tasks = Task.objects.filter(office=world.a.office)
    assert set(tasks.values_list("kind", flat=True)) == {"routine", "prescribed", "self_chosen"}
    assert summary.tasks == tasks.count() >= 20
    assert summary.done == tasks.filter(status="done").count() > 0
    assert tasks.filter(status="open").exists()
    assert all(t.completed_on is not None for t in tasks.filter(status="done"))
    assert verify_chain() == []


class _Rollback(Exception):
    pass


def _fingerprint(world, seed):
    try:
        with transaction.atomic():
            load(world, seed)
            rows = list(Task.objects.order_by("title", "inspector_id", "due_date").values_list(
                "title", "inspector_id", "due_date", "status", "completed_on"))
            rows += list(PlanItem.objects.order_by("plan__title", "month").values_list("plan__title", "month",
                                                                                         "work_items"))
            raise _Rollback(rows)
    except _Rollback as done:
        return done.args[0]


def test_same_seed_same_demo(world):
    assert _fingerprint(world, 3) == _fingerprint(world, 3)
    assert _fingerprint(world, 3) != _fingerprint(world, 4)
