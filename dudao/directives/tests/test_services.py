"""Following up a directive through its services: register, plan, assign, report, urge, review,
publish and archive; who may do what; audit, notifications and the filed documents."""

import datetime
import hashlib
import io

import docx
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.core.files import open_verified
from dudao.core.workflow import TransitionNotAllowed
from dudao.directives import selectors, services
from dudao.directives.models import Directive, DirectiveItem, ProgressReport
from dudao.directives.tests.helpers import assigned, days, make_directive, png_file, user
from dudao.documents.models import Document
from dudao.documents.services import document_read_verified
from dudao.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def _docx_text(document) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(document_read_verified(document, "docx"))).paragraphs)


def test_office_registers_a_directive_and_plans_its_items(world):
    directive = make_directive(world)
    assert directive.status == Directive.Status.REGISTERED
    assert directive.office == world.a.office
    assert list(directive.items.values_list("school_id", flat=True).order_by("school_id")) == sorted(
        [world.a.schools[0].pk, world.a.schools[1].pk])
    assert AuditEvent.objects.filter(action="directives.directive.register", target_id=directive.pk).exists()
    assert AuditEvent.objects.filter(action="directives.item.add").count() >= 2


def test_a_unit_outside_the_office_region_cannot_be_given_an_item(world):
    directive = make_directive(world)
    with pytest.raises(ValidationError):
        services.item_add(actor=user(world, "office_admin"), directive_id=directive.pk,
                          school_id=world.b.schools[0].pk, content="排查", deadline=days(5))


def test_a_school_cannot_register_a_directive(world):
    with pytest.raises(PermissionDenied):
        services.directive_register(actor=user(world, "school_liaison"), title="x", source="meeting",
                                    decided_on=days(-1))


def test_registering_refuses_a_future_decision_and_an_unknown_source(world):
    admin = user(world, "office_admin")
    with pytest.raises(ValidationError):
        services.directive_register(actor=admin, title="x", source="meeting", decided_on=days(1))
    with pytest.raises(ValidationError):
        services.directive_register(actor=admin, title="x", source="rumour", decided_on=days(-1))


