"""The dashboards a school's liaison and principal and an inspector land on in their first week:
the school's notices to answer (returned first), its latest visit record, public complaints in
progress, self-checks and self-assessments to submit; the inspector's draft visits."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dudao.campaigns.tests.helpers import launched
from dudao.complaints.models import Complaint
from dudao.complaints.services import complaint_handle, complaint_verify
from dudao.complaints.tests.helpers import register
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.evaluations import services as evaluation_services
from dudao.evaluations.examples import SCHOOL_SYSTEM
from dudao.evaluations.models import RaterGroup
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import (
    rectification_issue,
    rectification_return,
    rectification_submit,
)
from dudao.inspections.tests.rectification_fixtures import other_zone_inspector
from dudao.inspections.tests.visit_fixtures import record_visit
from dudao.instruments.models import Instrument
from dudao.reports.selectors import dashboard_for

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
PHONE_TEXT = "食堂饭菜不卫生，请督学核实。"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def days(n: int) -> datetime.date:
    return TODAY.date() + datetime.timedelta(days=n)


def a_user(world, role):
    return fresh(world.a.users[role])


def school_side(world, role):
    """The school of the role (the liaison's school 0, the principal's school 1) and the login of
    the inspector listed there."""
    if role == "school_liaison":
        return world.a.schools[0], a_user(world, "inspector")
    return world.a.schools[1], other_zone_inspector(world)


def issue(inspector, school, *, deadline, requirements):
    finding = finding_record(actor=inspector, school_id=school.pk, description="校门口无减速带", found_on=days(-20))
    return rectification_issue(actor=inspector, finding_id=finding.pk, requirements=requirements,
                               issued_on=days(-20), deadline=deadline)


def school_user_of(world, school):
    return a_user(world, "school_liaison" if school == world.a.schools[0] else "principal")


def submitted_notice(world, inspector, school, *, deadline, requirements):
    notice = issue(inspector, school, deadline=deadline, requirements=requirements)
    return rectification_submit(actor=school_user_of(world, school), rectification_id=notice.pk, measures="已整改")


def returned_notice(world, inspector, school):
    notice = submitted_notice(world, inspector, school, deadline=days(10), requirements="退回的通知书")
    return rectification_return(actor=inspector, rectification_id=notice.pk, remarks="照片不清晰")


def school_evaluation(world):
    """A school evaluation of county A's office on schools 0 and 1, notified: both self-assess."""
    admin = a_user(world, "office_admin")
    version = Instrument.objects.get(office__isnull=True, code=SCHOOL_SYSTEM["code"]).latest_published()
    evaluation = evaluation_services.evaluation_create(
        actor=admin, office=world.a.office, title="2026年中小学校综合督导评估", year=2026, version_id=version.pk,
        aggregation="mean", weight_by_group=False, self_assessment_due=days(20),
        group_weights={RaterGroup.Kind.EXPERTS: "1"},
    )
    evaluation_services.units_add(actor=admin, evaluation_id=evaluation.pk,
                                  school_ids=[world.a.schools[0].pk, world.a.schools[1].pk])
    evaluation_services.rater_add(actor=admin, evaluation_id=evaluation.pk, user_id=world.a.users["inspector"].pk,
                                  group=RaterGroup.Kind.EXPERTS)
    return evaluation_services.evaluation_notify(actor=admin, evaluation_id=evaluation.pk)


@pytest.mark.parametrize("role", ["school_liaison", "principal"])
def test_school_user_sees_what_to_act_on_and_nothing_of_another_school(world, client, role):
    # given the school's notices in every state, one returned to it
    school, inspector = school_side(world, role)
    other = world.a.schools[2]  # listed to county A's inspector, not the user's school
    issued = issue(inspector, school, deadline=days(5), requirements="尽快安装减速带")
    overdue = issue(inspector, school, deadline=days(-3), requirements="逾期未整改")
    returned = returned_notice(world, inspector, school)
    submitted = submitted_notice(world, inspector, school, deadline=days(8), requirements="等待复查")
    elsewhere = issue(a_user(world, "inspector"), other, deadline=days(1), requirements="另一所学校")
    # visits: two submitted at the school, a newer one elsewhere
    record_visit(inspector, school, submit=True, date=days(-30), problems="旧的记录")
    latest = record_visit(inspector, school, submit=True, date=days(-2), problems="校门口拥堵")
    record_visit(a_user(world, "inspector"), other, submit=True, date=days(-1), problems="别的学校")
    # complaints: one being verified, one handled, one only registered, one about the inspector, one elsewhere
    admin = a_user(world, "office_admin")
    verifying, _code = register(world, school=world.a.schools.index(school), text=PHONE_TEXT)
    complaint_verify(actor=admin, complaint_id=verifying.pk)
    handling, _code = register(world, school=world.a.schools.index(school), kind="suggestion", text="建议增设护导岗")
    complaint_handle(actor=admin, complaint_id=handling.pk)
    register(world, school=world.a.schools.index(school), text="刚登记的投诉")
    about_inspector, _code = register(world, school=world.a.schools.index(school), concerns_inspector=True,
                                      text="督学未到校")
    complaint_verify(actor=admin, complaint_id=about_inspector.pk)
    far, _code = register(world, school=2, text="别的学校的投诉")
    complaint_verify(actor=admin, complaint_id=far.pk)
    # a running campaign and a notified evaluation covering schools 0 to 2 and 0 to 1
    campaign = launched(world, schools=(0, 1, 2))
    evaluation = school_evaluation(world)

    # when the school's user lands on the dashboard
    user = a_user(world, role)
    data = dashboard_for(user=user)
    client.force_login(user)
    page = client.get(reverse("reports:dashboard")).content.decode()

    # then the open notices come returned first, then overdue, then by deadline; the closed-loop
    # one waiting for re-check last, and nothing of the other school
    assert [n.pk for n in data["school_notices"]] == [returned.pk, overdue.pk, issued.pk, submitted.pk]
    assert elsewhere.pk not in {n.pk for n in data["school_notices"]}
    notices = text_by_testid(page, "school-notices")
    assert notices.index(str(returned)) < notices.index(str(overdue)) < notices.index(str(issued))
    # each notice still with the school has its way to answer, the submitted one has none
    answers = [n.answer_url for n in data["school_notices"]]
    assert answers[:3] == [f"{n.get_absolute_url()}#answer-form" for n in (returned, overdue, issued)]
    assert answers[3] == ""
    assert page.count('data-testid="answer-notice"') == 3
    assert f'href="{returned.get_absolute_url()}#answer-form"' in page
    # the latest visit record, one tap away
    assert [v.pk for v in data["latest_visits"]] == [latest.pk]
    assert f'href="{latest.get_absolute_url()}"' in page and "别的学校" not in page
    # complaints in progress: the kind, state and due date, never the text or the sender
    assert [(c["kind"], c["status"]) for c in data["school_complaints"]] == [
        (Complaint.Kind.COMPLAINT.label, Complaint.Status.VERIFYING.label),
        (Complaint.Kind.SUGGESTION.label, Complaint.Status.HANDLING.label)]
    complaints = text_by_testid(page, "school-complaints")
    assert str(Complaint.Status.VERIFYING.label) in complaints and str(Complaint.Kind.SUGGESTION.label) in complaints
    assert PHONE_TEXT not in page and "建议增设护导岗" not in page and "13766554433" not in page
    # the self-check and the self-assessment still to submit, each one tap away
    target = campaign.targets.get(school=school)
    assert [t.pk for t in data["open_self_checks"]] == [target.pk]
    assert f'href="{target.get_absolute_url()}"' in page
    unit = evaluation.units.get(school=school)
    assert [u.pk for u in data["open_self_assessments"]] == [unit.pk]
    assert f'href="{unit.get_absolute_url()}"' in page
    assert campaign.targets.get(school=other).get_absolute_url() not in page


