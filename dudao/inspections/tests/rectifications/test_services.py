"""The rectification services: deadlines from the office's policy (STANDARDS §1.6), numbering,
one open notice per finding, the school's answer with files, the re-check rules (close only when
rectified, STANDARDS §7.2), escalation and who is told (条例 第二十二条, 第二十五条)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.core.workflow import TransitionNotAllowed
from dudao.inspections.models import DeadlinePolicy, Escalation, Recheck, Rectification
from dudao.inspections.services.rectifications import (
    deadline_policy_set,
    rectification_close,
    rectification_escalate,
    rectification_issue,
    rectification_recheck,
    rectification_return,
)
from dudao.inspections.tests.rectification_fixtures import (
    answer,
    days_ago,
    issue_notice,
    notice_in,
    overdue_notice,
    pdf_file,
    png_file,
    record_finding,
    user,
)
from dudao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def inbox(world, role, county="a"):
    return list(Notification.objects.filter(recipient=getattr(world, county).users[role]).values_list("title",
                                                                                                       flat=True))


# ---- issuing -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("severity", "days"), [("minor", 30), ("general", 30), ("serious", 15), ("urgent", 3)])
def test_deadline_defaults_to_the_built_in_days_without_an_office_policy(world, severity, days):
    notice = issue_notice(world, severity=severity)
    assert notice.deadline == notice.issued_on + datetime.timedelta(days=days)
    assert DeadlinePolicy.DEFAULT_DAYS[severity] == days


def test_deadline_follows_the_office_policy_for_the_severity(world):
    # given county A's office gives serious findings 10 days
    deadline_policy_set(actor=user(world, "office_admin"), office_id=world.a.office.pk, severity="serious", days=10)

    # when a notice on a serious and on a general finding is issued
    serious = issue_notice(world, severity="serious")
    general = issue_notice(world, severity="general")

    # then the serious one gets the office's 10 days, the general one the built-in 30
    assert serious.deadline - serious.issued_on == datetime.timedelta(days=10)
    assert general.deadline - general.issued_on == datetime.timedelta(days=30)


def test_an_explicit_deadline_wins_and_cannot_precede_the_issue_date(world):
    finding = record_finding(world)
    inspector = user(world, "inspector")
    with pytest.raises(ValidationError) as refused:
        rectification_issue(actor=inspector, finding_id=finding.pk, requirements="整改",
                            deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert "deadline" in refused.value.message_dict
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    notice = rectification_issue(actor=inspector, finding_id=finding.pk, requirements="整改", deadline=deadline)
    assert notice.deadline == deadline


def test_numbers_count_per_office_and_year(world):
    # given two notices of county A this year, one of county A last year and one of county B
    year = timezone.localdate().year
    first, second = issue_notice(world), issue_notice(world)
    last_year = issue_notice(world, issued_on=datetime.date(year - 1, 12, 30))
    neighbour = issue_notice(world, county="b")

    # then each office numbers its own notices from 1 within the year
    assert (first.number, second.number) == (f"甲督整〔{year}〕1号", f"甲督整〔{year}〕2号")
    assert last_year.number == f"甲督整〔{year - 1}〕1号"
    assert neighbour.number == f"乙督整〔{year}〕1号"


def test_number_pattern_is_configurable_and_a_given_number_is_kept(world, settings):
    settings.DUDAO_RECTIFICATION_NUMBER_PATTERN = "{office}教督整字〔{year}〕第{seq}号"
    notice = issue_notice(world)
    assert notice.number == f"甲教督整字〔{notice.issued_on.year}〕第1号"
    finding = record_finding(world)
    own = rectification_issue(actor=user(world, "inspector"), finding_id=finding.pk, requirements="整改",
                              number="甲督字〔2026〕88号")
    assert own.number == "甲督字〔2026〕88号"


def test_a_finding_has_one_open_notice_at_a_time(world):
    # given a finding with an open notice
    notice = issue_notice(world)
    inspector = user(world, "inspector")

    # when a second notice is issued on it, then 409 and nothing is written
    with pytest.raises(TransitionNotAllowed):
        rectification_issue(actor=inspector, finding_id=notice.finding_id, requirements="再次整改")
    assert Rectification.objects.filter(finding=notice.finding).count() == 1

    # after the notice is closed a new one may be issued on the same finding
    answer(world, notice)
    rectification_close(actor=inspector, rectification_id=notice.pk)
    again = rectification_issue(actor=inspector, finding_id=notice.finding_id, requirements="问题复发，再次整改")
    assert again.status == "issued"


def test_issue_notifies_the_school_and_is_audited(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = issue_notice(world)
    assert any(str(notice) in title for title in inbox(world, "school_liaison"))
    assert not any(str(notice) in title for title in inbox(world, "principal"))  # school 1's principal
    assert Notification.objects.get(recipient=world.a.users["school_liaison"]).kind == "new_notice"
    event = AuditEvent.objects.get(action="inspections.rectification.issue", target_id=str(notice.pk))
    assert event.changes["deadline"] == [None, notice.deadline.isoformat()]


def test_office_and_liaison_cannot_issue(world):
    finding = record_finding(world)
    for role in ("office_admin", "school_liaison"):
        with pytest.raises(PermissionDenied):
            rectification_issue(actor=user(world, role), finding_id=finding.pk, requirements="整改")


# ---- answering -----------------------------------------------------------------------------------

def test_answer_keeps_measures_and_files_and_tells_the_inspector(world, django_capture_on_commit_callbacks):
    notice = notice_in(world, "issued")
    with django_capture_on_commit_callbacks(execute=True):
        answer(world, notice, measures="已更换破损护栏", files=[png_file(), pdf_file()])

    response = notice.responses.get()
    assert response.measures == "已更换破损护栏"
    assert sorted(a.content_type for a in response.attachments.all()) == ["application/pdf", "image/png"]
    assert all(len(a.sha256) == 64 and a.size > 0 for a in response.attachments.all())
    assert any(str(notice) in title for title in inbox(world, "inspector"))


def test_answer_needs_measures(world):
    notice = notice_in(world, "issued")
    with pytest.raises(ValidationError) as refused:
        answer(world, notice, measures=" ")
    assert "measures" in refused.value.message_dict
    notice.refresh_from_db()
    assert notice.status == "issued"


# ---- re-check -----------------------------------------------------------------------------------

@pytest.mark.parametrize("result", [Recheck.Result.PARTIAL, Recheck.Result.NOT_RECTIFIED])
def test_only_a_rectified_result_closes(world, result):
    notice = notice_in(world, "submitted")
    with pytest.raises(ValidationError) as refused:
        rectification_recheck(actor=user(world, "inspector"), rectification_id=notice.pk, result=result,
                              remarks="未到位", close=True)
    assert "result" in refused.value.message_dict
    notice.refresh_from_db()
    assert notice.status == "submitted" and notice.closed_on is None


def test_return_needs_reasons_and_a_failed_result(world):
    notice = notice_in(world, "submitted")
    inspector = user(world, "inspector")
    with pytest.raises(ValidationError) as refused:
        rectification_return(actor=inspector, rectification_id=notice.pk, remarks="")
    assert "remarks" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        rectification_recheck(actor=inspector, rectification_id=notice.pk, result=Recheck.Result.RECTIFIED,
                              remarks="很好", close=False)
    assert "result" in refused.value.message_dict


def test_return_sends_the_notice_back_with_reasons(world, django_capture_on_commit_callbacks):
    notice = notice_in(world, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        rectification_return(actor=user(world, "inspector"), rectification_id=notice.pk,
                             result=Recheck.Result.PARTIAL, remarks="护栏未全部更换")
    notice.refresh_from_db()
    recheck = notice.rechecks.get()
    assert (notice.status, notice.closed_on) == ("returned", None)
    assert (recheck.result, recheck.closed, recheck.remarks) == ("partial", False, "护栏未全部更换")
    event = AuditEvent.objects.get(action="inspections.rectification.return", target_id=str(notice.pk))
    assert event.reason == "护栏未全部更换"
    assert any(str(notice) in title for title in inbox(world, "school_liaison"))


def test_close_records_the_date(world):
    notice = notice_in(world, "submitted", issued_on=days_ago(5))
    rectification_close(actor=user(world, "zone_leader"), rectification_id=notice.pk, checked_on=days_ago(1))
    notice.refresh_from_db()
    assert (notice.status, notice.closed_on) == ("closed", days_ago(1))
    assert notice.rechecks.get().closed


def test_recheck_date_cannot_precede_the_notice(world):
    notice = notice_in(world, "submitted", issued_on=days_ago(3))
    with pytest.raises(ValidationError) as refused:
        rectification_close(actor=user(world, "inspector"), rectification_id=notice.pk, checked_on=days_ago(4))
    assert "checked_on" in refused.value.message_dict


# ---- escalation ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("make", "allowed"), [
    (overdue_notice, True),
    (lambda world: notice_in(world, "returned"), True),
    (lambda world: notice_in(world, "issued"), False),  # still within its deadline
    (lambda world: notice_in(world, "submitted", issued_on=days_ago(10), deadline=days_ago(1)), False),
    (lambda world: notice_in(world, "closed"), False),
])
def test_escalation_only_on_overdue_or_returned_notices(world, make, allowed):
    notice = make(world)
    office = user(world, "office_staff")
    if allowed:
        escalation = rectification_escalate(actor=office, rectification_id=notice.pk, kind="interview",
                                            note="约谈校长")
        assert (escalation.kind, escalation.date) == ("interview", timezone.localdate())
        assert AuditEvent.objects.filter(action="inspections.rectification.escalate",
                                         target_id=str(notice.pk)).count() == 1
    else:
        with pytest.raises(TransitionNotAllowed):
            rectification_escalate(actor=office, rectification_id=notice.pk, kind="interview")
        assert not Escalation.objects.filter(rectification=notice).exists()


@pytest.mark.parametrize("role", ["inspector", "zone_leader", "school_liaison"])
def test_only_the_office_escalates(world, role):
    notice = overdue_notice(world)
    with pytest.raises(PermissionDenied):
        rectification_escalate(actor=user(world, role), rectification_id=notice.pk, kind="criticism")


def test_escalation_tells_the_school_inspector_and_zone_leader(world, django_capture_on_commit_callbacks):
    notice = overdue_notice(world)
    with django_capture_on_commit_callbacks(execute=True):
        rectification_escalate(actor=user(world, "office_admin"), rectification_id=notice.pk, kind="criticism",
                               note="全县通报")
    for role in ("school_liaison", "inspector", "zone_leader"):
        assert any(str(notice) in title for title in inbox(world, role)), role
    notice.refresh_from_db()
    assert notice.status == "issued"  # the school still has to answer


def test_county_b_office_cannot_reach_county_a_notice(world):
    notice = overdue_notice(world)
    with pytest.raises(Rectification.DoesNotExist):
        rectification_escalate(actor=user(world, "office_admin", "b"), rectification_id=notice.pk, kind="interview")


# ---- deadline policy ------------------------------------------------------------------------------

def test_deadline_policy_set_is_audited_and_bounded(world):
    admin = user(world, "office_admin")
    policy = deadline_policy_set(actor=admin, office_id=world.a.office.pk, severity="urgent", days=2)
    deadline_policy_set(actor=admin, office_id=world.a.office.pk, severity="urgent", days=5)
    policy.refresh_from_db()
    assert policy.days == 5
    changes = list(AuditEvent.objects.filter(action="inspections.deadlinepolicy.set").order_by("seq")
                   .values_list("changes", flat=True))
    assert changes[-2:] == [{"days": [3, 2]}, {"days": [2, 5]}]
    with pytest.raises(ValidationError):
        deadline_policy_set(actor=admin, office_id=world.a.office.pk, severity="urgent", days=0)


def test_deadline_policy_of_another_county_or_by_staff_is_refused(world):
    with pytest.raises(PermissionDenied):
        deadline_policy_set(actor=user(world, "office_staff"), office_id=world.a.office.pk, severity="minor", days=9)
    from dudao.organizations.models import Office

    with pytest.raises(Office.DoesNotExist):
        deadline_policy_set(actor=user(world, "office_admin"), office_id=world.b.office.pk, severity="minor", days=9)