def test_assigning_needs_an_item_and_tells_each_unit(world, django_capture_on_commit_callbacks):
    admin = user(world, "office_admin")
    empty = services.directive_register(actor=admin, title="空事项", source="instruction", decided_on=days(-1))
    with pytest.raises(ValidationError):
        services.directive_assign(actor=admin, directive_id=empty.pk)
    directive = make_directive(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.directive_assign(actor=admin, directive_id=directive.pk)
    directive.refresh_from_db()
    assert directive.status == Directive.Status.ASSIGNED and directive.assigned_at is not None
    liaison = world.a.users["school_liaison"]  # of school 0
    assert Notification.objects.filter(recipient=liaison, title__contains=directive.title).exists()
    with pytest.raises(TransitionNotAllowed):
        services.directive_assign(actor=admin, directive_id=directive.pk)


def test_a_unit_sees_its_item_only_once_assigned_and_reports_progress(world):
    directive = make_directive(world)
    liaison = user(world, "school_liaison")
    item = directive.items.get(school=world.a.schools[0])
    assert not selectors.item_list(user=liaison).filter(pk=item.pk).exists()
    services.directive_assign(actor=user(world, "office_admin"), directive_id=directive.pk)
    assert selectors.item_list(user=user(world, "school_liaison")).filter(pk=item.pk).exists()
    # and only its own school's item
    other = directive.items.get(school=world.a.schools[1])
    assert not selectors.item_list(user=liaison).filter(pk=other.pk).exists()
    report = services.item_report(actor=liaison, item_id=item.pk, text="已完成排查，正在整改。")
    item.refresh_from_db()
    assert item.status == DirectiveItem.Status.PENDING and not report.is_final
    assert AuditEvent.objects.filter(action="directives.item.report", target_id=item.pk).exists()


def test_a_unit_cannot_report_on_another_units_item(world):
    directive = assigned(world)
    other = directive.items.get(school=world.a.schools[1])  # the principal's school, not the liaison's
    with pytest.raises(DirectiveItem.DoesNotExist):
        services.item_report(actor=user(world, "school_liaison"), item_id=other.pk, text="已完成")
    with pytest.raises(PermissionDenied):  # an inspector reads the item of a listed school, reports nothing
        services.item_report(actor=user(world, "inspector"), item_id=directive.items.get(
            school=world.a.schools[0]).pk, text="已完成")


def test_the_office_urges_a_late_unit_with_a_numbered_notice(world, django_capture_on_commit_callbacks):
    directive = assigned(world)
    late = directive.items.get(school=world.a.schools[1])  # due three days ago
    assert late.is_late() and late.board() == DirectiveItem.Board.LATE
    admin = user(world, "office_admin")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.item_urge(actor=admin, item_id=late.pk, note="请于3日内报送办理结果。")
        second = services.item_urge(actor=admin, item_id=late.pk, note="")
    # each urge files its own numbered 督办通知单 in the archive
    assert first.document.kind == "directive_urge" and first.document.number
    assert first.document.number != second.document.number
    assert first.document.school_id == world.a.schools[1].pk
    text = _docx_text(first.document)
    assert "督办通知单" in text and late.school.name in text and "请于3日内报送办理结果。" in text
    assert "第2次督办" in _docx_text(second.document)
    # the unit's principal is told, as an overdue message
    principal = world.a.users["principal"]
    assert Notification.objects.filter(recipient=principal, kind=Kind.OVERDUE).count() == 2
    assert AuditEvent.objects.filter(action="directives.item.urge", target_id=late.pk).count() == 2


def test_person_text_in_an_urge_is_data_not_template_code(world):
    directive = assigned(world)
    item = directive.items.get(school=world.a.schools[1])
    urge = services.item_urge(actor=user(world, "office_admin"), item_id=item.pk, note="{{ office.name }} {% if %}")
    assert "{{ office.name }} {% if %}" in _docx_text(urge.document)


def test_a_unit_cannot_urge(world):
    directive = assigned(world)
    item = directive.items.get(school=world.a.schools[0])
    with pytest.raises(PermissionDenied):
        services.item_urge(actor=user(world, "school_liaison"), item_id=item.pk)


def test_completion_is_returned_then_accepted(world, django_capture_on_commit_callbacks):
    directive = assigned(world)
    item = directive.items.get(school=world.a.schools[0])
    liaison, admin = user(world, "school_liaison"), user(world, "office_admin")
    services.item_report(actor=liaison, item_id=item.pk, text="已全部完成。", is_final=True)
    item.refresh_from_db()
    assert item.status == DirectiveItem.Status.REPORTED and item.submitted_at is not None
    with pytest.raises(ValidationError):
        services.item_return(actor=admin, item_id=item.pk, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.item_return(actor=admin, item_id=item.pk, comment="缺少警示标志照片。")
    item.refresh_from_db()
    assert item.status == DirectiveItem.Status.RETURNED and item.board() == DirectiveItem.Board.RETURNED
    assert Notification.objects.filter(recipient=world.a.users["school_liaison"], body="缺少警示标志照片。").exists()
    with pytest.raises(TransitionNotAllowed):
        services.item_accept(actor=admin, item_id=item.pk)
    services.item_report(actor=liaison, item_id=item.pk, text="已补齐。", is_final=True)
    with pytest.raises(PermissionDenied):
        services.item_accept(actor=liaison, item_id=item.pk)
    services.item_accept(actor=admin, item_id=item.pk, comment="同意办结")
    item.refresh_from_db()
    assert item.status == DirectiveItem.Status.ACCEPTED and item.board() == DirectiveItem.Board.DONE
    assert list(ProgressReport.objects.filter(item=item).values_list("is_final", flat=True)) == [True, True]
    with pytest.raises(TransitionNotAllowed):
        services.item_report(actor=liaison, item_id=item.pk, text="再报")
    actions = set(AuditEvent.objects.filter(target_id=item.pk).values_list("action", flat=True))
    assert {"directives.item.submit", "directives.item.return", "directives.item.accept"} <= actions


def test_the_city_office_reads_but_does_not_review(world):
    directive = assigned(world)
    item = directive.items.get(school=world.a.schools[0])
    services.item_report(actor=user(world, "school_liaison"), item_id=item.pk, text="完成", is_final=True)
    from dudao.core.testing.world import fresh
    city = fresh(world.city_user)
    assert selectors.item_list(user=city).filter(pk=item.pk).exists()
    with pytest.raises(PermissionDenied):
        services.item_accept(actor=city, item_id=item.pk)


def test_bulletin_then_archive_once_every_item_is_accepted(world):
    directive = assigned(world)
    admin, liaison, principal = user(world, "office_admin"), user(world, "school_liaison"), user(world, "principal")
    first, second = directive.items.get(school=world.a.schools[0]), directive.items.get(school=world.a.schools[1])
    services.item_report(actor=liaison, item_id=first.pk, text="完成", is_final=True)
    services.item_accept(actor=admin, item_id=first.pk)
    services.item_urge(actor=admin, item_id=second.pk)
    services.directive_publish(actor=admin, directive_id=directive.pk)
    directive.refresh_from_db()
    assert directive.status == Directive.Status.PUBLISHED and directive.bulletin.kind == "directive_bulletin"
    text = _docx_text(directive.bulletin)
    assert "共分解2项任务" in text and "已办结1项" in text and "逾期未办结1项" in text
    assert Document.objects.filter(subject_type="directives.directive", subject_id=directive.pk).count() == 1
    # the late unit goes on after the bulletin, and the directive is archived once it is accepted
    with pytest.raises(ValidationError):
        services.directive_archive(actor=admin, directive_id=directive.pk)
    services.item_report(actor=principal, item_id=second.pk, text="完成", is_final=True)
    services.item_accept(actor=admin, item_id=second.pk)
    services.directive_archive(actor=admin, directive_id=directive.pk)
    directive.refresh_from_db()
    assert directive.status == Directive.Status.ARCHIVED and directive.archived_at is not None
    with pytest.raises(TransitionNotAllowed):
        services.directive_update(actor=admin, directive_id=directive.pk, title="改", source="meeting",
                                  decided_on=directive.decided_on)
    stages = selectors.directive_stages(directive=directive, rows=selectors.item_rows(user=admin, directive=directive))
    assert [s["done"] for s in stages] == [True] * 7


def test_the_board_counts_each_unit(world):
    directive = assigned(world)
    admin = user(world, "office_admin")
    board = {row["school"].pk: row for row in selectors.unit_board(user=admin, directive=directive)}
    assert board[world.a.schools[0].pk]["on_time"] == 1 and board[world.a.schools[0].pk]["late"] == 0
    assert board[world.a.schools[1].pk]["late"] == 1
    rows = selectors.item_rows(user=admin, directive=directive)
    assert selectors.board_counts(rows) == {"items": 2, "on_time": 1, "late": 1, "returned": 0, "done": 0}


def test_another_county_cannot_touch_the_directive(world):
    directive = assigned(world)
    item = directive.items.first()
    other = user(world, "office_admin", "b")
    assert not selectors.directive_list(user=other).filter(pk=directive.pk).exists()
    with pytest.raises(Directive.DoesNotExist):
        services.directive_publish(actor=other, directive_id=directive.pk)
    with pytest.raises(DirectiveItem.DoesNotExist):
        services.item_urge(actor=other, item_id=item.pk)


def test_a_unit_sends_a_photo_with_its_report_kept_with_its_checksum(world):
    directive = assigned(world)
    item = directive.items.get(school=world.a.schools[0])
    upload = png_file()
    report = services.item_report(actor=user(world, "school_liaison"), item_id=item.pk, text="已设置警示标志",
                                  files=[upload])
    [stored] = report.files.all()
    upload.seek(0)
    data = upload.read()
    assert stored.original_name == "现场照片.png" and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert open_verified(stored).read() == data
    assert AuditEvent.objects.filter(action="directives.item.file", target_id=item.pk).exists()
    # the principal of another school does not see it; the office does
    assert not selectors.file_list(user=user(world, "principal")).filter(pk=stored.pk).exists()
    assert selectors.file_list(user=user(world, "office_admin")).filter(pk=stored.pk).exists()


def test_units_are_reminded_of_a_coming_deadline_and_of_a_progress_report_due(
        world, django_capture_on_commit_callbacks):
    # given an assigned directive: the principal's school has an item due in 2 days; the liaison's
    # school one due in 30 days reporting every 7 days (assigned today, so its first report falls due
    # in 7 days) and one already past its deadline
    directive = assigned(world, deadlines=(2, 30, -1), schools=(1, 0, 0))
    due_soon, far, late = (directive.items.get(deadline=days(n)) for n in (2, 30, -1))
    principal, liaison = world.a.users["principal"], world.a.users["school_liaison"]

    # when the daily job runs today, again today, then four days later
    with django_capture_on_commit_callbacks(execute=True):
        today = services.directive_reminders_send()
        again = services.directive_reminders_send()
        later = services.directive_reminders_send(on=days(4))

    # then today the unit with the coming deadline is told once; four days later the other unit's
    # progress report (due in 7 days) is; the late item is the office's to urge, not reminded
    assert [(r.kind, r.subject, r.deadline) for r in today] == [
        (Kind.DEADLINE_SOON, f"directives.item:{due_soon.pk}", days(2))]
    assert again == []
    assert [(r.kind, r.subject, r.deadline) for r in later] == [
        (Kind.REPORT_DUE, f"directives.item:{far.pk}", days(7))]
    told = Notification.objects.filter(kind__in=(Kind.DEADLINE_SOON, Kind.REPORT_DUE))
    assert list(told.filter(url=due_soon.get_absolute_url()).values_list("recipient_id", "kind")) == [
        (principal.pk, Kind.DEADLINE_SOON)]
    assert list(told.filter(url=far.get_absolute_url()).values_list("recipient_id", "kind")) == [
        (liaison.pk, Kind.REPORT_DUE)]
    assert not told.filter(url=late.get_absolute_url()).exists()


def test_a_progress_report_moves_the_next_reminder(world, django_capture_on_commit_callbacks):
    # given an item assigned today, due in 30 days, reporting every 7 days (first report due in 7),
    # on which the unit reports 5 days from now (so the next one falls due in 12)
    directive = assigned(world, deadlines=(30,), schools=(0,))
    item = directive.items.get()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5), tick=False):
        services.item_report(actor=user(world, "school_liaison"), item_id=item.pk, text="已完成排查，正在整改")

    # when the job runs 6 days from now, then 9 days from now
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.directive_reminders_send(on=days(6))
        due = services.directive_reminders_send(on=days(9))

    # then nothing is due around day 7 any more; the report of day 12 is reminded from day 9
    assert moved == []
    assert [(r.kind, r.subject, r.deadline) for r in due] == [(Kind.REPORT_DUE, f"directives.item:{item.pk}", days(12))]


