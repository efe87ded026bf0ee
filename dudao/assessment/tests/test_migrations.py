"""A database from before the assessment had its own app migrates forward with everything it held:
the ratings and weightings, the permissions' content types and the audit log's chain.

The test migrates its database back to the last migration of ``reports`` that held the models,
writes a weighting, a rating and its audit event there as that code did, and migrates forward.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from dudao.assessment.instrument import ensure_assessment_instrument
from dudao.assessment.models import AssessmentPolicy, AssessmentRating
from dudao.audit.actions import action_label
from dudao.audit.models import AuditEvent
from dudao.audit.services import record, verify_chain
from dudao.core.testing.factories import InspectorFactory, OfficeFactory, RegionFactory, make_user
from dudao.instruments.models import Response

BEFORE = [("reports", "0002_assessment"), ("assessment", None)]
OLD_STATE = [("reports", "0002_assessment")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_ratings_given_before_the_move_keep_their_rows_permissions_and_audit_trail():
    # given a county office, an inspector and the shipped questionnaire, answered once
    region = RegionFactory(code="360101", name="甲县", level=3)
    office = OfficeFactory(region=region, name="甲县人民政府教育督导室")
    admin = make_user("a_office_admin", "office_admin", office=office)
    inspector = InspectorFactory(office=office, name="甲县督学1", certificate_no="360101-1")
    version = ensure_assessment_instrument().latest_published()
    response = Response.objects.create(version=version, region_path=region.path, respondent=admin)
    try:
        # and the database as it was while the assessment lived in reports
        executor = _migrate(BEFORE)
        assert "reports_assessmentrating" in _tables() and "assessment_assessmentrating" not in _tables()
        old = executor.loader.project_state(OLD_STATE).apps
        content_type = ContentType.objects.get(app_label="reports", model="assessmentrating")
        permission = Permission.objects.get(codename="add_assessmentrating")
        assert permission.content_type_id == content_type.pk
        policy = old.get_model("reports", "AssessmentPolicy").objects.create(
            office_id=office.pk, weight_visits=40, group_school=70)
        rating = old.get_model("reports", "AssessmentRating").objects.create(
            office_id=office.pk, inspector_id=inspector.pk, rater_id=admin.pk, role="peer", period_kind="year",
            period_start=datetime.date(2026, 1, 1), response_id=response.pk, score=Decimal("87.50"), comment="认真")
        event = record(actor=admin, action="reports.assessmentrating.create", target=rating,
                       changes={"score": [None, "87.50"], "role": [None, "peer"]})
        assert event.target_ct_id == content_type.pk
    finally:
        # when the database migrates forward
        _migrate(None)

    # then the tables carry the app's name and hold the same rows
    assert "assessment_assessmentrating" in _tables() and "reports_assessmentrating" not in _tables()
    kept = AssessmentRating.objects.get(pk=rating.pk)
    assert (kept.office_id, kept.inspector_id, kept.rater_id, kept.role, kept.score, kept.comment) == (
        office.pk, inspector.pk, admin.pk, "peer", Decimal("87.50"), "认真")
    assert (AssessmentPolicy.objects.get(pk=policy.pk).weights["visits"],
            AssessmentPolicy.objects.get(pk=policy.pk).group_weights["school"]) == (40, 70)
    # and the content type, with its permissions, is the same row under the new app
    assert ContentType.objects.get_for_model(AssessmentRating).pk == content_type.pk
    assert not ContentType.objects.filter(app_label="reports", model__startswith="assessment").exists()
    assert Permission.objects.get(codename="add_assessmentrating").content_type.app_label == "assessment"
    # and the audit log is untouched: the chain verifies, the event points at the rating and reads as words
    assert verify_chain() == []
    logged = AuditEvent.objects.described(admin).get(pk=event.pk)
    assert logged.target_ct.model_class() is AssessmentRating and logged.action == "reports.assessmentrating.create"
    with translation.override("zh-hans"):
        assert action_label(logged.action) == "考核评价督学"
    fields = AssessmentRating._meta
    assert {row[0] for row in logged.change_rows} == {str(fields.get_field("score").verbose_name),
                                                      str(fields.get_field("role").verbose_name)}
