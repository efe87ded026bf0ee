"""Who sees what, phase by phase: a unit never sees a rater's sheet and sees aggregates only from the
preliminary opinion on; a rater sees another's sheet only after submitting their own; the office
sees everything of its region."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dudao.evaluations import selectors
from dudao.evaluations.models import Evaluation, Rating, Unit
from dudao.evaluations.tests.conftest import PHASES, rate, run_to, user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("phase", PHASES)
def test_unit_sees_aggregates_only_from_the_preliminary_opinion(world, client, phase):
    # given an evaluation in ``phase`` and school 1's liaison
    evaluation = run_to(world, phase)
    liaison = user(world, "school_liaison")
    unit = Unit.objects.get(evaluation=evaluation, school=world.a.schools[0])
    # then the liaison never reaches a sheet, and the results only in the result phases
    assert not selectors.rating_list(user=liaison, evaluation=evaluation).exists()
    visible = phase in {"preliminary", "opinion", "published"}
    assert (selectors.results(user=liaison, evaluation=evaluation) is not None) is visible
    client.force_login(liaison)
    if phase == "draft":
        assert client.get(reverse("evaluations:unit_detail", args=[unit.pk])).status_code == 404
        return
    page = client.get(reverse("evaluations:unit_detail", args=[unit.pk]))
    assert page.status_code == 200
    assert ('data-testid="unit-total"' in page.content.decode()) is visible
    results = client.get(reverse("evaluations:evaluation_results", args=[evaluation.pk]))
    assert results.status_code == (200 if visible else 403)
    api = client.get(reverse("api:evaluations-unit-detail", args=[unit.pk])).json()
    assert (api["results"] is not None) is visible
    # and no page of the unit names a rater's total
    for rating in Rating.objects.filter(unit=unit):
        assert client.get(reverse("evaluations:rating_detail", args=[rating.pk])).status_code == 404


def test_rater_sees_another_sheet_only_after_submitting(world, client):
    # given the rating phase: the zone leader submitted, the inspector has not
    evaluation = run_to(world, "rating")
    unit = Unit.objects.get(evaluation=evaluation, school=world.a.schools[0])
    mine = Rating.objects.get(unit=unit, rater__user=world.a.users["inspector"])
    theirs = Rating.objects.select_related("rater__user", "unit").get(unit=unit, rater__user=world.a.users["zone_leader"])
    rate(world, theirs, {"C3": 5})
    inspector = user(world, "inspector")
    # then the inspector sees only their own sheet
    assert set(selectors.rating_list(user=inspector, unit=unit)) == {mine}
    client.force_login(inspector)
    assert client.get(reverse("evaluations:rating_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("api:evaluations-rating-detail", args=[theirs.pk])).status_code == 404
    # when they submit their own
    rate(world, Rating.objects.select_related("rater__user", "unit").get(pk=mine.pk))
    # then they see the other's sheet of that unit (read only)
    assert set(selectors.rating_list(user=inspector, unit=unit)) == {mine, theirs}
    page = client.get(reverse("evaluations:rating_detail", args=[theirs.pk]))
    assert page.status_code == 200 and 'data-testid="sheet-submit"' not in page.content.decode()
    # and the results stay hidden until the preliminary opinion
    assert selectors.results(user=inspector, evaluation=evaluation) is None


def test_office_sees_every_sheet_and_the_agreement(world, client):
    evaluation = run_to(world, "preliminary")
    admin = user(world, "office_admin")
    assert selectors.rating_list(user=admin, evaluation=evaluation).count() == 4
    res = selectors.results(user=admin, evaluation=evaluation)
    unit = res.units[0]
    assert sorted(res.rater_totals[unit.pk].values()) == [Decimal("98.00"), Decimal("99.00")]
    assert res.agreement[unit.pk]["spread"]["C3"].range == 1
    # a rater (not the office) gets the ranking without the raters' totals
    rater_view = selectors.results(user=user(world, "inspector"), evaluation=evaluation)
    assert rater_view is not None and rater_view.rater_totals == {}
    # county B's office sees nothing of it
    assert not selectors.evaluation_list(user=user(world, "office_admin", "b")).filter(pk=evaluation.pk).exists()


def test_draft_is_the_office_s_alone(world):
    evaluation = run_to(world, "draft")
    for role in ("inspector", "zone_leader", "school_liaison", "principal"):
        assert not selectors.evaluation_list(user=user(world, role)).filter(pk=evaluation.pk).exists()
    assert selectors.evaluation_list(user=user(world, "office_staff")).filter(pk=evaluation.pk).exists()
    assert selectors.evaluation_list(user=world.city_user).filter(pk=evaluation.pk).exists()


def test_listed_inspector_who_is_not_a_rater_sees_the_unit_not_the_sheets(world):
    # given an evaluation of school 2 rated by the zone leader alone; the inspector is listed at school 1 only
    evaluation = run_to(world, "published")
    inspector2 = world.a.inspectors[1]
    assert inspector2.user_id is None  # no account: nothing to see
    principal = user(world, "principal")  # school 2's principal
    units = list(selectors.unit_list(user=principal, evaluation=evaluation))
    assert [u.school_id for u in units] == [world.a.schools[1].pk]
    assert Evaluation.objects.for_user(principal).filter(pk=evaluation.pk).exists()