# ---- responsible units that are not schools (教育局股室, 乡镇教育办) ----------------------------------

def _department_item(directive, world):
    return directive.items.get(department=world.a.departments[0])


def test_office_gives_the_bureau_department_an_item_and_its_contact_is_told(world, django_capture_on_commit_callbacks):
    # given a directive with an item for the bureau's safety department next to the two schools
    directive = make_directive(world, departments=(0,))
    item = _department_item(directive, world)
    assert item.school is None and item.unit_name == world.a.departments[0].name
    event = AuditEvent.objects.get(action="directives.item.add", target_id=item.pk)
    assert event.changes["department"] == [None, world.a.departments[0].name]

    # when the office assigns the directive
    with django_capture_on_commit_callbacks(execute=True):
        services.directive_assign(actor=user(world, "office_admin"), directive_id=directive.pk)

    # then the department's unit liaison is told, and no school user hears of the department's item
    contact = world.a.users["unit_liaison"]
    assert Notification.objects.filter(recipient=contact, url=item.get_absolute_url()).exists()
    assert not Notification.objects.filter(url=item.get_absolute_url()).exclude(recipient=contact).exists()


def test_an_item_names_exactly_one_responsible_unit(world):
    directive = make_directive(world)
    admin = user(world, "office_admin")
    for units in ({}, {"school_id": world.a.schools[0].pk, "department_id": world.a.departments[0].pk}):
        with pytest.raises(ValidationError):
            services.item_add(actor=admin, directive_id=directive.pk, content="排查", deadline=days(5), **units)
    # the database holds it too
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectiveItem.objects.create(directive=directive, content="两个单位", deadline=days(5),
                                     school=world.a.schools[0], department=world.a.departments[0])


