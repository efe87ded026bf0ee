"""The office's weighting and the ratings, through the services that check and audit them. Records: see ``conftest.py``."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from dudao.assessment.models import AssessmentPolicy, AssessmentRating
from dudao.assessment.selectors import assessment_table, my_ratings
from dudao.assessment.services import assessment_policy_set, rating_submit
from dudao.assessment.tests.autumn import AUTUMN, ON, D, answers
from dudao.audit.actions import action_label
from dudao.audit.models import AuditEvent
from dudao.inspectors.models import Inspector
from dudao.workreports.tests.report_fixtures import make_colleague, user


def test_the_office_weighting_changes_the_score(term):
    world = term
    admin = user(world, "office_admin")
    assessment_policy_set(actor=admin, office_id=world.a.office.pk, aggregation="mean",
                          weights={"visits": 100, "tasks": 0, "reports": 0, "rectifications": 0, "complaints": 0,
                                   "training": 0, "ratings": 0},
                          group_weights={"self": 0, "peer": 50, "school": 50})
    row = assessment_table(user=admin, office=world.a.office, period=AUTUMN, on=ON)["rows"][0]
    assert row.total == Decimal(50)
    assert row.scores["ratings"] == Decimal(75)  # the self rating weighs nothing now
    with pytest.raises(PermissionDenied):
        assessment_policy_set(actor=user(world, "office_staff"), office_id=world.a.office.pk, aggregation="mean",
                              weights={"visits": 1}, group_weights={"self": 1})
    # the weighting is logged under the code it always had, and reads as words
    event = AuditEvent.objects.get(action__startswith="reports.assessmentpolicy.")
    assert event.action == "reports.assessmentpolicy.create" and event.target_ct.model_class() is AssessmentPolicy
    with translation.override("zh-hans"):
        assert action_label(event.action) == "新建考核权重"


def test_raters_are_checked_and_see_only_their_own_ratings(term):
    world = term
    inspector = world.a.inspectors[0]
    me, liaison, peer = user(world, "inspector"), user(world, "school_liaison"), make_colleague(world)

    # a peer of the same office rates; a peer of county B and a school without the listing cannot
    rating_submit(actor=peer, inspector_id=inspector.pk, period_kind="term", period_start=D(2026, 10, 1),
                  role="peer", answers=answers("一般"))
    with pytest.raises(Inspector.DoesNotExist):
        rating_submit(actor=user(world, "inspector", "b"), inspector_id=inspector.pk, period_kind="term",
                      period_start=D(2026, 10, 1), role="peer", answers=answers("一般"))
    with pytest.raises(PermissionDenied):
        rating_submit(actor=user(world, "principal"), inspector_id=inspector.pk, period_kind="term",
                      period_start=D(2026, 10, 1), role="school", answers=answers("差"))
    with pytest.raises(PermissionDenied):
        rating_submit(actor=me, inspector_id=world.a.inspectors[1].pk, period_kind="term",
                      period_start=D(2026, 10, 1), role="school", answers=answers("差"))

    # then each rater sees only the rating they gave; the office sees all three
    assert {r.role for r in my_ratings(user=me)} == {"self"}
    assert {r.role for r in my_ratings(user=liaison)} == {"school"}
    assert {r.role for r in my_ratings(user=peer)} == {"peer"}
    assert {r.role for r in my_ratings(user=user(world, "office_admin"))} == {"self", "school", "peer"}
    assert not my_ratings(user=user(world, "office_admin", "b")).exists()


def test_rating_again_replaces_the_answers_and_is_audited(term):
    world = term
    liaison = user(world, "school_liaison")
    rating_submit(actor=liaison, inspector_id=world.a.inspectors[0].pk, period_kind="term",
                  period_start=D(2026, 11, 1), role="school", answers=answers("优秀"))
    rating = AssessmentRating.objects.get(rater=liaison)
    assert rating.score == Decimal(100) and rating.period_start == D(2026, 9, 1) and rating.school == world.a.schools[0]
    assert list(AuditEvent.objects.filter(target_id=rating.pk, action__startswith="reports.assessmentrating.")
                .order_by("seq").values_list("action", flat=True)) == ["reports.assessmentrating.create",
                                                         "reports.assessmentrating.update"]
