"""``dudao notify reminders`` reminds the school of a notice's deadline three calendar days ahead,
once per notice and deadline (docs/notifications.md)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from dudao.inspections.tests.rectification_fixtures import notice_in
from dudao.notifications.models import Kind, Notification, Reminder

pytestmark = pytest.mark.django_db


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def remind(on: datetime.date | None = None) -> None:
    out = open("/dev/null", "w")  # noqa: SIM115
    args = ["notify", "reminders"] + (["--date", on.isoformat()] if on else [])
    call_command(*args, stdout=out)


def reminders_of(world, notice, role: str = "school_liaison", county: str = "a") -> list[Notification]:
    return list(Notification.objects.filter(recipient=getattr(world, county).users[role], kind=Kind.DEADLINE_SOON,
                                            title__contains=str(notice)))


def test_the_school_is_reminded_three_days_before_the_deadline_and_only_once(world, django_capture_on_commit_callbacks):
    # given a notice at school 0 due in 10 days
    notice = notice_in(world, "issued", deadline=in_days(10))
    deadline = notice.deadline

    # when the reminders run four days before the deadline, nothing is sent
    with django_capture_on_commit_callbacks(execute=True):
        remind(deadline - datetime.timedelta(days=4))
    assert reminders_of(world, notice) == []

    # when they run three calendar days before it, twice, and again the next day
    with django_capture_on_commit_callbacks(execute=True):
        remind(deadline - datetime.timedelta(days=3))
        remind(deadline - datetime.timedelta(days=3))
        remind(deadline - datetime.timedelta(days=2))

    # then the school's liaison was reminded once, with the deadline and the notice's link
    [message] = reminders_of(world, notice)
    assert notice.school.name in message.title and message.url == notice.get_absolute_url()
    assert message.body == notice.requirements
    # and nobody outside the school: not its inspector, not the office, not county B
    for role in ("inspector", "office_admin", "zone_leader"):
        assert reminders_of(world, notice, role) == [], role
    assert reminders_of(world, notice, "school_liaison", "b") == []
    reminder = Reminder.objects.get(subject=f"inspections.rectification:{notice.pk}")
    assert (reminder.kind, reminder.deadline, reminder.recipients) == (Kind.DEADLINE_SOON, deadline, 1)


def test_a_returned_notice_is_reminded_and_an_answered_or_closed_one_is_not(world, django_capture_on_commit_callbacks):
    # given notices in every state, all due in 2 days
    notices = {state: notice_in(world, state, deadline=in_days(2))
               for state in ("issued", "submitted", "returned", "closed")}

    # when the reminders run today
    with django_capture_on_commit_callbacks(execute=True):
        remind()

    # then the school hears about those still with it
    assert {state for state, n in notices.items() if reminders_of(world, n)} == {"issued", "returned"}


def test_a_notice_due_today_is_reminded_a_past_one_is_overdue_not_reminded(world, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    due_today = notice_in(world, "issued", issued_on=in_days(-5), deadline=today)
    past = notice_in(world, "issued", issued_on=in_days(-5), deadline=in_days(-1))
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(timezone.now(), tick=False):
        remind()  # without --date: as of today
    assert len(reminders_of(world, due_today)) == 1
    assert reminders_of(world, past) == []