def test_a_department_of_another_office_cannot_be_given_an_item(world):
    directive = make_directive(world)
    with pytest.raises(ValidationError):
        services.item_add(actor=user(world, "office_admin"), directive_id=directive.pk,
                          department_id=world.b.departments[0].pk, content="排查", deadline=days(5))


def test_the_unit_liaison_sees_only_their_departments_directives_and_items(world):
    # given one directive with a school item only, and one with the department's item, both assigned
    schools_only = assigned(world, title="仅学校承办")
    with_department = assigned(world, title="股室承办", departments=(0, 1))
    contact = user(world, "unit_liaison")
    mine = with_department.items.get(department=world.a.departments[0])

    # then the contact reads the directive with their item, and only their item
    assert list(selectors.directive_list(user=contact).values_list("pk", flat=True)) == [with_department.pk]
    assert list(selectors.item_list(user=contact).values_list("pk", flat=True)) == [mine.pk]
    assert selectors.directive_list(user=contact).get().item_count == 1
    assert not selectors.item_list(user=contact).filter(directive=schools_only).exists()
    # a registered (not yet assigned) directive stays hidden from the unit
    registered = make_directive(world, title="尚未交办", departments=(0,))
    assert not selectors.directive_list(user=contact).filter(pk=registered.pk).exists()
    # and the school liaison does not see the department's item
    assert not selectors.item_list(user=user(world, "school_liaison")).filter(pk=mine.pk).exists()