def test_school_dashboard_reads_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    # given the liaison's school with one of each
    school, inspector = school_side(world, "school_liaison")
    issue(inspector, school, deadline=days(5), requirements="第一份")
    record_visit(inspector, school, submit=True, date=days(-2))
    admin = a_user(world, "office_admin")
    complaint, _code = register(world)
    complaint_verify(actor=admin, complaint_id=complaint.pk)
    launched(world, schools=(0,))
    user = a_user(world, "school_liaison")
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:dashboard"))

    # when the school has many more of each
    for i in range(6):
        issue(inspector, school, deadline=days(6 + i), requirements=f"第{i + 2}份")
        record_visit(inspector, school, submit=True, date=days(-3 - i))
        extra, _code = register(world, text=f"投诉{i}")
        complaint_verify(actor=admin, complaint_id=extra.pk)
    launched(world, schools=(0,), title="安全专项督导")
    returned_notice(world, inspector, school)

    # then the page reads the same number of queries, under a ceiling
    user = a_user(world, "school_liaison")
    client.force_login(user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert len(response.context["school_notices"]) == 8
    with django_assert_max_num_queries(40):
        client.get(reverse("reports:dashboard"))


def test_inspector_sees_their_draft_visits_with_a_link_to_continue(world, client):
    # given two drafts of the inspector, one submitted visit and a colleague's draft
    inspector = a_user(world, "inspector")
    older = record_visit(inspector, world.a.schools[0], date=days(-3))
    newer = record_visit(inspector, world.a.schools[2], date=days(-1))
    record_visit(inspector, world.a.schools[0], submit=True, date=days(-2))
    colleague = other_zone_inspector(world)
    theirs = record_visit(colleague, world.a.schools[1], date=days(-1))

    # when the inspector lands on the dashboard
    data = dashboard_for(user=inspector)
    client.force_login(inspector)
    page = client.get(reverse("reports:dashboard")).content.decode()

    # then their drafts are listed, newest first, each with the link to continue it
    assert [v.pk for v in data["my_drafts"]] == [newer.pk, older.pk]
    drafts = text_by_testid(page, "my-drafts")
    assert world.a.schools[2].name in drafts and world.a.schools[0].name in drafts
    for visit in (newer, older):
        assert f'href="{reverse("inspections:visit_edit", args=[visit.pk])}"' in page
    assert reverse("inspections:visit_edit", args=[theirs.pk]) not in page
    # and the colleague sees only their own
    assert [v.pk for v in dashboard_for(user=colleague)["my_drafts"]] == [theirs.pk]


def test_office_dashboard_has_no_school_section(world):
    data = dashboard_for(user=a_user(world, "office_admin"))
    assert "school_notices" not in data and "my_drafts" not in data


def test_liaison_answers_a_returned_notice_from_the_dashboard_link(world, client):
    # given a notice returned to the liaison's school
    school, inspector = school_side(world, "school_liaison")
    notice = returned_notice(world, inspector, school)
    user = a_user(world, "school_liaison")
    client.force_login(user)
    link = dashboard_for(user=user)["school_notices"][0].answer_url

    # when the liaison follows the dashboard's link
    page = client.get(link.split("#")[0]).content.decode()

    # then the notice opens with its answer form where the link points
    assert link == f"{notice.get_absolute_url()}#answer-form"
    assert 'id="answer-form"' in page and 'data-testid="action-submit"' in page
