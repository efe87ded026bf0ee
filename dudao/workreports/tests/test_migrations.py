"""A database from before work reports had their own app migrates forward with everything it held:
the reports and due dates, the permissions' content types, the files' subjects and the audit log.

The test migrates its database back to the last migration of ``reports`` that held the models,
writes a due-date rule, a submitted report and its audit event there as that code did, and
migrates forward.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from dudao.audit.actions import action_label
from dudao.audit.models import AuditEvent
from dudao.audit.services import record, verify_chain
from dudao.core.testing.factories import InspectorFactory, OfficeFactory, RegionFactory, make_user
from dudao.documents.models import Document
from dudao.workreports.models import Report, ReportPolicy

BEFORE = [("reports", "0003_assessment_moved"), ("workreports", None)]
OLD_STATE = [("reports", "0003_assessment_moved")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_reports_written_before_the_move_keep_their_rows_permissions_and_audit_trail():
    # given a county office and an inspector
    region = RegionFactory(code="360101", name="甲县", level=3)
    office = OfficeFactory(region=region, name="甲县人民政府教育督导室")
    admin = make_user("a_office_admin", "office_admin", office=office)
    inspector = InspectorFactory(office=office, name="甲县督学1", certificate_no="360101-1")
    try:
        # and the database as it was while work reports lived in reports
        executor = _migrate(BEFORE)
        assert "reports_report" in _tables() and "workreports_report" not in _tables()
        old = executor.loader.project_state(OLD_STATE).apps
        content_type = ContentType.objects.get(app_label="reports", model="report")
        permission = Permission.objects.get(codename="review_report")
        assert permission.content_type_id == content_type.pk
        policy = old.get_model("reports", "ReportPolicy").objects.create(office_id=office.pk, month_due_day=7)
        report = old.get_model("reports", "Report").objects.create(
            level="inspector", office_id=office.pk, inspector_id=inspector.pk, period_kind="month",
            period_start=datetime.date(2026, 10, 1), period_end=datetime.date(2026, 10, 31),
            due_on=datetime.date(2026, 11, 7), title="甲县督学1 2026年10月督导工作报告", status="submitted",
            author_id=admin.pk)
        event = record(actor=admin, action="reports.report.accept", target=report,
                       changes={"status": ["submitted", "accepted"], "review_comment": ["", "好"]}, reason="好")
        assert event.target_ct_id == content_type.pk
        # and the report's submitted file, filed with its subject as it was named then
        filed = Document.objects.create(
            kind="work_report", title=report.title, office=office, year=2026, date=datetime.date(2026, 11, 3),
            data_sha256="0" * 64, docx="documents/report.docx", docx_sha256="0" * 64, created_by=admin,
            subject_type="reports.report", subject_id=report.pk)
    finally:
        # when the database migrates forward
        _migrate(None)

    # then the tables carry the app's name and hold the same rows
    assert "workreports_report" in _tables() and "reports_report" not in _tables()
    assert "workreports_reportpolicy" in _tables() and "reports_reportpolicy" not in _tables()
    kept = Report.objects.get(pk=report.pk)
    assert (kept.office_id, kept.inspector_id, kept.author_id, kept.status, kept.due_on, kept.title) == (
        office.pk, inspector.pk, admin.pk, "submitted", datetime.date(2026, 11, 7), "甲县督学1 2026年10月督导工作报告")
    assert ReportPolicy.objects.get(pk=policy.pk).due_on("month", datetime.date(2026, 10, 1)) == datetime.date(2026, 11, 7)
    # and the content type, with its permissions, is the same row under the new app
    assert ContentType.objects.get_for_model(Report).pk == content_type.pk
    assert not ContentType.objects.filter(app_label="reports", model__in=["report", "reportpolicy"]).exists()
    assert Permission.objects.get(codename="review_report").content_type.app_label == "workreports"
    # and the file still names its report
    assert Document.objects.get(pk=filed.pk).subject_type == "workreports.report"
    # and the audit log is untouched: the chain verifies, the event points at the report and reads as words
    assert verify_chain() == []
    logged = AuditEvent.objects.described(admin).get(pk=event.pk)
    assert logged.target_ct.model_class() is Report and logged.action == "reports.report.accept"
    with translation.override("zh-hans"):
        assert action_label(logged.action) == "工作报告审核通过"
    assert {row[0] for row in logged.change_rows} == {str(Report._meta.get_field("status").verbose_name),
                                                      str(Report._meta.get_field("review_comment").verbose_name)}
