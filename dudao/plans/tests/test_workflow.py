"""The plan and task state machines (STYLE §7.6).

This is the transition-table test: the only test that builds rows in a given ``status`` directly.
Every (state, transition) pair of ``WorkPlan.TRANSITIONS`` and ``Task.TRANSITIONS`` is tried
through the service, the API twin and the HTML view, by the actor the transition is meant for:
the author submits, the office approves and returns, the inspector completes and reopens.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.core.workflow import REQUIRED, Transition, TransitionNotAllowed, apply_transition, check_transition
from dudao.plans.models import PlanItem, Task, WorkPlan
from dudao.plans.services import TASK_TRANSITION_SERVICES, WORKPLAN_TRANSITION_SERVICES
from dudao.plans.tests.conftest import YEAR, user

pytestmark = pytest.mark.django_db

PLAN_PAIRS = [(state, name) for state in WorkPlan.Status.values for name in WorkPlan.TRANSITIONS]
TASK_PAIRS = [(state, name) for state in Task.Status.values for name in Task.TRANSITIONS]
PLAN_ACTOR = {"submit": "inspector", "approve": "office_admin", "return": "office_admin"}


def plan_in(world, state) -> WorkPlan:
    """An inspector's term plan in ``state``, with one month filled in."""
    plan = WorkPlan.objects.create(
        office=world.a.office, level=WorkPlan.Level.INSPECTOR, inspector=world.a.inspectors[0], year=YEAR,
        term="spring", title=f"状态{state}的计划", status=state, created_by=world.a.users["inspector"],
    )
    PlanItem.objects.bulk_create([PlanItem(plan=plan, month=m, position=i, theme="开学工作" if m == 3 else "")
                                  for i, m in enumerate(plan.months)])
    return plan


def task_in(world, state) -> Task:
    done = state == Task.Status.DONE
    return Task.objects.create(
        office=world.a.office, kind=Task.Kind.SELF_CHOSEN, title=f"状态{state}的任务", inspector=world.a.inspectors[0],
        zone=world.a.zones[0], due_date=datetime.date(YEAR, 5, 31), status=state,
        completed_on=datetime.date(YEAR, 5, 20) if done else None, created_by=world.a.users["inspector"],
    )


def plan_allowed(state, name) -> bool:
    return state in WorkPlan.TRANSITIONS[name].sources


def task_allowed(state, name) -> bool:
    return state in Task.TRANSITIONS[name].sources


def test_tables_cover_every_state_and_have_a_service():
    for model, services in ((WorkPlan, WORKPLAN_TRANSITION_SERVICES), (Task, TASK_TRANSITION_SERVICES)):
        targets = {t.target for t in model.TRANSITIONS.values()}
        sources = set().union(*(t.sources for t in model.TRANSITIONS.values()))
        assert targets | sources == set(model.Status.values)
        assert set(services) == set(model.TRANSITIONS)


# ---- work plans ------------------------------------------------------------------------------

@pytest.mark.parametrize(("state", "name"), PLAN_PAIRS)
def test_plan_service_applies_transition_exactly_where_table_allows(world, state, name):
    # given a plan in ``state`` and the actor the transition is for
    plan = plan_in(world, state)
    actor = user(world, PLAN_ACTOR[name])
    events_before = AuditEvent.objects.count()

    if plan_allowed(state, name):
        # when the transition runs, then the status moves and one audit event says so
        WORKPLAN_TRANSITION_SERVICES[name](actor=actor, workplan_id=plan.pk, comment="请补充十一月课业负担督导")
        plan.refresh_from_db()
        target = WorkPlan.TRANSITIONS[name].target
        assert plan.status == target
        event = AuditEvent.objects.get(action=f"plans.workplan.{name}", target_id=str(plan.pk))
        assert event.changes["status"] == [state, target]
        assert AuditEvent.objects.count() == events_before + 1
        if name == "submit":
            assert plan.submitted_at is not None
        else:
            assert plan.reviewed_by_id == actor.pk and plan.review_comment == "请补充十一月课业负担督导"
    else:
        # when it runs from a wrong state, then it is refused and nothing is written
        with pytest.raises(TransitionNotAllowed):
            WORKPLAN_TRANSITION_SERVICES[name](actor=actor, workplan_id=plan.pk, comment="意见")
        plan.refresh_from_db()
        assert plan.status == state
        assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(("state", "name"), PLAN_PAIRS)
def test_plan_api_twin_answers_200_or_409(world, client, state, name):
    plan = plan_in(world, state)
    client.force_login(user(world, PLAN_ACTOR[name]))

    response = client.post(reverse(f"api:plans-workplan-{name}", args=[plan.pk]), {"comment": "API意见"},
                           content_type="application/json")

    plan.refresh_from_db()
    if plan_allowed(state, name):
        assert response.status_code == 200, response.content
        assert response.json()["status"] == WorkPlan.TRANSITIONS[name].target == plan.status
    else:
        assert response.status_code == 409
        assert plan.status == state


