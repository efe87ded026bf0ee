"""The tasks per inspector and day (``TaskCount``) that completion tables add up: kept by the task
services (given, moved, completed, reopened, withdrawn), equal after any sequence of writes to a
recount from the tasks, and read by ``task_completion`` with the figures the tasks themselves give."""

import contextlib
import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.core.tally import recount
from dudao.core.workflow import TransitionNotAllowed
from dudao.plans import selectors, services
from dudao.plans.models import Task, TaskCount
from dudao.plans.tests.conftest import user

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 5, 20, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
DAYS = [datetime.date(2026, 3, 1), datetime.date(2026, 4, 30), datetime.date(2026, 5, 20), datetime.date(2026, 6, 15)]
REFUSED = (TransitionNotAllowed, ValidationError, PermissionDenied, Task.DoesNotExist)

STEPS = st.lists(st.one_of(
    st.tuples(st.just("own"), st.sampled_from(DAYS)),  # the inspector gives themselves a task due on a day
    st.tuples(st.just("prescribe"), st.sampled_from(DAYS)),  # the office gives one to both inspectors
    st.tuples(st.just("move"), st.integers(0, 20), st.sampled_from(DAYS)),  # the n-th task falls due on another day
    st.tuples(st.just("complete"), st.integers(0, 20), st.sampled_from(DAYS[:3])),  # done on a day so far
    st.tuples(st.just("reopen"), st.integers(0, 20)),
    st.tuples(st.just("withdraw"), st.integers(0, 20)),  # the office withdraws a task given by mistake
), max_size=14)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def lines() -> tuple[dict, dict]:
    """The lines kept, and those a recount of the tasks gives."""
    kept = {(m.office_id, m.inspector_id, m.zone_key, m.due_date): (m.tasks, m.completed, m.completed_on_time)
            for m in TaskCount.objects.all()}
    done = Q(status=Task.Status.DONE)
    counted = {(r["office_id"], r["inspector_id"], r["zone_or_none"], r["due_date"]): (r["n"], r["done"], r["on_time"])
               for r in Task.objects.values("office_id", "inspector_id", "due_date", zone_or_none=Coalesce("zone_id", 0))
               .annotate(n=Count("pk"), done=Count("pk", filter=done),
                         on_time=Count("pk", filter=done & Q(completed_on__lte=F("due_date"))))}
    return kept, counted


def write(world, steps):
    inspector, office = user(world, "inspector"), user(world, "office_admin")
    for step in steps:
        tasks = list(Task.objects.order_by("pk").values_list("pk", flat=True))
        with contextlib.suppress(*REFUSED):
            if step[0] == "own":
                services.task_create_self(actor=inspector, title="自主任务", due_date=step[1])
            elif step[0] == "prescribe":
                services.task_prescribe(actor=office, title="规定任务", due_date=step[1],
                                        inspector_ids=[i.pk for i in world.a.inspectors[:2]])
            elif tasks and step[0] == "move":
                task = Task.objects.get(pk=tasks[step[1] % len(tasks)])
                task.due_date = step[2]
                services.task_update(actor=office, instance=task)
            elif tasks and step[0] == "complete":
                services.task_complete(actor=office, task_id=tasks[step[1] % len(tasks)], completed_on=step[2])
            elif tasks and step[0] == "reopen":
                services.task_reopen(actor=office, task_id=tasks[step[1] % len(tasks)])
            elif tasks:
                services.task_delete(actor=office, instance=Task.objects.get(pk=tasks[step[1] % len(tasks)]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_tasks_kept_per_day_equal_a_recount_after_any_writes(world, steps):
    # given tasks given, moved, completed and reopened in any order (refused ones change nothing)
    write(world, steps)

    # then the lines kept are those a recount of the tasks gives, and so is the rebuild
    kept, counted = lines()
    assert kept == counted
    assert recount(TaskCount) == len(counted) and lines()[0] == counted

    # and completion read from them is what the tasks give, for every period and day
    office = user(world, "office_admin")
    tasks = Task.objects.filter(office=world.a.office)
    for period in ((DAYS[0], DAYS[2]), (DAYS[1], DAYS[3]), None):
        for on in DAYS:
            data = selectors.task_completion(user=office, period=period, on=on)
            due = tasks if period is None else tasks.filter(due_date__range=period)
            expected = {
                "total": due.count(), "done": due.filter(status="done").count(),
                "on_time": due.filter(status="done", completed_on__lte=F("due_date")).count(),
                "overdue": due.filter(status="open", due_date__lt=on).count(),
            }
            assert {k: data["total"][k] for k in expected} == expected
            assert {r["id"]: r["total"] for r in data["inspectors"]} == dict(
                due.values("inspector_id").annotate(n=Count("pk")).values_list("inspector_id", "n"))
            assert {r["id"]: r["done"] for r in data["zones"]} == dict(
                due.values("zone_id").annotate(n=Count("pk", filter=Q(status="done"))).values_list("zone_id", "n"))