def test_the_unit_liaison_reports_progress_with_a_photo_and_completion(world, django_capture_on_commit_callbacks):
    directive = assigned(world, departments=(0,))
    item = _department_item(directive, world)
    contact = user(world, "unit_liaison")
    report = services.item_report(actor=contact, item_id=item.pk, text="已制定排查方案", files=[png_file()])
    assert report.files.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.item_report(actor=contact, item_id=item.pk, text="排查整治完毕", is_final=True)
    item.refresh_from_db()
    assert item.status == DirectiveItem.Status.REPORTED
    assert Notification.objects.filter(recipient=world.a.users["office_admin"],
                                       body__contains=world.a.departments[0].name).exists()
    assert {"directives.item.report", "directives.item.file", "directives.item.submit"} <= set(
        AuditEvent.objects.filter(target_id=item.pk).values_list("action", flat=True))
    # the contact reports on no school's item and on no other department's
    school_item = directive.items.get(school=world.a.schools[0])
    with pytest.raises(DirectiveItem.DoesNotExist):
        services.item_report(actor=contact, item_id=school_item.pk, text="代报")
    # the contact does not review
    with pytest.raises(PermissionDenied):
        services.item_accept(actor=contact, item_id=item.pk)


def test_the_office_urges_a_department_with_a_notice_naming_it(world, django_capture_on_commit_callbacks):
    directive = assigned(world, departments=(1,), department_deadlines=(-2,))
    item = directive.items.get(department=world.a.departments[1])
    assert item.is_late()
    with django_capture_on_commit_callbacks(execute=True):
        urge = services.item_urge(actor=user(world, "office_admin"), item_id=item.pk, note="请立即办理。")
    text = _docx_text(urge.document)
    assert "督办通知单" in text and world.a.departments[1].name in text
    assert urge.document.school_id is None and urge.document.office_id == world.a.office.pk
    # the township office has no contact account in the world: nobody else is told of it
    assert not Notification.objects.filter(url=item.get_absolute_url(), kind=Kind.OVERDUE).exists()


def test_return_and_accept_tell_the_department_contact(world, django_capture_on_commit_callbacks):
    directive = assigned(world, departments=(0,))
    item = _department_item(directive, world)
    contact, admin = user(world, "unit_liaison"), user(world, "office_admin")
    services.item_report(actor=contact, item_id=item.pk, text="完成", is_final=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_return(actor=admin, item_id=item.pk, comment="缺少排查台账。")
    assert Notification.objects.filter(recipient=world.a.users["unit_liaison"], body="缺少排查台账。").exists()
    services.item_report(actor=contact, item_id=item.pk, text="已补台账", is_final=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_accept(actor=admin, item_id=item.pk, comment="同意办结")
    assert Notification.objects.filter(recipient=world.a.users["unit_liaison"], body="同意办结").exists()


def test_the_board_and_the_bulletin_count_a_department_as_a_unit(world, django_capture_on_commit_callbacks):
    directive = assigned(world, departments=(0,))
    admin = user(world, "office_admin")
    board = {row["name"]: row for row in selectors.unit_board(user=admin, directive=directive)}
    assert board[world.a.departments[0].name]["on_time"] == 1 and board[world.a.departments[0].name]["school"] is None
    assert set(board) == {world.a.schools[0].name, world.a.schools[1].name, world.a.departments[0].name}
    # schools first, then the departments
    assert [r["item"].unit_name for r in selectors.item_rows(user=admin, directive=directive)][-1] == \
        world.a.departments[0].name
    with django_capture_on_commit_callbacks(execute=True):
        services.directive_publish(actor=admin, directive_id=directive.pk)
    directive.refresh_from_db()
    assert world.a.departments[0].name in "\n".join(
        cell.text for table in docx.Document(io.BytesIO(document_read_verified(directive.bulletin, "docx"))).tables
        for row in table.rows for cell in row.cells)
    assert Notification.objects.filter(recipient=world.a.users["unit_liaison"], url=directive.get_absolute_url()).exists()


def test_the_department_contact_is_reminded_of_a_coming_deadline(world, django_capture_on_commit_callbacks):
    directive = assigned(world, deadlines=(), schools=(), departments=(0,), department_deadlines=(2,))
    item = directive.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.directive_reminders_send()
    assert [(r.kind, r.subject) for r in sent] == [(Kind.DEADLINE_SOON, f"directives.item:{item.pk}")]
    told = Notification.objects.get(url=item.get_absolute_url(), kind=Kind.DEADLINE_SOON)
    assert told.recipient_id == world.a.users["unit_liaison"].pk and world.a.departments[0].name in told.title
