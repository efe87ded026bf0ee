"""Work reports through the real services: drafted from the records, the .docx read back, the
finished report uploaded, returned and accepted; audit, notifications, due dates and late."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document as DocxDocument

from dudao.audit.models import AuditEvent
from dudao.core.workflow import TransitionNotAllowed
from dudao.documents.models import Document
from dudao.documents.tests.pdf_jobs import run_pdf_jobs
from dudao.notifications.models import Notification
from dudao.workreports import services
from dudao.workreports.models import Report, ReportPolicy
from dudao.workreports.tests import report_fixtures
from dudao.workreports.tests.report_fixtures import OCTOBER, user

pytestmark = pytest.mark.django_db

world = report_fixtures.world
october = report_fixtures.october


def draft(world, role="inspector", *, start=OCTOBER[0], kind="month", pdf=False, **kw):
    return services.report_draft(actor=user(world, role), level=kw.pop("level", "inspector"), period_kind=kind,
                                 period_start=start, pdf=pdf, **kw)


def docx_of(document) -> DocxDocument:
    with document.docx.open("rb") as handle:
        return DocxDocument(io.BytesIO(handle.read()))


def table_rows(doc) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]


def upload(data: bytes, name="报告.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def finished(report) -> SimpleUploadedFile:
    """The draft, finished: the author writes the closing part and saves it."""
    doc = docx_of(report.draft)
    doc.add_paragraph("本月工作小结：按计划完成随访督导。")
    out = io.BytesIO()
    doc.save(out)
    return upload(out.getvalue())


def test_draft_files_a_docx_holding_the_months_numbers(october):
    # when the inspector drafts their October
    report = draft(october)

    # then the report is a draft due on 5 November with a work_report document about it
    assert (report.status, report.level, report.period_end) == ("draft", "inspector", OCTOBER[1])
    assert report.due_on == datetime.date(2026, 11, 5)
    assert report.title == f"{october.a.inspectors[0].name}2026年10月督导工作报告"
    assert report.zone == october.a.zones[0]
    assert (report.draft.kind, report.draft.subject_type, report.draft.subject_id) == ("work_report", "workreports.report",
                                                                                       report.pk)
    # and the .docx read back says what the records say
    doc = docx_of(report.draft)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "负责督导学校2所，开展随访督导2次，到校督导学校1所" in text
    assert "推门听课2节；发现问题3个；下发整改通知书2份，办结1份，逾期未整改1份" in text
    assert "课后服务“一校一案”做法值得推广" in text
    assert "本月工作小结" in text and "下一步工作打算" in text
    rows = table_rows(doc)
    assert ["2026年10月", "2", "1", "50%", "2"] in rows
    assert ["1", october.a.schools[0].name, "2", "1/1", "2", "1", "1"] in rows
    assert ["2", "7. 食堂、食品、饮水及宿舍卫生情况", "2"] in rows
    # campaigns, evaluations and complaints have no app yet: each says none
    assert text.count("本月无。") == 3
    assert "八、专项督导" in text and "十、投诉举报办理" in text and "十一、本月工作小结" in text
    # and the two charts are pictures in the document
    assert len(doc.inline_shapes) == 2
    assert AuditEvent.objects.filter(action="reports.report.create", target_id=str(report.pk)).exists()


def test_draft_makes_a_pdf_too(october):
    report = draft(october, pdf=True)
    run_pdf_jobs()  # the worker makes the PDF
    report.draft.refresh_from_db()
    with report.draft.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_drafting_again_makes_a_new_draft_of_the_same_report(october):
    first = draft(october)
    report_fixtures.visit(user(october, "inspector"), october.a.schools[2], datetime.date(2026, 10, 30))
    again = draft(october)
    assert again.pk == first.pk
    assert again.draft_id != first.draft_id
    assert "到校督导学校2所" in "\n".join(p.text for p in docx_of(again.draft).paragraphs)
    assert AuditEvent.objects.filter(action="reports.report.redraft", target_id=str(first.pk)).exists()


def test_submit_files_the_upload_and_tells_the_office(october, django_capture_on_commit_callbacks):
    # given the report of the running month, due next month
    report = draft(october, start=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(actor=user(october, "inspector"), report_id=report.pk,
                                        uploaded_file=finished(report), pdf=False)
    assert report.status == "submitted" and report.submitted_at is not None
    filed = report.submitted
    assert (filed.kind, filed.subject_id, filed.template_id) == ("work_report", report.pk, None)
    assert "按计划完成随访督导" in filed.text
    assert not report.is_late()
    event = AuditEvent.objects.get(action="reports.report.submit", target_id=str(report.pk))
    assert event.changes["status"] == ["draft", "submitted"]
    assert event.changes["late"] == [None, False]
    told = set(Notification.objects.filter(title__contains=report.title).values_list("recipient__username", flat=True))
    assert told == {"a_office_admin", "a_office_staff"}


@pytest.mark.parametrize(("name", "data"), [
    ("报告.docx", b"plain text, not a document"),
    ("报告.docx", b"PK\x03\x04 broken zip"),
    ("报告.pdf", b"%PDF-1.4\n%%EOF\n"),
])
def test_submit_refuses_what_is_not_a_docx(october, name, data):
    report = draft(october)
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=user(october, "inspector"), report_id=report.pk, uploaded_file=upload(data, name),
                               pdf=False)
    assert "file" in error.value.message_dict
    report.refresh_from_db()
    assert report.status == "draft" and report.submitted_id is None


def test_submit_refuses_a_zip_that_is_not_word(october):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    report = draft(october)
    with pytest.raises(ValidationError):
        services.report_submit(actor=user(october, "inspector"), report_id=report.pk,
                               uploaded_file=upload(buffer.getvalue()), pdf=False)


def test_submit_refuses_a_file_over_the_limit(october, monkeypatch):
    from dudao.documents import services as filing

    report = draft(october)
    data = finished(report).read()
    monkeypatch.setattr(filing, "MAX_UPLOAD_BYTES", len(data) - 1)
    monkeypatch.setattr(filing.read_docx_upload, "__kwdefaults__", {"limit": len(data) - 1})
    with pytest.raises(ValidationError):
        services.report_submit(actor=user(october, "inspector"), report_id=report.pk, uploaded_file=upload(data),
                               pdf=False)


def test_submitting_twice_is_a_conflict(october):
    report = draft(october)
    services.report_submit(actor=user(october, "inspector"), report_id=report.pk, uploaded_file=finished(report),
                           pdf=False)
    with pytest.raises(TransitionNotAllowed):
        services.report_submit(actor=user(october, "inspector"), report_id=report.pk,
                               uploaded_file=finished(report), pdf=False)
    with pytest.raises(TransitionNotAllowed):
        draft(october)


def test_office_returns_with_reason_and_the_author_resubmits(october, django_capture_on_commit_callbacks):
    report = draft(october)
    services.report_submit(actor=user(october, "inspector"), report_id=report.pk, uploaded_file=finished(report),
                           pdf=False)
    office = user(october, "office_staff")
    with pytest.raises(ValidationError):
        services.report_return(actor=office, report_id=report.pk, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.report_return(actor=office, report_id=report.pk, reason="请补充听课评价的分析")
    assert returned.status == "returned" and returned.review_comment == "请补充听课评价的分析"
    event = AuditEvent.objects.get(action="reports.report.return", target_id=str(report.pk))
    assert (event.changes["status"], event.reason) == (["submitted", "returned"], "请补充听课评价的分析")
    assert Notification.objects.filter(recipient__username="a_inspector", body="请补充听课评价的分析").exists()
    # a returned report may be drafted again and submitted again, then accepted
    draft(october)
    report.refresh_from_db()
    services.report_submit(actor=user(october, "inspector"), report_id=report.pk, uploaded_file=finished(report),
                           pdf=False)
    accepted = services.report_accept(actor=office, report_id=report.pk)
    assert accepted.status == "accepted"
    assert AuditEvent.objects.filter(action="reports.report.accept", target_id=str(report.pk)).count() == 1


def test_only_the_office_reviews(october):
    report = draft(october)
    services.report_submit(actor=user(october, "inspector"), report_id=report.pk, uploaded_file=finished(report),
                           pdf=False)
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=user(october, "inspector"), report_id=report.pk)
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=user(october, "zone_leader"), report_id=report.pk)
    with pytest.raises(Report.DoesNotExist):
        services.report_accept(actor=user(october, "office_admin", "b"), report_id=report.pk)
    # the city office above may
    services.report_accept(actor=__import__("dudao.core.testing.world", fromlist=["fresh"]).fresh(october.city_user),
                           report_id=report.pk)


def test_review_of_a_draft_is_a_conflict(october):
    report = draft(october)
    with pytest.raises(TransitionNotAllowed):
        services.report_accept(actor=user(october, "office_admin"), report_id=report.pk)
    with pytest.raises(TransitionNotAllowed):
        services.report_return(actor=user(october, "office_admin"), report_id=report.pk, reason="x")


def test_nobody_drafts_a_colleagues_report(october):
    # the inspector cannot draft inspector 1's report (out of their scope), nor the office's
    with pytest.raises(PermissionDenied):
        draft(october, inspector_id=october.a.inspectors[1].pk)
    with pytest.raises(PermissionDenied):
        draft(october, level="office")
    # the office drafts for inspector 1, who has no login account, but not for the inspector who has one
    assert draft(october, "office_admin", inspector_id=october.a.inspectors[1].pk).author.username == "a_office_admin"
    with pytest.raises(PermissionDenied):
        draft(october, "office_admin", inspector_id=october.a.inspectors[0].pk)
    # the zone leader drafts their zone's report, not the other zone's
    assert draft(october, "zone_leader", level="zone", zone_id=october.a.zones[0].pk).level == "zone"
    with pytest.raises(PermissionDenied):
        draft(october, "zone_leader", level="zone", zone_id=october.a.zones[1].pk)
    # a liaison drafts nothing
    with pytest.raises(PermissionDenied):
        draft(october, "school_liaison")


def test_a_period_not_started_is_refused(october):
    # whatever today is, next month has not started yet
    today = timezone.localdate()
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    with pytest.raises(ValidationError):
        draft(october, start=next_month)


def test_office_report_goes_to_the_city(october, django_capture_on_commit_callbacks):
    report = draft(october, "office_admin", level="office")
    assert report.title == f"{october.a.office.name}2026年10月督导工作报告"
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(actor=user(october, "office_admin"), report_id=report.pk,
                               uploaded_file=finished(report), pdf=False)
    assert Notification.objects.filter(recipient__username="city_office_admin").exists()
    # the county office does not accept its own report
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=user(october, "office_staff"), report_id=report.pk)


# ---- due dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "start", "due"), [
    ("month", datetime.date(2026, 10, 1), datetime.date(2026, 11, 5)),
    ("month", datetime.date(2026, 12, 9), datetime.date(2027, 1, 5)),
    ("term", datetime.date(2026, 3, 1), datetime.date(2026, 8, 15)),
    ("term", datetime.date(2026, 10, 1), datetime.date(2027, 2, 15)),
    ("term", datetime.date(2027, 1, 10), datetime.date(2027, 2, 15)),
    ("year", datetime.date(2026, 6, 1), datetime.date(2027, 1, 15)),
])
def test_default_due_dates(kind, start, due):
    assert ReportPolicy().due_on(kind, start) == due


def test_office_policy_sets_the_due_date(october):
    services.report_policy_set(actor=user(october, "office_admin"), office_id=october.a.office.pk, month_due_day=10,
                               term_due_days=20, year_due_days=30)
    assert draft(october).due_on == datetime.date(2026, 11, 10)
    assert AuditEvent.objects.filter(action="reports.reportpolicy.create").exists()
    with pytest.raises(PermissionDenied):
        services.report_policy_set(actor=user(october, "office_staff"), office_id=october.a.office.pk,
                                   month_due_day=3, term_due_days=20, year_due_days=30)


def test_a_report_submitted_after_its_due_date_is_late(october):
    # given September's report, due on 5 October, submitted on 23 November
    report = draft(october, start=datetime.date(2026, 9, 1))
    report = services.report_submit(actor=user(october, "inspector"), report_id=report.pk,
                                    uploaded_file=finished(report), pdf=False)
    assert report.due_on == datetime.date(2026, 10, 5)
    assert report.is_late()
    assert Document.objects.filter(subject_id=report.pk, kind="work_report").count() == 2


def test_the_document_is_chinese_whatever_the_authors_language(october):
    from django.utils import translation

    with translation.override("en"):
        report = draft(october)
    rows = table_rows(docx_of(report.draft))
    assert ["优秀", "1"] in rows and ["待改进", "0"] in rows


def test_the_finished_report_is_read_before_the_transaction(october, monkeypatch):
    # reading a large .docx takes a while: never while the report's row (or SQLite's write lock) is held
    from django.db import connection

    from dudao.documents import services as filing

    report = draft(october)
    depths = []
    read = filing.docx_text
    monkeypatch.setattr(filing, "docx_text", lambda data: depths.append(len(connection.savepoint_ids)) or read(data))
    outside = len(connection.savepoint_ids)
    services.report_submit(actor=user(october, "inspector"), report_id=report.pk, uploaded_file=finished(report),
                           pdf=False)
    assert depths == [outside]
    report.refresh_from_db()
    assert report.title in report.submitted.text
