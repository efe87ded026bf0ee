"""Scope-matrix case of assessment ratings, and the assessment table as a surface of inspectors."""

import datetime
from decimal import Decimal

from dudao.assessment.instrument import CODE
from dudao.assessment.models import AssessmentRating
from dudao.assessment.selectors import assessment_offices, assessment_table, my_ratings, period_of
from dudao.core.testing.scope_matrix import ScopeCase, add_selector, register
from dudao.instruments.models import Instrument, Response


def _rating(world, county):
    """The county office administrator's rating of the county's second inspector (no login) for 2026."""
    c = getattr(world, county)
    version = Instrument.objects.get(office__isnull=True, code=CODE).latest_published()
    response = Response.objects.create(version=version, region_path=c.office.region.path,
                                       respondent=c.users["office_admin"])
    return AssessmentRating.objects.create(
        office=c.office, inspector=c.inspectors[1], rater=c.users["office_admin"], role="peer", period_kind="year",
        period_start=datetime.date(2026, 1, 1), response=response, score=Decimal("87.5"))


register(ScopeCase(
    label="assessment.AssessmentRating",
    b_row=lambda world: _rating(world, "b"),
    a_row=lambda world: _rating(world, "a"),
    marker=lambda rating: rating.inspector.name,
    ui_list="assessment:rating_list",
    api_basename="reports-assessmentrating",
    selectors={"my_ratings": lambda user: my_ratings(user=user)},
))


def _assessed_inspectors(user):
    period = period_of("year", datetime.date(2026, 1, 1))
    return [row.inspector for office in assessment_offices(user=user)
            for row in assessment_table(user=user, office=office, period=period)["rows"]]


add_selector("inspectors.Inspector", "assessment_table", _assessed_inspectors)
