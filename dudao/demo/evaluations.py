"""The demo county's school evaluation (督导评估): four schools evaluated on the shipped example
indicator system, self-assessed with evidence, visited, scored by three raters (a zone leader as
office expert, two inspectors), fed back, one reply, opinion letters with rectification demands,
and the results published. Everything goes through the evaluation services, as an office would;
documents are filed as Word only (their PDFs come the first time someone asks for them)."""

import datetime
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dudao.accounts.models import User
from dudao.demo.loop import liaison_account
from dudao.evaluations import services
from dudao.evaluations.examples import SCHOOL_SYSTEM
from dudao.evaluations.models import Evaluation, RaterGroup, Rating
from dudao.inspectors.models import Inspector
from dudao.instruments.models import Instrument
from dudao.instruments.scoring import leaf_worth
from dudao.organizations.models import School

TITLE = "{year}年度中小学校综合督导评估"
NOTES = {
    "C3": "抽查三个班级作业记录，部分班级书面作业时长超出规定。",
    "E1": "体质健康测试达标率低于规定要求。",
    "G1": "特色项目尚在起步阶段，成果不够明显。",
    "B2": "校园文化建设与办学理念结合不够紧密。",
    "D2": "青年教师培养计划执行记录不完整。",
    "F2": "食堂留样记录有缺漏。",
}


def _png(rng: random.Random) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(buffer, "PNG")
    return SimpleUploadedFile("佐证材料.png", buffer.getvalue(), content_type="image/png")


def _sheet(specs, rng: random.Random, deductions: int) -> tuple[dict, dict]:
    """Full marks but a few deductions, each with its note."""
    scores = {s.code: (True if s.response_type == "yes_no" else float(s.max_score)) for s in specs if s.is_scored}
    notes = {}
    for code in rng.sample(sorted(NOTES), deductions):
        scores[code] = max(0, scores[code] - rng.choice([0.5, 1, 1.5, 2]))
        notes[code] = NOTES[code]
    return scores, notes


def load_evaluations(*, admin, office, schools: list[School], password: str, valid_from: datetime.date,
                     seed: int = 2024) -> Evaluation:
    """Runs one school evaluation of ``office`` from notice to published ranking; returns it."""
    rng = random.Random(seed)
    today = timezone.localdate()
    version = Instrument.objects.get(office__isnull=True, code=SCHOOL_SYSTEM["code"]).latest_published()
    evaluation = services.evaluation_create(
        actor=admin, office=office, title=TITLE.format(year=today.year), year=today.year, version_id=version.pk,
        description="对照学校督导评估指标体系，对学校办学方向、管理、教育教学、队伍建设、学生发展和安全保障开展综合督导评估。",
        self_assessment_due=today - datetime.timedelta(days=40), aggregation="mean",
        group_weights={RaterGroup.Kind.EXPERTS: 1, RaterGroup.Kind.INSPECTORS: 1},
    )
    chosen = schools[:4]
    services.units_add(actor=admin, evaluation_id=evaluation.pk, school_ids=[s.pk for s in chosen])
    # the zone leader and the inspector who sign in for the demo, and one more inspector
    accounts = list(Inspector.objects.filter(office=office, user__isnull=False).select_related("user").order_by("pk"))
    accounts.sort(key=lambda i: {"zone_leader": 0, "inspector": 1}.get(i.user.username, 2))
    raters = accounts[:3]
    for n, inspector in enumerate(raters):
        services.rater_add(actor=admin, evaluation_id=evaluation.pk, user_id=inspector.user_id,
                           group=RaterGroup.Kind.EXPERTS if n == 0 else RaterGroup.Kind.INSPECTORS)
    services.evaluation_notify(actor=admin, evaluation_id=evaluation.pk)

    specs = services.specs_of(evaluation)
    for unit in evaluation.units.select_related("school"):
        liaison = liaison_account(admin=admin, office=office, school=unit.school, password=password,
                                  valid_from=valid_from)
        liaison = User.objects.get(pk=liaison.pk)
        scores, notes = _sheet(specs, rng, rng.randrange(0, 2))
        services.self_assessment_save(actor=liaison, unit_id=unit.pk, scores=scores, notes=notes,
                                      narrative=f"{unit.name}对照指标逐项开展自评，形成自评报告，佐证材料已上传。")
        for spec in specs:
            if spec.evidence_required and not spec.is_section:
                services.evidence_add(actor=liaison, unit_id=unit.pk, item_code=spec.code, uploaded_file=_png(rng))
        services.self_assessment_submit(actor=liaison, unit_id=unit.pk)

    services.evaluation_review(actor=admin, evaluation_id=evaluation.pk)
    members = "、".join(i.name for i in raters)
    for unit in evaluation.units.all():
        services.site_visit_record(actor=admin, unit_id=unit.pk, date=today - datetime.timedelta(days=20),
                                   members=members, notes="听取学校汇报，查阅资料，随堂听课2节，与师生座谈。")
    services.evaluation_rate(actor=admin, evaluation_id=evaluation.pk)
    for rating in Rating.objects.filter(unit__evaluation=evaluation).select_related("rater__user"):
        user = User.objects.get(pk=rating.rater.user_id)
        scores, notes = _sheet(specs, rng, rng.randrange(1, 4))
        services.rating_save(actor=user, rating_id=rating.pk, scores=scores, notes=notes)
        services.rating_submit(actor=user, rating_id=rating.pk)
    services.evaluation_feed_back(actor=admin, evaluation_id=evaluation.pk)

    units = list(evaluation.units.select_related("school").order_by("rank", "name"))
    last = units[-1]
    liaison = User.objects.get(pk=liaison_account(admin=admin, office=office, school=last.school, password=password,
                                                  valid_from=valid_from).pk)
    services.unit_reply(actor=liaison, unit_id=last.pk, text="对C3扣分有不同意见：学校已实行作业公示，相关记录已补充上传。")
    services.evaluation_conclude(actor=admin, evaluation_id=evaluation.pk)
    worth = {s.code: leaf_worth(s) for s in specs if s.is_scored}
    for unit in units:
        lost = sorted(((worth[code] - Decimal(points), code) for code, points in unit.leaf_points.items()), reverse=True)
        weakest = [code for deducted, code in lost[:1] if deducted > 0]
        if services.rectification_issuer(unit.school_id) is None:
            weakest = []  # nobody listed to follow a notice: the letter states the evaluation only
        demands = [{"text": f"{NOTES.get(code, '该项指标失分')}请制定整改方案并限期整改。",
                    "deadline": today + datetime.timedelta(days=60), "item_code": code}
                   for code in weakest if code in NOTES]
        services.opinion_issue(actor=admin, unit_id=unit.pk, demands=demands,
                               evaluation_text=f"{unit.name}办学方向正确，管理规范，教育教学质量稳步提升。")
    return services.evaluation_publish(actor=admin, evaluation_id=evaluation.pk)
