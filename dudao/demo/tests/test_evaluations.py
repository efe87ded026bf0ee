"""The demo county's school evaluation, loaded on the two-county world through the evaluation services."""

import datetime

import pytest
from django.contrib.auth.hashers import make_password

from dudao.core.testing.world import build_world, fresh
from dudao.demo.evaluations import load_evaluations
from dudao.demo.loop import inspector_accounts
from dudao.documents.models import Document
from dudao.evaluations.models import Evaluation, Rating, Unit
from dudao.inspections.models import Rectification

pytestmark = pytest.mark.django_db


def test_demo_evaluation_is_published_with_self_assessments_and_raters():
    # given county A with an account for each inspector
    world = build_world()
    admin = fresh(world.a.users["office_admin"])
    password = make_password("dudao-demo")
    inspector_accounts(admin=admin, office=world.a.office, inspectors=world.a.inspectors, password=password,
                       valid_from=datetime.date(2025, 9, 1))
    # when the demo evaluation is loaded
    evaluation = load_evaluations(admin=admin, office=world.a.office, schools=world.a.schools, password=password,
                                  valid_from=datetime.date(2025, 9, 1))
    # then it is published; every unit self-assessed, scored by every rater, ranked, with its opinion letter
    assert evaluation.status == Evaluation.Status.PUBLISHED
    units = list(evaluation.units.all())
    assert len(units) == 4 and all(u.self_total is not None and u.rank and u.total for u in units)
    assert {u.status for u in units} == {Unit.Status.CONCLUDED}
    assert evaluation.raters.count() == 2
    assert not Rating.objects.filter(unit__evaluation=evaluation).exclude(status="submitted").exists()
    assert Document.objects.filter(kind="opinion_letter").count() == 4
    assert not Document.objects.filter(kind__in=["opinion_letter", "evaluation_notice"]).exclude(pdf="").exists()
    demanded = [d["rectification"] for u in units for d in u.demands]
    assert demanded and Rectification.objects.filter(pk__in=demanded).count() == len(demanded)
    assert any(u.reply for u in units)
