"""Writes of satisfaction surveys in the scope matrix (see ``dudao.core.testing.scope_matrix``):
county A's office closes its open survey; its schools hand out the links, the city office above
reads the results."""

from django.urls import reverse

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.surveys.services import survey_close
from dudao.surveys.tests.scope_cases import _survey

register_write(WriteCase(
    label="surveys.Survey", name="close", allowed=("office_admin", "office_staff"),
    row=lambda world: _survey(world.a),
    service=lambda user, survey: survey_close(actor=user, survey_id=survey.pk, reason="到期"),
    api=lambda survey: ("post", reverse("api:surveys-survey-close", args=[survey.pk]), {"reason": "到期"}),
))
