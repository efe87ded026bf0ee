"""``dudao notify reminders`` reminds an inspector of a task due in three calendar days, once per
task and due date; a task given a new due date is reminded again."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from dudao.notifications.models import Kind, Notification, Reminder
from dudao.plans import services
from dudao.plans.tests.conftest import own_task, user

pytestmark = pytest.mark.django_db


def remind(on: datetime.date) -> None:
    call_command("notify", "reminders", "--date", on.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115


def task_reminders(world, task, county: str = "a") -> list[str]:
    return list(Notification.objects.filter(recipient=getattr(world, county).users["inspector"],
                                            kind=Kind.DEADLINE_SOON, url=task.get_absolute_url())
                .values_list("title", flat=True))


def test_an_inspector_is_reminded_of_a_task_due_in_three_days_once_and_again_after_a_new_due_date(
        world, django_capture_on_commit_callbacks):
    # given the inspector's own task due in 3 days (a Monday's task is reminded on the Friday: calendar days)
    today = timezone.localdate()
    task = own_task(world, due=today + datetime.timedelta(days=3), title="村小回头看")

    # when the reminders run today and again tomorrow
    with django_capture_on_commit_callbacks(execute=True):
        remind(today)
        remind(today + datetime.timedelta(days=1))

    # then the inspector was reminded once, by the task's title
    [title] = task_reminders(world, task)
    assert "村小回头看" in title
    assert task_reminders(world, task, "b") == []

    # when the task is given a later due date and that one comes near
    task.due_date = today + datetime.timedelta(days=10)
    services.task_update(actor=user(world, "inspector"), instance=task)
    with django_capture_on_commit_callbacks(execute=True):
        remind(today + datetime.timedelta(days=7))

    # then it is reminded again, once per due date
    assert len(task_reminders(world, task)) == 2
    assert sorted(Reminder.objects.filter(subject=f"plans.task:{task.pk}").values_list("deadline", flat=True)) == [
        today + datetime.timedelta(days=3), today + datetime.timedelta(days=10)]


def test_a_task_done_or_due_later_is_not_reminded(world, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    done = own_task(world, due=today + datetime.timedelta(days=2), title="已完成的任务")
    services.task_complete(actor=user(world, "inspector"), task_id=done.pk, note="已完成", completed_on=today)
    later = own_task(world, due=today + datetime.timedelta(days=4), title="下周的任务")
    with django_capture_on_commit_callbacks(execute=True):
        remind(today)
    assert task_reminders(world, done) == []
    assert task_reminders(world, later) == []
