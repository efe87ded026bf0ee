"""Fixtures of the survey tests: the two-county world, surveys built through the services, and
answers given through the public page's service."""

import datetime

import pytest
from django.utils import timezone

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.instruments.models import Instrument
from dudao.surveys import services
from dudao.surveys.questionnaires import PARENTS_SATISFACTION


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def office_admin(world, county: str = "a"):
    return fresh(getattr(world, county).users["office_admin"])


def parents_version():
    services.ensure_survey_questionnaires()
    return Instrument.objects.get(office__isnull=True, code=PARENTS_SATISFACTION["code"]).latest_published()


def make_survey(world, county: str = "a", *, year: int | None = None, groups=("parents", "teachers"), schools=None,
                single_use=False, open_it=False, title=None, **extra):
    """A draft (or open) survey of the county's office over its first two schools, through the services."""
    c = getattr(world, county)
    actor = office_admin(world, county)
    year = year or timezone.localdate().year
    survey = services.survey_create(
        actor=actor, office_id=c.office.pk, title=title or f"{c.region.name}{year}年家长满意度调查", year=year,
        version_id=parents_version().pk, groups=list(groups), closes_on=timezone.localdate() + datetime.timedelta(days=30),
        school_ids=[s.pk for s in (schools if schools is not None else c.schools[:2])], single_use=single_use, **extra)
    if open_it:
        survey = services.survey_open(actor=actor, survey_id=survey.pk)
    return survey


def all_answers(option: str) -> dict:
    """Every rated question of the parents' questionnaire answered with ``option``."""
    return {code: option for code, _text in PARENTS_SATISFACTION["items"]}


def answer(survey, school, group: str, option: str, code=None, **more):
    link = survey.links.get(school=school, group=group)
    return services.survey_response_submit(token=link.token, answers={**all_answers(option), **more}, code=code)
