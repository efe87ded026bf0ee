"""``dudao notify reminders`` reminds the office running an open survey that it closes in three
calendar days, once per survey and closing date."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import formats, timezone

from dudao.notifications.models import Kind, Notification
from dudao.surveys import services
from dudao.surveys.tests.conftest import answer, make_survey, office_admin

pytestmark = pytest.mark.django_db


def remind(on: datetime.date) -> None:
    call_command("notify", "reminders", "--date", on.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115


def closing_messages(world, survey, role: str, county: str = "a") -> list[Notification]:
    return list(Notification.objects.filter(recipient=getattr(world, county).users[role], kind=Kind.SURVEY_CLOSING,
                                            url=survey.get_absolute_url()))


def test_the_office_running_a_survey_is_reminded_three_days_before_it_closes(world, django_capture_on_commit_callbacks):
    # given an open survey of county A closing in 30 days, with one answer
    survey = make_survey(world, open_it=True, title="甲县家长满意度调查")
    answer(survey, world.a.schools[0], "parents", "满意")
    closes = survey.closes_on

    # when the reminders run four days before, then three days before (twice) and two days before
    with django_capture_on_commit_callbacks(execute=True):
        remind(closes - datetime.timedelta(days=4))
    assert closing_messages(world, survey, "office_admin") == []
    with django_capture_on_commit_callbacks(execute=True):
        remind(closes - datetime.timedelta(days=3))
        remind(closes - datetime.timedelta(days=3))
        remind(closes - datetime.timedelta(days=2))

    # then the office's administrator and staff were each reminded once, with the answers so far
    for role in ("office_admin", "office_staff"):
        [message] = closing_messages(world, survey, role)
        assert "甲县家长满意度调查" in message.title
        assert "1" in message.body.replace(formats.date_format(closes, "DATE_FORMAT"), "")
    # and not the schools, nor county B's office
    assert closing_messages(world, survey, "school_liaison") == []
    assert closing_messages(world, survey, "office_admin", "b") == []

    # when the office moves the closing date later, the new date is reminded again
    later = closes + datetime.timedelta(days=7)
    services.survey_update(actor=office_admin(world), survey_id=survey.pk, closes_on=later)
    with django_capture_on_commit_callbacks(execute=True):
        remind(later - datetime.timedelta(days=1))
    assert len(closing_messages(world, survey, "office_admin")) == 2


def test_a_draft_or_closed_survey_is_not_reminded(world, django_capture_on_commit_callbacks):
    draft = make_survey(world, title="草稿调查")
    closed = make_survey(world, open_it=True, title="已结束调查")
    services.survey_close(actor=office_admin(world), survey_id=closed.pk)
    with django_capture_on_commit_callbacks(execute=True):
        remind(timezone.localdate() + datetime.timedelta(days=29))
    assert closing_messages(world, draft, "office_admin") == []
    assert closing_messages(world, closed, "office_admin") == []
