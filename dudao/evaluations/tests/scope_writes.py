"""Writes of evaluations in the scope matrix (see ``dudao.core.testing.scope_matrix``): county A's
school 0 writes its own self-assessment (自评); its rater, its office and the city office above read it."""

from django.urls import reverse

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.evaluations.services import self_assessment_save
from dudao.evaluations.tests.scope_cases import _unit

register_write(WriteCase(
    label="evaluations.Unit", name="self_assessment", allowed=("school_liaison",),
    row=lambda world: _unit(world.a),
    service=lambda user, unit: self_assessment_save(actor=user, unit_id=unit.pk, narrative="自评报告"),
    api=lambda unit: ("post", reverse("api:evaluations-unit-self-assessment", args=[unit.pk]),
                      {"narrative": "自评报告"}),
))
