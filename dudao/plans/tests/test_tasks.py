"""Tasks: prescribed by the office to many inspectors at once (规定任务), routine, self-chosen."""

import datetime

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import (
    InspectorFactory,
    ListingFactory,
    SchoolFactory,
    ZoneMembershipFactory,
    make_user,
)
from dudao.notifications.models import Notification
from dudao.plans import selectors, services
from dudao.plans.models import Task
from dudao.plans.tests.conftest import YEAR, own_task, user

pytestmark = pytest.mark.django_db

DUE = datetime.date(YEAR, 3, 15)


@pytest.fixture
def second_in_zone(world):
    """A second inspector in county A's zone 1, with a login account, listed at a new school there."""
    inspector = InspectorFactory(office=world.a.office, name="甲县督学3")
    inspector.user = make_user("a_inspector_3", "inspector", office=world.a.office)
    inspector.save(update_fields=["user"])
    school = SchoolFactory(region=world.a.township)
    ZoneMembershipFactory(zone=world.a.zones[0], school=school)
    ListingFactory(inspector=inspector, school=school)
    return inspector


def test_prescribing_to_a_zone_gives_each_of_its_inspectors_one_task_in_one_batch(
        world, second_in_zone, django_capture_on_commit_callbacks):
    # given zone 1 of county A with two inspectors listed at its schools (zone 2 has the third)
    office = user(world, "office_staff")

    # when the office prescribes the spring opening-of-term check to the zone
    with django_capture_on_commit_callbacks(execute=True):
        tasks = services.task_prescribe(actor=office, title="春季开学专项督导", description="开学第一周完成",
                                        due_date=DUE, zone_id=world.a.zones[0].pk)

    # then each inspector of the zone has one open prescribed task, all in one batch and the zone
    assert sorted(t.inspector_id for t in tasks) == sorted([world.a.inspectors[0].pk, second_in_zone.pk])
    rows = Task.objects.filter(batch=tasks[0].batch)
    assert rows.count() == 2
    assert set(rows.values_list("kind", "status", "zone_id", "due_date", "created_by_id")) == {
        ("prescribed", "open", world.a.zones[0].pk, DUE, office.pk)}
    assert not Task.objects.filter(inspector=world.a.inspectors[1]).exists()
    # ... each is audited, and both inspectors are told, with a link to the batch
    assert AuditEvent.objects.filter(action="plans.task.prescribe", target_id__in=[str(t.pk) for t in tasks]).count() == 2
    told = Notification.objects.filter(url__endswith=f"?batch={tasks[0].batch}")
    assert set(told.values_list("recipient__username", flat=True)) == {"a_inspector", "a_inspector_3"}


def test_prescribing_to_the_whole_office_reaches_every_inspector_in_service(world, second_in_zone):
    # given the third inspector suspended: a suspended inspector gets no task
    type(second_in_zone).objects.filter(pk=second_in_zone.pk).update(status="suspended")
    tasks = services.task_prescribe(actor=user(world, "office_admin"), title="社会满意度调查",
                                    due_date=DUE, office_id=world.a.office.pk, kind="routine")
    assert sorted(t.inspector_id for t in tasks) == sorted(i.pk for i in world.a.inspectors)
    assert {t.kind for t in tasks} == {"routine"}
    # each task counts for the zone its inspector mostly works in
    assert {t.inspector_id: t.zone_id for t in tasks} == {
        world.a.inspectors[0].pk: world.a.zones[0].pk, world.a.inspectors[1].pk: world.a.zones[1].pk}


def test_prescribing_to_chosen_inspectors(world):
    tasks = services.task_prescribe(actor=user(world, "office_admin"), title="防溺水专项督导", due_date=DUE,
                                    inspector_ids=[world.a.inspectors[1].pk])
    assert [t.inspector for t in tasks] == [world.a.inspectors[1]]


def test_inspectors_of_another_county_cannot_be_chosen(world):
    with pytest.raises(ValidationError):
        services.task_prescribe(actor=user(world, "office_admin"), title="越权", due_date=DUE,
                                inspector_ids=[world.a.inspectors[0].pk, world.b.inspectors[0].pk])
    assert not Task.objects.filter(title="越权").exists()


def test_zone_of_another_county_is_not_found(world):
    with pytest.raises(ObjectDoesNotExist):
        services.task_prescribe(actor=user(world, "office_admin"), title="越权", due_date=DUE,
                                zone_id=world.b.zones[0].pk)


def test_exactly_one_target_is_named(world):
    with pytest.raises(ValidationError):
        services.task_prescribe(actor=user(world, "office_admin"), title="两个对象", due_date=DUE,
                                zone_id=world.a.zones[0].pk, office_id=world.a.office.pk)


@pytest.mark.parametrize("role", ["inspector", "zone_leader", "school_liaison"])
def test_only_the_office_prescribes(world, role):
    with pytest.raises(PermissionDenied):
        services.task_prescribe(actor=user(world, role), title="越权", due_date=DUE, zone_id=world.a.zones[0].pk)
    assert not Task.objects.filter(title="越权").exists()


# ---- an inspector's own tasks ----------------------------------------------------------------

def test_inspector_adds_a_self_chosen_task_at_a_listed_school(world):
    task = services.task_create_self(actor=user(world, "inspector"), title="村小回头看", due_date=DUE,
                                     school_id=world.a.schools[2].pk)
    assert (task.kind, task.inspector, task.school, task.zone, task.office) == (
        "self_chosen", world.a.inspectors[0], world.a.schools[2], world.a.zones[0], world.a.office)
    assert AuditEvent.objects.filter(action="plans.task.create", target_id=str(task.pk)).exists()


