"""A reminder of a coming deadline goes out once per thing and deadline (``Reminder``), through the
person's channels for its kind; ``dudao notify reminders`` runs the senders the apps name."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from dudao.core.testing.factories import OfficeFactory, make_user
from dudao.notifications import services
from dudao.notifications.models import REMINDER_DAYS, Kind, Notification, Reminder

pytestmark = pytest.mark.django_db


def test_a_reminder_is_sent_once_per_thing_and_deadline(django_capture_on_commit_callbacks):
    # given a person and a thing due in 3 days
    person = make_user("reminded", "office_staff", office=OfficeFactory())
    deadline = timezone.localdate() + datetime.timedelta(days=REMINDER_DAYS)
    send = {"kind": Kind.SURVEY_CLOSING, "subject": "surveys.survey:7", "recipients": [person, person],
            "title": "问卷即将截止", "url": "/surveys/7/"}

    # when it is reminded twice, then for a later deadline
    with django_capture_on_commit_callbacks(execute=True):
        first = services.reminder_send(deadline=deadline, **send)
        again = services.reminder_send(deadline=deadline, **send)
        later = services.reminder_send(deadline=deadline + datetime.timedelta(days=5), **send)

    # then the first and the later deadline went out, each once, to the person once
    assert first is not None and again is None and later is not None
    assert first.recipients == 1
    assert list(Notification.objects.filter(recipient=person).values_list("kind", "title")) == [
        (Kind.SURVEY_CLOSING, "问卷即将截止")] * 2
    assert Reminder.objects.filter(subject="surveys.survey:7").count() == 2


def test_a_reminder_with_nobody_to_tell_is_left_for_the_next_run(django_capture_on_commit_callbacks):
    deadline = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminder_send(kind=Kind.DEADLINE_SOON, subject="plans.task:1", deadline=deadline,
                                      recipients=[], title="任务即将到期") is None
    assert not Reminder.objects.exists()


def test_the_reminder_window_counts_three_calendar_days():
    on = timezone.localdate()
    assert services.reminder_window(on) == (on, on + datetime.timedelta(days=3))


def test_the_daily_command_runs_the_senders_each_app_names(capsys):
    # the apps that own deadlines name their senders; notifications imports none of them
    named = {path for config in apps.get_app_configs() for path in getattr(config, "reminders", ())}
    assert named == {
        "dudao.directives.services.directive_reminders_send",
        "dudao.inspections.services.rectifications.deadline_reminders_send",
        "dudao.plans.services.task_reminders_send",
        "dudao.surveys.services.survey_reminders_send",
        "dudao.workreports.services.report_reminders_send",
    }
    call_command("notify", "reminders")
    assert capsys.readouterr().out.strip() == "0 reminder(s) sent to 0 recipient(s)."
