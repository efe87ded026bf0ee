"""Scope-matrix case of satisfaction surveys (see ``dudao.core.testing.scope_matrix``)."""

import datetime

from django.utils import timezone

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.core.testing.world import fresh
from dudao.instruments.models import Instrument
from dudao.surveys import selectors, services
from dudao.surveys.models import Survey
from dudao.surveys.questionnaires import PARENTS_SATISFACTION


def _survey(county) -> Survey:
    """An open survey of the county's office over all its schools (so every school-bound user of the
    county would reach it, were it theirs), with a title no other page shows."""
    title = f"满意度调查标记{county.key.upper()}"
    existing = Survey.objects.filter(title=title).first()  # scope: test set-up
    if existing:
        return existing
    services.ensure_survey_questionnaires()
    version = Instrument.objects.get(office__isnull=True, code=PARENTS_SATISFACTION["code"]).latest_published()
    actor = fresh(county.users["office_admin"])
    survey = services.survey_create(actor=actor, office_id=county.office.pk, title=title, year=2026,
                                    version_id=version.pk, groups=["parents"],
                                    closes_on=timezone.localdate() + datetime.timedelta(days=10),
                                    school_ids=[s.pk for s in county.schools])
    return services.survey_open(actor=actor, survey_id=survey.pk)


register(ScopeCase(
    label="surveys.Survey",
    b_row=lambda world: _survey(world.b),
    a_row=lambda world: _survey(world.a),
    marker=lambda survey: survey.title,
    ui_list="surveys:survey_list",
    ui_detail="surveys:survey_detail",
    api_basename="surveys-survey",
    selectors={"survey_list": lambda user: selectors.survey_list(user=user)},
))
