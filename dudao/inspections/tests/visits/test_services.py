"""Recording visits through the services: idempotent drafts by client_uuid, where a visit may be
recorded, answers and lessons, filing the record and telling the school (STANDARDS §1.4–§1.6)."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import make_user
from dudao.core.workflow import TransitionNotAllowed
from dudao.inspections.models import LessonObservation, Visit
from dudao.inspections.selectors.visits import checklist_for_school
from dudao.inspections.services.visits import visit_attachment_add, visit_save_draft, visit_submit
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.visit_fixtures import png_bytes, record_visit, upload, user, visit_data
from dudao.instruments.models import Answer, Instrument
from dudao.notifications.models import Notification
from dudao.organizations.models import School

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root

LESSON = {"class_name": "三(2)班", "subject": "数学", "teacher": "王老师", "topic": "分数的初步认识",
          "rating": "good", "comments": "板书清晰"}


def test_same_client_uuid_twice_updates_one_visit_and_the_later_save_wins(world):
    # given an inspector and one client id generated on the device
    inspector, school = user(world, "a", "inspector"), world.a.schools[0]
    client_uuid = uuid.uuid4()

    # when the same draft is synced twice with different text
    first, created_first = visit_save_draft(actor=inspector, client_uuid=client_uuid, school_id=school.pk,
                                            data=visit_data(purpose="开学检查"), answers={}, lessons=[])
    second, created_second = visit_save_draft(actor=inspector, client_uuid=client_uuid, school_id=school.pk,
                                              data=visit_data(purpose="安全检查"), answers={}, lessons=[LESSON])

    # then there is one visit, holding the second text
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Visit.objects.filter(client_uuid=client_uuid).count() == 1
    assert Visit.objects.get(pk=first.pk).purpose == "安全检查"
    assert LessonObservation.objects.filter(visit=first).count() == 1


def test_a_repeated_identical_sync_writes_no_second_audit_event(world):
    # given a draft saved once
    inspector, school = user(world, "a", "inspector"), world.a.schools[0]
    client_uuid = uuid.uuid4()
    visit_save_draft(actor=inspector, client_uuid=client_uuid, school_id=school.pk, data=visit_data(),
                     answers={"1": {"value": "正常"}}, lessons=[LESSON])
    before = AuditEvent.objects.filter(action__startswith="inspections.visit.").count()

    # when the very same draft arrives again (the device did not hear the first answer)
    visit_save_draft(actor=inspector, client_uuid=client_uuid, school_id=school.pk, data=visit_data(),
                     answers={"1": {"value": "正常"}}, lessons=[LESSON])

    # then nothing changed and nothing was audited
    assert AuditEvent.objects.filter(action__startswith="inspections.visit.").count() == before
    assert AuditEvent.objects.filter(action="inspections.visit.create").count() == 1


def test_client_uuid_of_another_users_draft_is_not_found(world):
    # given a draft of county A's inspector
    draft = record_visit(user(world, "a", "inspector"), world.a.schools[0])
    # and the zone leader of the same zone, who may record visits at that school
    leader = user(world, "a", "zone_leader")

    # when the zone leader sends a draft with the same client id
    # then the draft is not theirs to see: 404
    with pytest.raises(Visit.DoesNotExist):
        visit_save_draft(actor=leader, client_uuid=draft.client_uuid, school_id=world.a.schools[0].pk,
                         data=visit_data(purpose="覆盖"), answers={}, lessons=[])
    assert Visit.objects.get(pk=draft.pk).purpose == "例行督导"


def test_client_uuid_of_another_users_submitted_visit_is_forbidden(world):
    # given a submitted visit the zone leader can read
    visit = record_visit(user(world, "a", "inspector"), world.a.schools[0], submit=True)
    leader = user(world, "a", "zone_leader")

    # when the zone leader reuses its client id, then 403 and the record is unchanged
    with pytest.raises(PermissionDenied):
        visit_save_draft(actor=leader, client_uuid=visit.client_uuid, school_id=world.a.schools[0].pk,
                         data=visit_data(purpose="覆盖"), answers={}, lessons=[])
    assert Visit.objects.get(pk=visit.pk).purpose == "例行督导"


def test_inspector_records_only_at_schools_listed_to_them(world):
    # given county A's inspector, listed at schools 1 and 3 but not at school 2 (same county)
    inspector = user(world, "a", "inspector")

    # when they record a visit at school 2 or at a school of county B, then the school is not found (404)
    for school in (world.a.schools[1], world.b.schools[0]):
        with pytest.raises(School.DoesNotExist):
            record_visit(inspector, school)
    assert not Visit.objects.exists()


def test_a_visible_school_not_listed_to_the_inspector_is_refused(world):
    # given an inspector who is also the liaison of school 2: they see it, but it is not listed to them
    inspector = user(world, "a", "inspector")
    make_user("a_inspector_liaison", "school_liaison", office=world.a.office, school=world.a.schools[1])
    from dudao.accounts.models import Membership

    Membership.objects.filter(user__username="a_inspector_liaison").update(user=inspector)
    inspector = user(world, "a", "inspector")

    # when they record a visit there, then the school field is refused
    with pytest.raises(ValidationError) as refused:
        record_visit(inspector, world.a.schools[1])
    assert "school" in refused.value.message_dict


def test_zone_leader_records_at_the_schools_of_their_zone(world):
    # given the zone leader of zone 1 (schools 1 and 3), who has no inspector record
    leader = user(world, "a", "zone_leader")

    # when they record a visit at school 3
    visit = record_visit(leader, world.a.schools[2])

    # then it is filed under the inspector listed at that school
    assert visit.inspector == world.a.inspectors[0]
    assert visit.created_by == leader
    # and school 2 (zone 2) is outside their scope
    with pytest.raises(School.DoesNotExist):
        record_visit(leader, world.a.schools[1])


@pytest.mark.parametrize("role", ["office_admin", "office_staff", "school_liaison", "principal"])
def test_office_and_school_users_may_not_record_visits(world, role):
    # given a user who may read visits but not record them
    actor = user(world, "a", role)

    # when they try, then 403
    with pytest.raises(PermissionDenied):
        record_visit(actor, world.a.schools[0])


def test_visit_in_the_future_is_refused(world):
    inspector = user(world, "a", "inspector")
    with pytest.raises(ValidationError) as refused:
        record_visit(inspector, world.a.schools[0], date=timezone.localdate() + datetime.timedelta(days=1))
    assert "date" in refused.value.message_dict


def test_unknown_method_is_refused(world):
    inspector = user(world, "a", "inspector")
    with pytest.raises(ValidationError) as refused:
        record_visit(inspector, world.a.schools[0], methods=["campus_walk", "teleport"])
    assert "methods" in refused.value.message_dict


def test_answers_are_stored_against_the_national_checklist_with_notes(world):
    # given a primary school without an office checklist: the national 8 items + 其他情况
    inspector, school = user(world, "a", "inspector"), world.a.schools[0]

    # when the inspector answers two items, with notes, and the free-text item
    visit = record_visit(inspector, school, answers={
        "1": {"value": "正常", "note": "制度上墙"},
        "6": {"value": "存在问题", "note": "校门口无减速带"},
        "9": {"value": "食堂外包合同将到期"},
    })

    # then the visit points at the national version and holds three answers on it
    assert visit.checklist.instrument.code == "national-school-routine"
    answers = {a.item.code: a for a in Answer.objects.filter(response=visit.response).select_related("item")}
    assert answers["6"].value == "存在问题" and answers["6"].note == "校门口无减速带"
    assert answers["9"].value == "食堂外包合同将到期"
    assert set(answers) == {"1", "6", "9"}


def test_answer_outside_the_options_is_refused(world):
    inspector = user(world, "a", "inspector")
    with pytest.raises(ValidationError) as refused:
        record_visit(inspector, world.a.schools[0], answers={"1": {"value": "很好"}})
    assert "answers" in refused.value.message_dict


def test_answer_to_an_item_not_on_the_checklist_is_refused(world):
    inspector = user(world, "a", "inspector")
    with pytest.raises(ValidationError):
        record_visit(inspector, world.a.schools[0], answers={"42": {"value": "正常"}})


def test_answers_are_replaced_as_a_set(world):
    # given a draft with answers to items 1 and 2
    inspector, school = user(world, "a", "inspector"), world.a.schools[0]
    visit = record_visit(inspector, school, answers={"1": {"value": "正常"}, "2": {"value": "正常"}})

    # when the next sync answers only item 2, differently
    visit_save_draft(actor=inspector, client_uuid=visit.client_uuid, school_id=school.pk, data={},
                     answers={"2": {"value": "存在问题", "note": "择校费"}})

    # then only that answer remains
    rows = list(Answer.objects.filter(response__visit=visit).values_list("item__code", "value"))
    assert rows == [("2", "存在问题")]


def test_lessons_are_replaced_as_a_set_and_blank_rows_dropped(world):
    inspector, school = user(world, "a", "inspector"), world.a.schools[0]
    visit = record_visit(inspector, school, lessons=[LESSON, {**LESSON, "class_name": "四(1)班"}])

    visit_save_draft(actor=inspector, client_uuid=visit.client_uuid, school_id=school.pk, data={},
                     lessons=[{**LESSON, "teacher": "李老师"}, dict.fromkeys(LESSON, "")])

    assert list(visit.lessons.values_list("class_name", "teacher")) == [("三(2)班", "李老师")]


def test_a_partial_update_keeps_the_fields_left_out(world):
    inspector, school = user(world, "a", "inspector"), world.a.schools[0]
    visit = record_visit(inspector, school, purpose="常规", problems="作业量大", lessons=[LESSON])

    visit_save_draft(actor=inspector, client_uuid=visit.client_uuid, school_id=school.pk,
                     data={"feedback": "已当场反馈"})

    visit.refresh_from_db()
    assert (visit.purpose, visit.problems, visit.feedback) == ("常规", "作业量大", "已当场反馈")
    assert visit.lessons.count() == 1


def test_office_checklist_of_the_right_audience_is_chosen_before_the_national_one(world):
    # given county A's office publishes its own routine checklist for schools (a copy keeps the code)
    from dudao.instruments.models import InstrumentVersion, Item

    office = world.a.office
    instrument = Instrument.objects.create(office=office, code="national-school-routine", name="甲县经常性督导事项",
                                           kind="checklist", audience="schools")
    version = InstrumentVersion.objects.create(instrument=instrument, number=1, status="published")
    Item.objects.create(version=version, position=1, code="A", text="课后服务情况", response_type="single_choice",
                        options=["正常", "存在问题"])
    kindergarten = School.objects.create(code="KG0001", name="甲县第1幼儿园", kind="kindergarten",
                                         region=world.a.township)

    # then a primary school of county A gets the office's list, a kindergarten the national kindergarten list,
    # and a school of county B the national school list
    assert checklist_for_school(school=world.a.schools[0]) == version
    assert checklist_for_school(school=kindergarten).instrument.code == "national-kindergarten-routine"
    assert checklist_for_school(school=world.b.schools[0]).instrument.code == "national-school-routine"
    assert checklist_for_school(school=world.b.schools[0]).instrument.office_id is None


def test_draft_checklist_stays_frozen_when_the_office_publishes_a_new_one(world):
    # given a draft recorded on the national list
    from dudao.instruments.models import InstrumentVersion

    inspector, school = user(world, "a", "inspector"), world.a.schools[0]
    visit = record_visit(inspector, school, answers={"1": {"value": "正常"}})
    national = visit.checklist
    # when the office publishes its own list
    instrument = Instrument.objects.create(office=world.a.office, code="school-routine", name="甲县清单",
                                           kind="checklist", audience="schools")
    InstrumentVersion.objects.create(instrument=instrument, number=1, status="published")
    # and the draft is synced again
    visit, _ = visit_save_draft(actor=inspector, client_uuid=visit.client_uuid, school_id=school.pk,
                                data={"purpose": "再次同步"}, answers={"1": {"value": "存在问题"}})
    # then it keeps the version it was started on
    assert visit.checklist == national


def test_submit_files_the_record_and_notifies_the_schools_liaison_and_principal(world, django_capture_on_commit_callbacks):
    # given a draft at school 1, whose liaison is a_liaison; and a principal of that school
    inspector, school = user(world, "a", "inspector"), world.a.schools[0]
    principal = make_user("a_principal_2", "principal", office=world.a.office, school=school)
    draft = record_visit(inspector, school, feedback="请完善食堂台账")

    # when the inspector submits it
    with django_capture_on_commit_callbacks(execute=True):
        visit = visit_submit(actor=inspector, visit_id=draft.pk)

    # then it is submitted with a time, audited, and both school contacts have a message with a link
    assert visit.status == Visit.Status.SUBMITTED and visit.submitted_at is not None
    assert visit.response is None or visit.response.submitted_at is not None
    assert AuditEvent.objects.filter(action="inspections.visit.submit", target_id=str(visit.pk)).exists()
    recipients = set(Notification.objects.filter(url=visit.get_absolute_url()).values_list("recipient__username", flat=True))
    assert recipients == {"a_liaison", principal.username}
    # and nobody of another school is told
    assert not Notification.objects.filter(recipient__username="a_principal").exists()


def test_submitting_twice_is_a_conflict(world):
    inspector = user(world, "a", "inspector")
    visit = record_visit(inspector, world.a.schools[0], submit=True)
    with pytest.raises(TransitionNotAllowed):
        visit_submit(actor=inspector, visit_id=visit.pk)


def test_submitted_visit_is_read_only(world):
    # given a submitted visit
    inspector, school = user(world, "a", "inspector"), world.a.schools[0]
    visit = record_visit(inspector, school, submit=True)

    # when the device syncs the same client id again, or adds a photo, then 409
    with pytest.raises(TransitionNotAllowed):
        visit_save_draft(actor=inspector, client_uuid=visit.client_uuid, school_id=school.pk, data={"purpose": "改"})
    with pytest.raises(TransitionNotAllowed):
        visit_attachment_add(actor=inspector, visit_id=visit.pk, uploaded_file=upload("a.png", png_bytes()))
    assert Visit.objects.get(pk=visit.pk).purpose == "例行督导"


def test_submit_needs_a_method_and_complete_lessons(world):
    inspector = user(world, "a", "inspector")
    draft = record_visit(inspector, world.a.schools[0], methods=[], lessons=[{"class_name": "一(1)班"}])

    with pytest.raises(ValidationError) as refused:
        visit_submit(actor=inspector, visit_id=draft.pk)

    assert set(refused.value.message_dict) == {"methods", "lessons"}
    assert Visit.objects.get(pk=draft.pk).status == Visit.Status.DRAFT


def test_only_the_author_submits_a_draft(world):
    draft = record_visit(user(world, "a", "inspector"), world.a.schools[0])
    with pytest.raises(Visit.DoesNotExist):
        visit_submit(actor=user(world, "a", "zone_leader"), visit_id=draft.pk)


def test_same_photo_twice_is_stored_once(world):
    # given a draft
    inspector = user(world, "a", "inspector")
    draft = record_visit(inspector, world.a.schools[0])
    data = png_bytes()

    # when the device uploads the same photo twice (the first answer was lost)
    first, created_first = visit_attachment_add(actor=inspector, visit_id=draft.pk, uploaded_file=upload("p.png", data))
    second, created_second = visit_attachment_add(actor=inspector, visit_id=draft.pk, uploaded_file=upload("p.png", data))

    # then one file is kept
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk and draft.attachments.count() == 1
