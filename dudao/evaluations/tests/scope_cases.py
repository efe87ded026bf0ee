"""Scope-matrix cases of evaluations, evaluated units and score sheets (see ``dudao.core.testing.scope_matrix``)."""

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.core.testing.world import fresh
from dudao.evaluations import selectors, services
from dudao.evaluations.examples import SCHOOL_SYSTEM
from dudao.evaluations.models import Evaluation, Rating, Unit
from dudao.instruments.models import Instrument


def _evaluation(county) -> Evaluation:
    """A notified evaluation of the county's office: its first school, its inspector as rater."""
    title = f"{county.region.name}督导评估矩阵"
    found = Evaluation.objects.filter(title=title).first()
    if found is not None:
        return found
    admin = fresh(county.users["office_admin"])
    version = Instrument.objects.get(office__isnull=True, code=SCHOOL_SYSTEM["code"]).latest_published()
    evaluation = services.evaluation_create(actor=admin, office=county.office, title=title, year=2026,
                                            version_id=version.pk)
    services.units_add(actor=admin, evaluation_id=evaluation.pk, school_ids=[county.schools[0].pk])
    services.rater_add(actor=admin, evaluation_id=evaluation.pk, user_id=county.users["inspector"].pk)
    return services.evaluation_notify(actor=admin, evaluation_id=evaluation.pk)


def _unit(county) -> Unit:
    return _evaluation(county).units.get()


def _rating(county) -> Rating:
    return Rating.objects.get(unit=_unit(county))


register(ScopeCase(
    label="evaluations.Evaluation",
    b_row=lambda world: _evaluation(world.b),
    a_row=lambda world: _evaluation(world.a),
    marker=lambda evaluation: evaluation.title,
    ui_list="evaluations:evaluation_list",
    ui_detail="evaluations:evaluation_detail",
    api_basename="evaluations-evaluation",
    selectors={"evaluation_list": lambda user: selectors.evaluation_list(user=user)},
))

register(ScopeCase(
    label="evaluations.Unit",
    b_row=lambda world: _unit(world.b),
    a_row=lambda world: _unit(world.a),
    marker=lambda unit: f"{unit.evaluation.title}",
    ui_detail="evaluations:unit_detail",
    api_basename="evaluations-unit",
    selectors={"unit_list": lambda user: selectors.unit_list(user=user)},
))

register(ScopeCase(
    label="evaluations.Rating",
    b_row=lambda world: _rating(world.b),
    a_row=lambda world: _rating(world.a),
    marker=lambda rating: rating.unit.evaluation.title,
    ui_detail="evaluations:rating_detail",
    api_basename="evaluations-rating",
    selectors={"rating_list": lambda user: selectors.rating_list(user=user)},
))
