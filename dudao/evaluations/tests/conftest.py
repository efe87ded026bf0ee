"""Fixtures of the evaluation tests: the two-county world and evaluations moved through the services."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.evaluations import services
from dudao.evaluations.examples import SCHOOL_SYSTEM
from dudao.evaluations.models import Evaluation, RaterGroup, Rating, Unit
from dudao.instruments.models import Instrument

PHASES = ("draft", "notified", "on_site", "rating", "preliminary", "opinion", "published")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def user(world, role: str, county: str = "a"):
    return fresh(getattr(world, county).users[role])


def school_system():
    return Instrument.objects.get(office__isnull=True, code=SCHOOL_SYSTEM["code"]).latest_published()


def png(name: str = "evidence.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def full_marks(evaluation) -> dict:
    """Every scored leaf at its full value (points at the maximum, yes for yes/no)."""
    return {s.code: (True if s.response_type == "yes_no" else float(s.max_score))
            for s in services.specs_of(evaluation) if s.is_scored}


def new_evaluation(world, *, weight_by_group=False, aggregation="mean") -> Evaluation:
    """A draft school evaluation of county A: schools 1 and 2, the inspector (experts) and the zone
    leader (inspectors) as raters."""
    admin = user(world, "office_admin")
    evaluation = services.evaluation_create(
        actor=admin, office=world.a.office, title="2026年中小学校综合督导评估", year=2026,
        version_id=school_system().pk, aggregation=aggregation, weight_by_group=weight_by_group,
        self_assessment_due=datetime.date(2026, 4, 30),
        group_weights={RaterGroup.Kind.EXPERTS: "0.6", RaterGroup.Kind.INSPECTORS: "0.4"},
    )
    services.units_add(actor=admin, evaluation_id=evaluation.pk, school_ids=[world.a.schools[0].pk,
                                                                             world.a.schools[1].pk])
    services.rater_add(actor=admin, evaluation_id=evaluation.pk, user_id=world.a.users["inspector"].pk,
                       group=RaterGroup.Kind.EXPERTS)
    services.rater_add(actor=admin, evaluation_id=evaluation.pk, user_id=world.a.users["zone_leader"].pk,
                       group=RaterGroup.Kind.INSPECTORS)
    return evaluation


def self_assess(world, unit: Unit, deduct: dict | None = None) -> Unit:
    """The unit's liaison (school 1) or principal (school 2) fills in and submits its self-assessment."""
    who = "school_liaison" if unit.school_id == world.a.schools[0].pk else "principal"
    actor = user(world, who)
    evaluation = unit.evaluation
    scores = {**full_marks(evaluation), **(deduct or {})}
    services.self_assessment_save(actor=actor, unit_id=unit.pk, scores=scores, narrative="学校自评报告。")
    for spec in services.specs_of(evaluation):
        if spec.evidence_required and not spec.is_section:
            services.evidence_add(actor=actor, unit_id=unit.pk, item_code=spec.code, uploaded_file=png())
    return services.self_assessment_submit(actor=actor, unit_id=unit.pk)


def rate(world, rating: Rating, deduct: dict | None = None, submit: bool = True) -> Rating:
    actor = fresh(rating.rater.user)
    scores = {**full_marks(rating.unit.evaluation), **(deduct or {})}
    notes = dict.fromkeys(deduct or {}, "扣分说明：现场查阅资料发现不足。")
    services.rating_save(actor=actor, rating_id=rating.pk, scores=scores, notes=notes)
    if submit:
        return services.rating_submit(actor=actor, rating_id=rating.pk)
    return Rating.objects.get(pk=rating.pk)


def run_to(world, phase: str, evaluation: Evaluation | None = None) -> Evaluation:
    """Moves a (new) evaluation through the chain up to ``phase``, with self-assessments, sheets
    (the inspector deducts 2 points on C3, the zone leader 1 point) and opinion letters."""
    evaluation = evaluation or new_evaluation(world)
    admin = user(world, "office_admin")
    target = PHASES.index(phase)
    if target >= 1:
        services.evaluation_notify(actor=admin, evaluation_id=evaluation.pk)
        for unit in evaluation.units.all():
            self_assess(world, unit)
    if target >= 2:
        services.evaluation_review(actor=admin, evaluation_id=evaluation.pk)
    if target >= 3:
        services.evaluation_rate(actor=admin, evaluation_id=evaluation.pk)
    if target >= 4:
        for rating in Rating.objects.filter(unit__evaluation=evaluation).select_related("rater__user", "unit"):
            lost = 2 if rating.rater.user_id == world.a.users["inspector"].pk else 1
            rate(world, rating, {"C3": 6 - lost})
        services.evaluation_feed_back(actor=admin, evaluation_id=evaluation.pk)
    if target >= 5:
        services.evaluation_conclude(actor=admin, evaluation_id=evaluation.pk)
    if target >= 6:
        for unit in evaluation.units.all():
            # school 1's listed inspector has an account and follows its notice; school 2's has none
            demands = [{"text": "作业公示制度未落实，须限期整改。", "item_code": "C3",
                        "deadline": datetime.date.today() + datetime.timedelta(days=30)}]
            services.opinion_issue(actor=admin, unit_id=unit.pk, evaluation_text="办学规范，特色鲜明。",
                                   demands=demands if unit.school_id == world.a.schools[0].pk else [])
        services.evaluation_publish(actor=admin, evaluation_id=evaluation.pk)
    return Evaluation.objects.get(pk=evaluation.pk)
