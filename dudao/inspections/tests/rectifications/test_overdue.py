"""Overdue is derived from the deadline, never stored (STYLE §7.6), and ``dudao escalate_overdue``
tells the zone leader and the office once per overdue episode (STANDARDS §7.2)."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.inspections.models import OverdueAlert, Rectification
from dudao.inspections.selectors import rectifications as selectors
from dudao.inspections.services.rectifications import rectification_return
from dudao.inspections.tests.rectification_fixtures import answer, notice_in, user
from dudao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def overdue_flags(world, on):
    rows = selectors.rectification_list(user=user(world, "office_admin"), on=on)
    return {row.pk: row.overdue for row in rows}


def test_overdue_is_not_a_stored_field():
    assert "overdue" not in {f.name for f in Rectification._meta.get_fields()}
    assert not any("overdue" in f.name for f in Rectification._meta.concrete_fields)


def test_one_day_past_the_deadline_an_issued_notice_is_overdue_a_submitted_one_is_not(world):
    # given an issued and a submitted notice, both due in 5 days
    deadline = in_days(5)
    issued = notice_in(world, "issued", deadline=deadline)
    submitted = notice_in(world, "submitted", deadline=deadline)
    returned = notice_in(world, "returned", deadline=deadline)
    closed = notice_in(world, "closed", deadline=deadline)

    # on the deadline nothing is overdue
    assert overdue_flags(world, deadline) == {issued.pk: False, submitted.pk: False, returned.pk: False,
                                              closed.pk: False}
    # one day later the notices still with the school are: issued and returned
    after = deadline + datetime.timedelta(days=1)
    assert overdue_flags(world, after) == {issued.pk: True, submitted.pk: False, returned.pk: True, closed.pk: False}
    # the SQL annotation and the model's own method agree
    for notice in (issued, submitted, returned, closed):
        notice.refresh_from_db()
        assert notice.is_overdue(after) == overdue_flags(world, after)[notice.pk]
    # and the overdue list holds exactly those two, oldest deadline first
    listed = list(selectors.overdue_list(user=user(world, "office_admin"), on=after))
    assert [n.pk for n in listed] == sorted([issued.pk, returned.pk])
    assert {n.pk: n.answer_count for n in listed} == {issued.pk: None, returned.pk: 1}


def test_overdue_list_is_scoped(world):
    deadline = in_days(1)
    notice_in(world, "issued", deadline=deadline, county="b")
    on = deadline + datetime.timedelta(days=1)
    assert list(selectors.overdue_list(user=user(world, "office_admin"), on=on)) == []
    assert len(selectors.overdue_list(user=user(world, "office_admin", "b"), on=on)) == 1


def titles(world, role, county="a"):
    return list(Notification.objects.filter(recipient=getattr(world, county).users[role])
                .values_list("title", flat=True))


def run(on):
    call_command("escalate_overdue", "--date", on.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_escalate_overdue_notifies_zone_leader_and_office_once(world, django_capture_on_commit_callbacks):
    # given a notice at school 0 (zone 1) due in 3 days
    notice = notice_in(world, "issued", deadline=in_days(3))
    after = in_days(4)

    # when the command runs on the deadline, nothing is sent
    with django_capture_on_commit_callbacks(execute=True):
        run(in_days(3))
    assert not OverdueAlert.objects.filter(rectification=notice).exists()

    # when it runs twice a day after the deadline
    with django_capture_on_commit_callbacks(execute=True):
        run(after)
    with django_capture_on_commit_callbacks(execute=True):
        run(after)

    # then the zone leader, the office administrator and the office staff were told exactly once
    for role in ("zone_leader", "office_admin", "office_staff"):
        assert sum(str(notice) in t for t in titles(world, role)) == 1, role
    # as overdue messages (their channels are chosen for that kind)
    assert set(Notification.objects.filter(title__contains=str(notice)).values_list("kind", flat=True)) == {"overdue"}
    # and nobody else: not the school, not county B's office
    assert not any(str(notice) in t for t in titles(world, "school_liaison"))
    assert not any(str(notice) in t for t in titles(world, "office_admin", "b"))
    alert = OverdueAlert.objects.get(rectification=notice)
    assert (alert.deadline, alert.answers, alert.recipients) == (notice.deadline, 0, 3)
    assert AuditEvent.objects.filter(action="inspections.rectification.overdue",
                                     target_id=str(notice.pk)).count() == 1


def test_zone_leader_of_another_zone_is_not_told(world, django_capture_on_commit_callbacks):
    # school 1 is in zone 2, which has no leader account in the world
    from dudao.inspections.services.findings import finding_record
    from dudao.inspections.services.rectifications import rectification_issue
    from dudao.inspections.tests.rectification_fixtures import other_zone_inspector

    inspector = other_zone_inspector(world)
    finding = finding_record(actor=inspector, school_id=world.a.schools[1].pk, description="厕所无洗手液")
    notice = rectification_issue(actor=inspector, finding_id=finding.pk, requirements="配齐", deadline=in_days(1))
    with django_capture_on_commit_callbacks(execute=True):
        run(in_days(2))
    assert not any(str(notice) in t for t in titles(world, "zone_leader"))
    assert any(str(notice) in t for t in titles(world, "office_admin"))


def test_a_notice_returned_after_its_deadline_starts_a_new_episode(world, django_capture_on_commit_callbacks):
    # given an overdue notice already reported
    notice = notice_in(world, "issued", issued_on=in_days(-10), deadline=in_days(-2))
    with django_capture_on_commit_callbacks(execute=True):
        run(timezone.localdate())

    # when the school answers late and the inspector returns the answer
    answer(world, notice)
    with django_capture_on_commit_callbacks(execute=True):
        run(timezone.localdate())  # submitted: not overdue, nothing sent
    rectification_return(actor=user(world, "inspector"), rectification_id=notice.pk, remarks="证明材料不足")
    with django_capture_on_commit_callbacks(execute=True):
        run(timezone.localdate())
        run(timezone.localdate())

    # then it was reported once per episode: twice in all
    assert list(OverdueAlert.objects.filter(rectification=notice).order_by("answers")
                .values_list("answers", flat=True)) == [0, 1]
    assert sum(str(notice) in t for t in titles(world, "zone_leader")) == 2


def test_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("escalate_overdue", "--date", "yesterday")