@pytest.mark.parametrize(("state", "name"), PLAN_PAIRS)
def test_plan_html_view_answers_redirect_or_409(world, client, state, name):
    plan = plan_in(world, state)
    client.force_login(user(world, PLAN_ACTOR[name]))

    response = client.post(reverse("plans:workplan_transition", args=[plan.pk, name]), {"comment": "页面意见"})

    plan.refresh_from_db()
    if plan_allowed(state, name):
        assert response.status_code == 302
        assert response["Location"] == plan.get_absolute_url()
        assert plan.status == WorkPlan.TRANSITIONS[name].target
    else:
        assert response.status_code == 409
        assert plan.status == state


# ---- tasks -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("state", "name"), TASK_PAIRS)
def test_task_service_applies_transition_exactly_where_table_allows(world, state, name):
    # given the inspector's own task in ``state``
    task = task_in(world, state)
    actor = user(world, "inspector")
    events_before = AuditEvent.objects.count()

    if task_allowed(state, name):
        # when the inspector moves it, then the status and the completion follow, audited
        TASK_TRANSITION_SERVICES[name](actor=actor, task_id=task.pk)
        task.refresh_from_db()
        assert task.status == Task.TRANSITIONS[name].target
        assert (task.completed_on is not None) == (name == "complete")
        event = AuditEvent.objects.get(action=f"plans.task.{name}", target_id=str(task.pk))
        assert event.changes["status"] == [state, Task.TRANSITIONS[name].target]
        assert AuditEvent.objects.count() == events_before + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            TASK_TRANSITION_SERVICES[name](actor=actor, task_id=task.pk)
        task.refresh_from_db()
        assert task.status == state
        assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(("state", "name"), TASK_PAIRS)
def test_task_api_twin_answers_200_or_409(world, client, state, name):
    task = task_in(world, state)
    client.force_login(user(world, "inspector"))

    response = client.post(reverse(f"api:plans-task-{name}", args=[task.pk]), {}, content_type="application/json")

    task.refresh_from_db()
    if task_allowed(state, name):
        assert response.status_code == 200, response.content
        assert response.json()["status"] == Task.TRANSITIONS[name].target == task.status
    else:
        assert response.status_code == 409
        assert task.status == state


@pytest.mark.parametrize(("state", "name"), TASK_PAIRS)
def test_task_html_view_answers_redirect_or_409(world, client, state, name):
    task = task_in(world, state)
    client.force_login(user(world, "inspector"))

    response = client.post(reverse("plans:task_transition", args=[task.pk, name]), {"note": "已完成"})

    task.refresh_from_db()
    if task_allowed(state, name):
        assert response.status_code == 302
        assert response["Location"] == task.get_absolute_url()
        assert task.status == Task.TRANSITIONS[name].target
    else:
        assert response.status_code == 409
        assert task.status == state


# ---- the guard asked alone -------------------------------------------------------------------

@pytest.mark.parametrize(("state", "name"), TASK_PAIRS)
@pytest.mark.parametrize("role", ["inspector", "office_admin"])
def test_check_transition_refuses_as_apply_transition_and_moves_nothing(world, state, name, role):
    # given a task in ``state`` and an actor who may or may not move it
    task = task_in(world, state)
    actor = user(world, role)
    if name == "complete":  # a done task has its date (the service writes it first)
        task.completed_on = datetime.date(YEAR, 5, 20)
        task.save(update_fields=["completed_on"])

    def outcome(call):
        try:
            call(task, name, actor=actor)
        except (TransitionNotAllowed, PermissionDenied) as refusal:
            return type(refusal)
        return None

    # when the guard is asked alone, then the row stays where it was
    checked = outcome(check_transition)
    task.refresh_from_db()
    assert task.status == state
    # and moving the row is refused the same way (or done when the guard let it through)
    assert outcome(apply_transition) == checked
    task.refresh_from_db()
    assert task.status == (state if checked else Task.TRANSITIONS[name].target)


def test_check_transition_names_a_required_input_left_blank(world, monkeypatch):
    # given a transition that requires a reason, from a state it may run in
    task = task_in(world, Task.Status.DONE)
    actor = user(world, "inspector")
    guarded = Transition({Task.Status.DONE}, Task.Status.OPEN, Task.TRANSITIONS["reopen"].permission,
                         requires={"reason": "说明原因"})
    monkeypatch.setitem(Task.TRANSITIONS, "reopen", guarded)
    row = Task.objects.get(pk=task.pk)
    # when the input is blank, then it is refused naming the field; without input, who and when pass
    with pytest.raises(ValidationError) as refused:
        check_transition(row, "reopen", actor=actor, reason="  ")
    assert refused.value.message_dict == {"reason": ["说明原因"]}
    assert check_transition(row, "reopen", actor=actor) is guarded
    assert check_transition(row, "reopen", actor=actor, reason="未完成") is guarded
    assert Transition({"a"}, "b", "p", requires=("reason",)).missing({}) == {"reason": [REQUIRED]}
