"""The complaint workflow through its services: registering, each transition with its audit, wrong
states (409), who may act (403), rating, closing unrated answers, a finding and a notice."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.complaints import services
from dudao.complaints.models import Complaint, ComplaintPolicy
from dudao.complaints.tests.helpers import NAME, PHONE, PHONE_MIDDLE, photo, register
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.workflow import TransitionNotAllowed
from dudao.notifications.models import Notification
from dudao.organizations import working_days

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def events(complaint):
    return list(AuditEvent.objects.filter(target_id=str(complaint.pk), target_ct__model="complaint").order_by("seq"))


def test_register_gives_a_code_stored_only_as_a_hash_and_audits_masked_values(world, django_capture_on_commit_callbacks):
    # when a parent writes about school 1 with a photo
    with django_capture_on_commit_callbacks(execute=True):
        complaint, code = register(world, photos=[photo()])
    # then the code is 12 unambiguous characters, not stored, found again by its hash
    assert len(code) == 12 and set(code) <= set(services.CODE_ALPHABET)
    assert code not in complaint.code_hash
    assert services.complaint_by_code(services.display_code(code).lower()) == complaint
    # and the listed inspector handles it, due in the office's 15 working days
    assert complaint.handler == world.a.inspectors[0]
    assert complaint.due_on == working_days.add(timezone.localdate(complaint.created_at), 15, world.a.office)
    # and the photo is kept with its SHA-256
    assert complaint.photos.get().sha256 and complaint.photos.get().content_type == "image/png"
    # and the audit record holds the masked name and phone only
    (event,) = events(complaint)
    assert event.action == "complaints.complaint.register"
    assert event.changes["phone"] == [None, "137****4433"] and event.changes["name"] == [None, "王**"]
    assert PHONE not in str(event.changes) and PHONE_MIDDLE not in str(event.changes) and NAME not in str(event.changes)
    # and the inspector and the office are told, without the sender's data
    told = Notification.objects.filter(url=complaint.get_absolute_url())
    assert {n.recipient.username for n in told} >= {"a_inspector", "a_office_admin", "a_office_staff"}
    assert all(PHONE not in n.body and NAME not in n.body for n in told)


def test_two_codes_differ(world):
    assert len({services.new_code() for _ in range(50)}) == 50


def test_a_complaint_about_the_inspector_goes_to_the_office_only(world):
    # given a complaint about the inspector listed at school 1
    complaint, _code = register(world, concerns_inspector=True)
    # then it has no handler and that inspector cannot reach it; the office can
    assert complaint.handler is None and complaint.inspector == world.a.inspectors[0]
    assert not Complaint.objects.for_user(fresh(world.a.users["inspector"])).filter(pk=complaint.pk).exists()
    assert Complaint.objects.for_user(fresh(world.a.users["office_staff"])).filter(pk=complaint.pk).exists()
    # and the office cannot assign it back to that inspector
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=fresh(world.a.users["office_admin"]), complaint_id=complaint.pk,
                                  inspector_id=world.a.inspectors[0].pk)
    # but to another inspector, who then handles it
    services.complaint_assign(actor=fresh(world.a.users["office_admin"]), complaint_id=complaint.pk,
                              inspector_id=world.a.inspectors[1].pk)
    complaint.refresh_from_db()
    assert complaint.handler == world.a.inspectors[1]


def test_the_whole_path_is_audited_and_rating_closes(world):
    # given a registered complaint
    complaint, code = register(world)
    inspector = fresh(world.a.users["inspector"])
    # when the inspector verifies, handles and answers it, and the sender is satisfied
    services.complaint_verify(actor=inspector, complaint_id=complaint.pk, note="与校长核实")
    services.complaint_handle(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk)
    services.complaint_answer(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk,
                              answer="学校已更换食材供应商。")
    rated = services.complaint_rate(code=code, rating="satisfied", comment="谢谢")
    # then it is closed and every step is in the audit log
    assert rated.status == "closed" and rated.rating == "satisfied" and rated.closed_at
    assert [e.action for e in events(complaint)] == [
        "complaints.complaint.register", "complaints.complaint.verify", "complaints.complaint.handle",
        "complaints.complaint.answer", "complaints.complaint.rate", "complaints.complaint.close",
    ]
    assert events(complaint)[1].changes["status"] == ["registered", "verifying"]


def test_wrong_state_is_refused(world):
    complaint, code = register(world)
    inspector = fresh(world.a.users["inspector"])
    with pytest.raises(TransitionNotAllowed):
        services.complaint_answer(actor=inspector, complaint_id=complaint.pk, answer="太早")
    with pytest.raises(TransitionNotAllowed):
        services.complaint_close(actor=fresh(world.a.users["office_admin"]), complaint_id=complaint.pk)
    with pytest.raises(TransitionNotAllowed):
        services.complaint_rate(code=code, rating="satisfied")
    assert [e.action for e in events(complaint)] == ["complaints.complaint.register"]


def test_only_the_handler_and_the_office_act(world):
    # given a complaint at school 1 (handled by inspector 1), seen also by the zone leader
    complaint, _code = register(world)
    # then the zone leader sees it but may not handle it; the office may
    leader = fresh(world.a.users["zone_leader"])
    assert Complaint.objects.for_user(leader).filter(pk=complaint.pk).exists()
    with pytest.raises(PermissionDenied):
        services.complaint_handle(actor=leader, complaint_id=complaint.pk)
    with pytest.raises(Complaint.DoesNotExist):  # a school liaison has no way in
        services.complaint_handle(actor=fresh(world.a.users["school_liaison"]), complaint_id=complaint.pk)
    services.complaint_handle(actor=fresh(world.a.users["office_staff"]), complaint_id=complaint.pk)
    # and only the office closes or reopens
    services.complaint_answer(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk, answer="已处理")
    with pytest.raises(PermissionDenied):
        services.complaint_close(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk)
    services.complaint_close(actor=fresh(world.a.users["office_admin"]), complaint_id=complaint.pk)


def test_dissatisfied_reopens_once_then_closes(world):
    complaint, code = register(world)
    for _ in range(2):
        services.complaint_handle(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk) \
            if Complaint.objects.get(pk=complaint.pk).status != "handling" else None
        services.complaint_answer(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk, answer="答复")
        rated = services.complaint_rate(code=code, rating="dissatisfied")
        if rated.status == "closed":
            break
        # first time: back to handling with a new due date
        assert rated.status == "handling" and rated.reopen_count == 1
    assert rated.status == "closed" and rated.reopen_count == 1


def test_policy_without_reopen_closes_on_dissatisfaction(world):
    services.complaint_policy_set(actor=fresh(world.b.users["office_admin"]), office_id=world.b.office.pk,
                                  answer_days=5, working_days=False, reopen_on_dissatisfaction=False)
    complaint, code = register(world, county="b")
    assert complaint.due_on == timezone.localdate(complaint.created_at) + datetime.timedelta(days=5)
    services.complaint_handle(actor=fresh(world.b.users["office_staff"]), complaint_id=complaint.pk)
    services.complaint_answer(actor=fresh(world.b.users["office_staff"]), complaint_id=complaint.pk, answer="答复")
    assert services.complaint_rate(code=code, rating="dissatisfied").status == "closed"


def test_unrated_answers_close_after_the_office_days(world):
    complaint, _code = register(world)
    services.complaint_handle(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk)
    services.complaint_answer(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk, answer="答复")
    today = timezone.localdate()
    assert complaint not in services.complaints_close_unrated(on=today)
    closed = services.complaints_close_unrated(on=today + datetime.timedelta(days=ComplaintPolicy().close_after_days))
    assert complaint.pk in {c.pk for c in closed}
    assert Complaint.objects.get(pk=complaint.pk).status == "closed"


def test_a_complaint_becomes_a_finding_and_a_notice(world):
    complaint, _code = register(world)
    inspector = fresh(world.a.users["inspector"])
    with pytest.raises(TransitionNotAllowed):  # not before it is verified or handled
        services.complaint_finding_record(actor=inspector, complaint_id=complaint.pk, description="食堂卫生问题")
    services.complaint_verify(actor=inspector, complaint_id=complaint.pk)
    services.complaint_finding_record(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk,
                                      description="食堂卫生问题", item_code="7")
    services.complaint_rectification_issue(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk,
                                           requirements="一周内整改食堂卫生")
    complaint.refresh_from_db()
    assert complaint.finding.school_id == complaint.school_id and complaint.finding.item_code == "7"
    assert complaint.rectification.finding_id == complaint.finding_id
    assert {"complaints.complaint.finding", "complaints.complaint.rectification"} <= {e.action for e in events(complaint)}


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 3, 6)  # no holiday until 清明 (April 4-6)
    assert working_days.add(friday, 1) == datetime.date(2026, 3, 9)
    assert working_days.add(friday, 15) == datetime.date(2026, 3, 27)
    assert working_days.add(friday, 15, working=False) == datetime.date(2026, 3, 21)


def test_bad_input_is_refused(world):
    with pytest.raises(ValidationError):
        register(world, text="  ")
    with pytest.raises(ValidationError):
        register(world, phone="call me")
    with pytest.raises(ValidationError):
        register(world, photos=[photo() for _ in range(4)])


def test_assigning_tells_the_handler_even_when_their_channel_fails(world, settings, django_capture_on_commit_callbacks):
    from dudao.notifications import services as messages
    from dudao.notifications.models import Delivery, Kind
    from dudao.notifications.tests.servers import HTTPServer

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    complaint, _code = register(world)
    admin = fresh(world.a.users["office_admin"])
    with HTTPServer(status=500) as gateway:
        messages.channel_settings_set(actor=admin, office_id=world.a.office.pk, webhook_url=gateway.url("/sms"),
                                      defaults={Kind.COMPLAINT_ASSIGNED: ["webhook"]})
        services.complaint_assign(actor=admin, complaint_id=complaint.pk, inspector_id=world.a.inspectors[1].pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.complaint_assign(actor=admin, complaint_id=complaint.pk, inspector_id=world.a.inspectors[0].pk)
        assert len(gateway.requests) == Delivery.MAX_ATTEMPTS
    complaint.refresh_from_db()
    assert complaint.handler == world.a.inspectors[0]  # the assignment stands
    told = Notification.objects.get(recipient=world.a.users["inspector"], kind=Kind.COMPLAINT_ASSIGNED)
    (delivery,) = told.deliveries.all()
    assert (delivery.status, delivery.last_error) == (Delivery.Status.FAILED, "HTTP 500")