def test_own_task_cannot_be_at_a_school_out_of_reach(world):
    with pytest.raises(ObjectDoesNotExist):
        services.task_create_self(actor=user(world, "inspector"), title="越权", due_date=DUE,
                                  school_id=world.b.schools[0].pk)


def test_a_user_without_inspector_record_has_no_own_tasks(world):
    with pytest.raises(ValidationError):
        services.task_create_self(actor=user(world, "zone_leader"), title="组长任务", due_date=DUE)


def test_own_tasks_are_self_chosen_or_routine(world):
    with pytest.raises(ValidationError):
        services.task_create_self(actor=user(world, "inspector"), title="冒充规定任务", due_date=DUE,
                                  kind="prescribed")


# ---- who sees and who completes --------------------------------------------------------------

def test_inspector_sees_own_tasks_zone_leader_the_zones_office_all(world, second_in_zone):
    # given a task of each of the three inspectors of county A
    office = user(world, "office_admin")
    mine, colleague_zone1 = services.task_prescribe(actor=office, title="甲", due_date=DUE,
                                                    zone_id=world.a.zones[0].pk)
    if mine.inspector_id != world.a.inspectors[0].pk:
        mine, colleague_zone1 = colleague_zone1, mine
    [zone2] = services.task_prescribe(actor=office, title="乙", due_date=DUE, inspector_ids=[world.a.inspectors[1].pk])

    def seen(role):
        return set(selectors.task_list(user=user(world, role)).values_list("pk", flat=True))

    assert seen("inspector") == {mine.pk}
    assert seen("zone_leader") == {mine.pk, colleague_zone1.pk}
    assert {mine.pk, colleague_zone1.pk, zone2.pk} <= seen("office_staff")
    assert seen("school_liaison") == set()
    assert not {mine.pk, colleague_zone1.pk, zone2.pk} & set(
        selectors.task_list(user=user(world, "office_admin", "b")).values_list("pk", flat=True))


def test_zone_leader_cannot_complete_a_zone_inspectors_task(world):
    task = own_task(world)
    with pytest.raises(PermissionDenied):
        services.task_complete(actor=user(world, "zone_leader"), task_id=task.pk)
    task.refresh_from_db()
    assert task.status == "open"


def test_office_records_completion_for_an_inspector_without_account(world):
    [task] = services.task_prescribe(actor=user(world, "office_admin"), title="规定任务", due_date=DUE,
                                     inspector_ids=[world.a.inspectors[1].pk])
    services.task_complete(actor=user(world, "office_staff"), task_id=task.pk, note="电话核实已完成",
                           completed_on=datetime.date(YEAR, 3, 10))
    task.refresh_from_db()
    assert (task.status, task.completed_on, task.completion_note) == ("done", datetime.date(YEAR, 3, 10), "电话核实已完成")
    assert task.done_on_time


def test_completion_date_cannot_be_in_the_future(world):
    task = own_task(world)
    with pytest.raises(ValidationError):
        services.task_complete(actor=user(world, "inspector"), task_id=task.pk,
                               completed_on=timezone.localdate() + datetime.timedelta(days=1))
    task.refresh_from_db()
    assert task.status == "open" and task.completed_on is None


def test_reopening_clears_the_completion(world):
    task = own_task(world)
    inspector = user(world, "inspector")
    services.task_complete(actor=inspector, task_id=task.pk, note="完成")
    services.task_reopen(actor=inspector, task_id=task.pk, reason="材料未归档")
    task.refresh_from_db()
    assert (task.status, task.completed_on, task.completed_at) == ("open", None, None)
    assert AuditEvent.objects.get(action="plans.task.reopen", target_id=str(task.pk)).reason == "材料未归档"


def test_overdue_is_derived_from_the_due_date(world):
    today = timezone.localdate()
    late = own_task(world, due=today - datetime.timedelta(days=1), title="逾期")
    fresh_task = own_task(world, due=today, title="今天到期")
    assert late.overdue and not fresh_task.overdue
    assert set(Task.objects.filter(pk__in=[late.pk, fresh_task.pk]).overdue().values_list("pk", flat=True)) == {late.pk}
    services.task_complete(actor=user(world, "inspector"), task_id=late.pk)
    late.refresh_from_db()
    assert not late.overdue and not late.done_on_time


# ---- editing ---------------------------------------------------------------------------------

def test_inspector_edits_own_task_but_not_a_prescribed_one(world):
    inspector = user(world, "inspector")
    mine = own_task(world)
    mine.due_date = datetime.date(YEAR, 12, 31)
    services.task_update(actor=inspector, instance=mine)
    assert Task.objects.get(pk=mine.pk).due_date == datetime.date(YEAR, 12, 31)

    [given] = services.task_prescribe(actor=user(world, "office_admin"), title="规定任务", due_date=DUE,
                                      inspector_ids=[world.a.inspectors[0].pk])
    given.due_date = datetime.date(YEAR, 12, 31)
    with pytest.raises(PermissionDenied):
        services.task_update(actor=inspector, instance=given)
    assert Task.objects.get(pk=given.pk).due_date == DUE


def test_office_admin_withdraws_a_task_staff_cannot(world):
    task = own_task(world)
    with pytest.raises(PermissionDenied):
        services.task_delete(actor=user(world, "office_staff"), instance=task)
    services.task_delete(actor=user(world, "office_admin"), instance=task)
    assert not Task.objects.filter(pk=task.pk).exists()
