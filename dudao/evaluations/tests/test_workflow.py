"""The chain of an evaluation through its services: phases, 409/403, audit, deductions, opinion
letters and their rectification notices, results and ranking, the example indicator systems."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dudao.audit.models import AuditEvent
from dudao.core.workflow import TransitionNotAllowed
from dudao.documents.models import Document
from dudao.documents.render import docx_text
from dudao.documents.services import document_read_verified
from dudao.evaluations import services
from dudao.evaluations.examples import GOVERNMENT_SYSTEM, SCHOOL_SYSTEM
from dudao.evaluations.models import Evaluation, Rating, Unit
from dudao.evaluations.tests.conftest import PHASES, full_marks, new_evaluation, rate, run_to, self_assess, user
from dudao.inspections.models import Finding, Rectification
from dudao.instruments.models import Instrument
from dudao.instruments.selectors import item_specs
from dudao.notifications.models import Notification

pytestmark = pytest.mark.django_db

SERVICES = {"notify": services.evaluation_notify, "review": services.evaluation_review,
            "rate": services.evaluation_rate, "feed_back": services.evaluation_feed_back,
            "conclude": services.evaluation_conclude, "publish": services.evaluation_publish}


def test_example_systems_are_shipped_with_exact_items():
    # given the shipped examples
    school = Instrument.objects.get(office__isnull=True, code=SCHOOL_SYSTEM["code"]).latest_published()
    government = Instrument.objects.get(office__isnull=True, code=GOVERNMENT_SYSTEM["code"]).latest_published()
    school_specs, gov_specs = item_specs(version=school), item_specs(version=government)
    # then the school system has 7 first-level indicators whose points add up to 100, with veto items
    assert len([s for s in school_specs if s.parent is None]) == 7
    assert sum(s.max_score for s in school_specs if s.response_type == "score") == 100
    assert {s.code for s in school_specs if s.is_veto} == {"A4", "F4"}
    # and the 2017 indicators: 15 government-guarantee and 9 education-quality items, verbatim
    assert len([s for s in gov_specs if s.parent == "G"]) == 15
    assert len([s for s in gov_specs if s.parent == "Q"]) == 9
    texts = {i.code: i.text for i in government.items.all()}
    assert texts["G5"] == "小学、初中所有班级学生数分别不超过45人、50人。"
    assert texts["Q9"] == "在国家义务教育质量监测中，相关科目学生学业水平达到Ⅲ级以上，且校际差异率低于0.15。"
    assert "可编辑" in school.instrument.name and "可编辑" in government.instrument.name


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("name", list(SERVICES))
def test_each_phase_runs_only_from_its_source(world, phase, name):
    # given an evaluation in ``phase``
    evaluation = run_to(world, phase) if phase != "draft" else new_evaluation(world)
    admin = user(world, "office_admin")
    allowed = name in Evaluation.TRANSITIONS and phase in Evaluation.TRANSITIONS[name].sources
    # when the office runs the transition
    if allowed:
        if name == "feed_back":  # every sheet must be in first
            for rating in Rating.objects.filter(unit__evaluation=evaluation):
                rate(world, rating)
        if name == "publish":
            for unit in evaluation.units.all():
                services.opinion_issue(actor=admin, unit_id=unit.pk, evaluation_text="评价。")
        before = AuditEvent.objects.count()
        SERVICES[name](actor=admin, evaluation_id=evaluation.pk)
        # then it moves to the target and is audited
        evaluation.refresh_from_db()
        assert evaluation.status == Evaluation.TRANSITIONS[name].target
        assert AuditEvent.objects.filter(action=f"evaluations.evaluation.{name}").exists()
        assert AuditEvent.objects.count() > before
    else:
        with pytest.raises(TransitionNotAllowed):
            SERVICES[name](actor=admin, evaluation_id=evaluation.pk)


def test_phases_are_the_office_s_not_a_rater_s_or_another_county_s(world):
    # a rater does not see a draft (404) and may not move a notified evaluation (403)
    draft = new_evaluation(world)
    with pytest.raises(Evaluation.DoesNotExist):
        services.evaluation_notify(actor=user(world, "inspector"), evaluation_id=draft.pk)
    evaluation = run_to(world, "notified")
    with pytest.raises(PermissionDenied):
        services.evaluation_review(actor=user(world, "inspector"), evaluation_id=evaluation.pk)
    # and county B's office does not see it (404)
    with pytest.raises(Evaluation.DoesNotExist):
        services.evaluation_review(actor=user(world, "office_admin", "b"), evaluation_id=evaluation.pk)


def test_notice_is_filed_and_units_are_notified(world, django_capture_on_commit_callbacks):
    # given a draft with two schools
    evaluation = new_evaluation(world)
    # when the office sends the notice
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_notify(actor=user(world, "office_admin"), evaluation_id=evaluation.pk)
    evaluation.refresh_from_db()
    # then the 督导通知书 is filed with a number and the school's liaison is told
    document = Document.objects.get(kind="evaluation_notice", subject_id=evaluation.pk)
    assert evaluation.notice_number == document.number and "甲教督〔" in document.number
    text = docx_text(document_read_verified(document, "docx"))
    assert "督导通知书" in text and world.a.schools[0].name in text
    assert Notification.objects.filter(recipient=world.a.users["school_liaison"], url__contains="/evaluations/").exists()


def test_self_assessment_needs_scores_evidence_and_report(world):
    evaluation = run_to(world, "draft")
    services.evaluation_notify(actor=user(world, "office_admin"), evaluation_id=evaluation.pk)
    unit = evaluation.units.get(school=world.a.schools[0])
    liaison = user(world, "school_liaison")
    # given scores without evidence and report
    services.self_assessment_save(actor=liaison, unit_id=unit.pk, scores=full_marks(evaluation))
    # when submitted, then the missing evidence and report are reported
    with pytest.raises(ValidationError) as exc:
        services.self_assessment_submit(actor=liaison, unit_id=unit.pk)
    assert "narrative" in exc.value.message_dict and "A1" in exc.value.message_dict
    # and another school's contact does not even see it (404)
    with pytest.raises(Unit.DoesNotExist):
        services.self_assessment_save(actor=user(world, "principal"), unit_id=unit.pk, scores={"A1": 1})
    # and an invalid score is refused
    with pytest.raises(ValidationError):
        services.self_assessment_save(actor=liaison, unit_id=unit.pk, scores={"A1": 99})
    # when complete, it submits and its total is computed
    unit = self_assess(world, unit, {"A1": 4})
    assert unit.status == Unit.Status.SELF_ASSESSED and unit.self_total == Decimal("99.00")
    # and it is frozen afterwards (409)
    with pytest.raises(TransitionNotAllowed):
        services.self_assessment_save(actor=liaison, unit_id=unit.pk, scores={"A1": 5})


def test_every_deducted_point_needs_a_note(world):
    evaluation = run_to(world, "rating")
    rating = Rating.objects.filter(unit__evaluation=evaluation, rater__user=world.a.users["inspector"]).first()
    inspector = user(world, "inspector")
    # given a sheet deducting on C3 without a note
    services.rating_save(actor=inspector, rating_id=rating.pk, scores={**full_marks(evaluation), "C3": 4})
    # when submitted, then C3 is refused
    with pytest.raises(ValidationError) as exc:
        services.rating_submit(actor=inspector, rating_id=rating.pk)
    assert list(exc.value.message_dict) == ["C3"]
    # when explained, it submits and is frozen
    services.rating_save(actor=inspector, rating_id=rating.pk, notes={"C3": "作业量超标"})
    rating = services.rating_submit(actor=inspector, rating_id=rating.pk)
    assert rating.status == Rating.Status.SUBMITTED and rating.total == Decimal("98.00")
    with pytest.raises(TransitionNotAllowed):
        services.rating_save(actor=inspector, rating_id=rating.pk, scores={"C3": 6})
    # and only the rater may write it
    with pytest.raises(PermissionDenied):
        services.rating_submit(actor=user(world, "office_admin"), rating_id=rating.pk)


def test_feed_back_needs_every_sheet_and_computes_results(world):
    evaluation = run_to(world, "rating")
    admin = user(world, "office_admin")
    ratings = list(Rating.objects.filter(unit__evaluation=evaluation).select_related("rater__user", "unit"))
    rate(world, ratings[0], {"C3": 4})
    with pytest.raises(TransitionNotAllowed):
        services.evaluation_feed_back(actor=admin, evaluation_id=evaluation.pk)
    # given the other sheets: school 2 is vetoed by both raters on F4
    for rating in ratings[1:]:
        deduct = {"F4": False, "C3": 4} if rating.unit.school_id == world.a.schools[1].pk else {}
        rate(world, rating, deduct)
    services.evaluation_feed_back(actor=admin, evaluation_id=evaluation.pk)
    one = evaluation.units.get(school=world.a.schools[0])
    two = evaluation.units.get(school=world.a.schools[1])
    # then school 1: mean of 100 and 98 → 99 (C3 5.00); school 2 vetoed: capped at 0, 不合格, ranked last
    assert (one.total, one.grade, one.rank, one.leaf_points["C3"]) == (Decimal("99.00"), "优秀", 1, "5.00")
    assert (two.total, two.grade, two.rank, two.vetoed) == (Decimal("0.00"), "不合格", 2, ["F4"])
    assert "99.00" in one.preliminary_opinion


def test_reply_once_during_preliminary(world, django_capture_on_commit_callbacks):
    evaluation = run_to(world, "preliminary")
    unit = evaluation.units.get(school=world.a.schools[0])
    liaison = user(world, "school_liaison")
    with django_capture_on_commit_callbacks(execute=True):
        unit = services.unit_reply(actor=liaison, unit_id=unit.pk, text="C3 扣分有误，作业公示记录见附件。")
    assert unit.status == Unit.Status.REPLIED
    with pytest.raises(TransitionNotAllowed):
        services.unit_reply(actor=liaison, unit_id=unit.pk, text="再次申辩")
    assert Notification.objects.filter(recipient=world.a.users["office_admin"], title__contains=unit.name).exists()


def test_opinion_letter_demands_become_rectification_notices(world):
    # given an evaluation whose replies are closed
    evaluation = run_to(world, "opinion")
    unit = evaluation.units.get(school=world.a.schools[0])
    deadline = datetime.date.today() + datetime.timedelta(days=45)
    # when the office issues the opinion letter with a demand
    unit = services.opinion_issue(actor=user(world, "office_admin"), unit_id=unit.pk,
                                  evaluation_text="学校办学规范，课程开齐开足。",
                                  demands=[{"text": "作业公示制度未落实。", "deadline": deadline, "item_code": "C3"}])
    # then the demand is a finding and a rectification notice of the loop, with the deadline, issued by
    # the school's responsible inspector who follows it (the loop's notices are never the office's)
    rectification = Rectification.objects.get(pk=unit.demands[0]["rectification"])
    assert rectification.deadline == deadline and rectification.school_id == world.a.schools[0].pk
    assert rectification.status == Rectification.Status.ISSUED
    assert rectification.issued_by_id == world.a.users["inspector"].pk
    assert Finding.objects.get(pk=rectification.finding_id).item_code == "C3"
    # and the 督导意见书 is filed; its text holds the evaluation, the scores and the demand
    document = Document.objects.get(kind="opinion_letter", subject_id=unit.pk)
    text = docx_text(document_read_verified(document, "docx"))
    for expected in ("督导意见书", "学校办学规范", "作业公示制度未落实。", rectification.number, str(unit.total),
                     f"{deadline.year}年{deadline.month}月{deadline.day}日"):
        assert expected in text
    assert unit.status == Unit.Status.CONCLUDED
    # and a deadline in the past is refused
    other = evaluation.units.get(school=world.a.schools[1])
    with pytest.raises(ValidationError):
        services.opinion_issue(actor=user(world, "office_admin"), unit_id=other.pk, evaluation_text="评价",
                               demands=[{"text": "x", "deadline": datetime.date(2020, 1, 1)}])
    # and so is a demand for a school whose listed inspector has no account (nobody would follow it)
    with pytest.raises(ValidationError) as exc:
        services.opinion_issue(actor=user(world, "office_admin"), unit_id=other.pk, evaluation_text="评价",
                               demands=[{"text": "x", "deadline": deadline}])
    assert "demands" in exc.value.message_dict
    assert Unit.objects.get(pk=other.pk).status != Unit.Status.CONCLUDED


def test_publish_needs_every_letter_and_report_is_filed(world):
    evaluation = run_to(world, "opinion")
    admin = user(world, "office_admin")
    with pytest.raises(TransitionNotAllowed):
        services.evaluation_publish(actor=admin, evaluation_id=evaluation.pk)
    evaluation = run_to(world, "published")
    document = services.report_generate(actor=admin, evaluation_id=evaluation.pk)
    text = docx_text(document_read_verified(document, "docx"))
    assert "督导报告" in text and world.a.schools[0].name in text


def test_group_weighted_evaluation(world):
    # given raters weighted 0.6 (experts: the inspector deducts 2 on C3) and 0.4 (inspectors: 1)
    evaluation = run_to(world, "preliminary", new_evaluation(world, weight_by_group=True))
    unit = evaluation.units.get(school=world.a.schools[0])
    # then C3 = 0.6 × 4 + 0.4 × 5 = 4.4
    assert unit.leaf_points["C3"] == "4.40" and unit.total == Decimal("98.40")


def test_rater_reopened_by_office(world):
    evaluation = run_to(world, "rating")
    rating = Rating.objects.filter(unit__evaluation=evaluation).select_related("rater__user", "unit").first()
    rate(world, rating)
    rating = services.rating_reopen(actor=user(world, "office_admin"), rating_id=rating.pk, reason="请复核")
    assert rating.status == Rating.Status.DRAFT
    assert AuditEvent.objects.filter(action="evaluations.rating.reopen").exists()


def test_government_evaluation_by_the_city(world):
    # given the city office evaluating county A's government on the 2017 indicators
    city = world.city_user
    from dudao.core.testing.world import fresh

    city = fresh(city)
    version = Instrument.objects.get(office__isnull=True, code=GOVERNMENT_SYSTEM["code"]).latest_published()
    evaluation = services.evaluation_create(actor=city, office=world.city_office, title="优质均衡督导评估",
                                            year=2026, version_id=version.pk, kind="government")
    unit = services.units_add(actor=city, evaluation_id=evaluation.pk, region_ids=[world.a.region.pk])[0]
    services.rater_add(actor=city, evaluation_id=evaluation.pk, user_id=world.a.users["inspector"].pk)
    services.evaluation_notify(actor=city, evaluation_id=evaluation.pk)
    # then county A's office answers for its government: it fills in the self-assessment
    county = user(world, "office_staff")
    specs = services.specs_of(evaluation)
    services.self_assessment_save(actor=county, unit_id=unit.pk, scores={s.code: True for s in specs if s.is_scored},
                                  narrative="县政府自评报告。")
    assert Unit.objects.get(pk=unit.pk).self_scores["G1"] is True
    # and county B's office does not see it
    with pytest.raises(Unit.DoesNotExist):
        services.self_assessment_save(actor=user(world, "office_staff", "b"), unit_id=unit.pk, scores={})
