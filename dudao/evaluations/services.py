"""Writes on evaluations: the chain of 条例 第十七条—第二十三条, each step one audited service.

notice (``evaluation_notify``, 督导通知书) → self-assessment (``self_assessment_save`` /
``self_assessment_submit``, evidence with ``evidence_add``) → on-site review (``evaluation_review``,
``site_visit_record``) → independent rating (``evaluation_rate``, ``rating_save`` / ``rating_submit``)
→ preliminary opinion (``evaluation_feed_back``: results computed, fed back; ``unit_reply`` 申辩)
→ opinion letters (``evaluation_conclude``, ``opinion_issue``: 督导意见书 whose rectification demands
become rectification notices of the monthly loop) → published (``evaluation_publish``).

Order of checks: invisible → ``DoesNotExist`` (404); visible but not the actor's →
``PermissionDenied`` (403); wrong phase or state → ``TransitionNotAllowed`` (409); bad data →
``ValidationError`` (400). Notifications leave after the commit.
"""

import datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import office_regions, offices_of, owns_region, schools_of, sees_everything
from dudao.accounts.models import Membership, Role
from dudao.accounts.recipients import office_people, school_contacts, school_inspector_users, zone_leaders
from dudao.audit.services import record
from dudao.core.choices import as_date
from dudao.core.files import store_file
from dudao.core.workflow import TransitionNotAllowed, apply_transition
from dudao.documents.services import document_generate
from dudao.evaluations import scoring
from dudao.evaluations import visibility as v
from dudao.evaluations.examples import EXAMPLE_SYSTEMS
from dudao.evaluations.models import Evaluation, Evidence, Rater, RaterGroup, Rating, SiteVisit, Unit
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import rectification_issue
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.selectors import item_specs
from dudao.instruments.services import shipped_version
from dudao.notifications.services import notify
from dudao.organizations.models import Region, School

# ---- the example indicator systems ---------------------------------------------------------------


@transaction.atomic
def ensure_example_indicator_systems() -> list[Instrument]:
    """Creates the two shipped example indicator systems once (idempotent; after every migrate)."""
    created = []
    for spec in EXAMPLE_SYSTEMS:
        version = shipped_version(code=spec["code"], name=spec["name"], kind=spec["kind"], audience=spec["audience"],
                                  source=spec["source"], description=spec["description"],
                                  notes="随平台发布的示例，可复制后修改")
        if version is None:
            continue
        by_code: dict[str, Item] = {}
        positions: dict[str | None, int] = {}
        for code, parent, text, kind, points, criteria, veto, evidence in spec["items"]:
            positions[parent] = positions.get(parent, 0) + 1
            item = Item.objects.create(
                version=version, parent=by_code.get(parent), position=positions[parent], code=code, text=text,
                criteria=criteria, response_type=kind, max_score=Decimal(points) if points is not None else None,
                weight=Decimal(0) if veto else None, is_veto=veto, evidence_required=evidence,
                required=kind != "section",
            )
            by_code[code] = item
        created.append(version.instrument)
    return created


# ---- helpers ---------------------------------------------------------------------------------------

def _phase(evaluation: Evaluation, phases, message: str | None = None) -> None:
    if evaluation.status not in phases:
        raise TransitionNotAllowed(message or _("The evaluation is in the phase “{phase}”: not now.").format(
            phase=evaluation.get_status_display()))


def _evaluation_for_change(actor, evaluation_id: int) -> Evaluation:
    evaluation = (Evaluation.objects.for_user(actor, "view").select_for_update(of=("self",))
                  .select_related("office__region", "version__instrument").get(pk=evaluation_id))
    if not actor.has_perm("evaluations.manage_evaluation") or \
            not Evaluation.objects.for_user(actor, "change").filter(pk=evaluation.pk).exists():
        raise PermissionDenied
    return evaluation


def _unit_locked(actor, unit_id: int) -> Unit:
    return (Unit.objects.for_user(actor, "view").select_for_update(of=("self",))
            .select_related("evaluation__office__region", "school", "region").get(pk=unit_id))


def _require_unit_side(actor, unit: Unit) -> None:
    """Only the unit itself (a school's liaison or principal; a region's office) writes its side."""
    if not actor.has_perm("evaluations.submit_unit"):
        raise PermissionDenied
    if unit.school_id is not None:
        if sees_everything(actor) or unit.school_id in schools_of(actor):
            return
        raise PermissionDenied
    if owns_region(actor, unit.region_path):  # the region's own office, not the one above
        return
    raise PermissionDenied


def specs_of(evaluation: Evaluation):
    """The indicator system's items as ``ItemSpec`` values (the version is frozen)."""
    return item_specs(version=evaluation.version)


def parse_value(spec, raw):
    """A submitted value (text from a form, a JSON value from the API) as the stored answer."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if spec.response_type == "yes_no":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "是", "y"}:
            return True
        if text in {"0", "false", "no", "否", "n"}:
            return False
        raise ValidationError({spec.code: [_("Answer yes or no.")]})
    if spec.response_type == "score":
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationError({spec.code: [_("Enter a number.")]}) from None
        if not value.is_finite():
            raise ValidationError({spec.code: [_("Enter a number.")]})
        return int(value) if value == value.to_integral_value() else float(value)
    return str(raw)


def clean_sheet(specs, scores: dict, notes: dict) -> tuple[dict, dict]:
    """Parses and checks values for the scored leaves; unknown codes and invalid values → 400."""
    leaves = {s.code: s for s in scoring.scored_leaves(specs)}
    errors: dict[str, list[str]] = {}
    out: dict = {}
    for code, raw in (scores or {}).items():
        spec = leaves.get(code)
        if spec is None:
            errors[code] = [_("No such indicator.")]
            continue
        try:
            value = parse_value(spec, raw)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if value is None:
            continue
        problems = scoring.validate_answer(spec, value)
        if problems:
            errors[code] = problems
        else:
            out[code] = value
    clean_notes = {code: str(text).strip()[:2000] for code, text in (notes or {}).items()
                   if code in leaves and str(text or "").strip()}
    if errors:
        raise ValidationError(errors)
    return out, clean_notes


def _users(ids) -> list:
    return list(get_user_model().objects.filter(pk__in=list(ids), is_active=True).order_by("pk"))


def unit_contacts(unit_id: int) -> list:
    """Who answers for a unit: a school's liaisons and principal; a region's office staff."""
    unit = Unit.objects.get(pk=unit_id)
    if unit.school_id:
        return school_contacts(unit.school_id)
    ids = Membership.objects.current().filter(
        role__in=[Role.OFFICE_ADMIN, Role.OFFICE_STAFF], office__region_id=unit.region_id).values("user_id")
    return _users(ids)


def _notify_units(evaluation: Evaluation, title: str, body: str = "") -> None:
    unit_ids = list(evaluation.units.values_list("pk", flat=True))

    def send():
        for unit_id in unit_ids:
            notify(recipients=unit_contacts(unit_id), title=title, body=body,
                   url=Unit.objects.get(pk=unit_id).get_absolute_url())
    transaction.on_commit(send)


def _notify_raters(evaluation: Evaluation, title: str) -> None:
    ids = list(evaluation.raters.values_list("user_id", flat=True))
    url = evaluation.get_absolute_url()
    transaction.on_commit(lambda: notify(recipients=_users(ids), title=title, url=url))


# ---- setting up ------------------------------------------------------------------------------------

@transaction.atomic
def evaluation_create(*, actor, office, title: str, year: int, version_id: int, kind: str = Evaluation.Kind.SCHOOL,
                      aggregation: str = "mean", weight_by_group: bool = False, veto_cap=Decimal(0),
                      veto_grade: str = "不合格", description: str = "", self_assessment_due=None,
                      group_weights: dict | None = None) -> Evaluation:
    """Creates a draft evaluation of ``office`` on a published indicator-system version, with its
    rater groups (``{kind: weight}``, office experts alone by default)."""
    if not actor.has_perm("evaluations.add_evaluation") or not actor.has_perm("evaluations.manage_evaluation"):
        raise PermissionDenied
    if not sees_everything(actor) and office.region.path not in office_regions(actor) and office.pk not in offices_of(actor):
        raise PermissionDenied
    version = InstrumentVersion.objects.for_user(actor).select_related("instrument").get(pk=version_id)
    if version.status != InstrumentVersion.Status.PUBLISHED:
        raise ValidationError({"version": [_("Choose a published version.")]})
    if version.instrument.kind != Instrument.Kind.INDICATOR_SYSTEM:
        raise ValidationError({"version": [_("Choose an indicator system.")]})
    if aggregation not in Evaluation.Aggregation.values:
        raise ValidationError({"aggregation": [_("Choose an aggregation rule.")]})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Give the evaluation a title.")]})
    evaluation = Evaluation.objects.create(
        office=office, title=title, year=year, kind=kind, version=version, aggregation=aggregation,
        weight_by_group=weight_by_group, veto_cap=Decimal(veto_cap), veto_grade=veto_grade or "不合格",
        description=description, self_assessment_due=self_assessment_due, created_by=actor,
    )
    weights = group_weights or {RaterGroup.Kind.EXPERTS: Decimal(1)}
    for group_kind, weight in weights.items():
        if group_kind not in RaterGroup.Kind.values or Decimal(str(weight)) < 0:
            raise ValidationError({"groups": [_("Unknown rater group or negative weight.")]})
        RaterGroup.objects.create(evaluation=evaluation, kind=group_kind, weight=Decimal(str(weight)))
    record(actor=actor, action="evaluations.evaluation.create", target=evaluation, changes={
        "title": [None, title], "version": [None, str(version)], "aggregation": [None, aggregation],
        "groups": [None, {k: str(w) for k, w in weights.items()}],
    })
    return evaluation


@transaction.atomic
def units_add(*, actor, evaluation_id: int, school_ids=(), region_ids=()) -> list[Unit]:
    """Adds schools or regions (督政) to a draft evaluation; every rater gets a sheet for them."""
    evaluation = _evaluation_for_change(actor, evaluation_id)
    _phase(evaluation, {v.DRAFT}, _("Units can be added only while the evaluation is a draft."))
    schools = list(School.objects.for_user(actor).select_related("region").filter(pk__in=list(school_ids)))
    regions = list(Region.objects.for_user(actor).filter(pk__in=list(region_ids)))
    if len(schools) != len(set(school_ids)) or len(regions) != len(set(region_ids)):
        raise ValidationError({"units": [_("Choose schools and regions you can see.")]})
    taken_s = set(evaluation.units.filter(school__isnull=False).values_list("school_id", flat=True))
    taken_r = set(evaluation.units.filter(school__isnull=True).values_list("region_id", flat=True))
    units = [Unit(evaluation=evaluation, school=s, region=None, region_path=s.region.path, name=s.name)
             for s in schools if s.pk not in taken_s]
    units += [Unit(evaluation=evaluation, region=r, region_path=r.path, name=f"{r.name}人民政府")
              for r in regions if r.pk not in taken_r]
    units = Unit.objects.bulk_create(units)
    Rating.objects.bulk_create([Rating(unit=u, rater=r) for u in units for r in evaluation.raters.all()],
                               ignore_conflicts=True)
    record(actor=actor, action="evaluations.evaluation.units", target=evaluation,
           changes={"units": [None, [u.name for u in units]]})
    return units


@transaction.atomic
def rater_add(*, actor, evaluation_id: int, user_id: int, group: str = RaterGroup.Kind.EXPERTS,
              unit_ids=None) -> Rater:
    """Names a rater in a group and gives them a sheet for each unit (all units by default).
    Possible until the rating starts."""
    evaluation = _evaluation_for_change(actor, evaluation_id)
    _phase(evaluation, {v.DRAFT, v.NOTIFIED, v.ON_SITE}, _("Raters can be named only before the rating starts."))
    group_row = RaterGroup.objects.filter(evaluation=evaluation, kind=group).first()
    if group_row is None:
        raise ValidationError({"group": [_("This evaluation has no such rater group.")]})
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_perm("evaluations.rate_evaluation"):
        raise ValidationError({"user": [_("This account cannot rate.")]})
    rater, created = Rater.objects.get_or_create(evaluation=evaluation, user=user, defaults={"group": group_row})
    if not created:
        raise ValidationError({"user": [_("Already a rater of this evaluation.")]})
    units = evaluation.units.all() if unit_ids is None else evaluation.units.filter(pk__in=list(unit_ids))
    Rating.objects.bulk_create([Rating(unit=u, rater=rater) for u in units])
    record(actor=actor, action="evaluations.evaluation.rater", target=evaluation,
           changes={"rater": [None, str(user)], "group": [None, group], "units": [None, units.count()]})
    return rater


# ---- the phases --------------------------------------------------------------------------------------

def _move(actor, evaluation_id: int, name: str, reason: str) -> Evaluation:
    """Applies the transition ``name`` and writes its audit record."""
    evaluation = _evaluation_for_change(actor, evaluation_id)
    change = apply_transition(evaluation, name, actor=actor)
    record(actor=actor, action=f"evaluations.evaluation.{name}", target=evaluation, changes=change, reason=reason)
    return evaluation


def notice_context(evaluation: Evaluation) -> dict:
    from dudao.evaluations.documents import notice_context as build

    return build(evaluation)


@transaction.atomic
def evaluation_notify(*, actor, evaluation_id: int, reason: str = "") -> Evaluation:
    """Sends the written notice (条例 第十七条 书面督导通知, 督导通知书) to every unit and opens the
    self-assessment. Needs units and at least one rater."""
    evaluation = _evaluation_for_change(actor, evaluation_id)
    if evaluation.status == v.DRAFT:
        if not evaluation.units.exists():
            raise ValidationError({"units": [_("Add the units to evaluate first.")]})
        if not evaluation.raters.exists():
            raise ValidationError({"raters": [_("Name the raters first.")]})
    change = apply_transition(evaluation, "notify", actor=actor)
    document = document_generate(
        actor=actor, kind="evaluation_notice", context=notice_context(evaluation), office=evaluation.office,
        title=f"督导通知书 {evaluation.title}", subject=evaluation, pdf=False,
    )
    evaluation.notice_number = document.number
    evaluation.save(update_fields=["notice_number", "updated_at"])
    record(actor=actor, action="evaluations.evaluation.notify", target=evaluation,
           changes={**change, "notice": [None, document.number]}, reason=reason)
    _notify_units(evaluation, _("Supervision notice: {title}").format(title=evaluation.title),
                  _("Submit your self-assessment and evidence by {date}.").format(
                      date=evaluation.self_assessment_due or "—"))
    _notify_raters(evaluation, _("You are a rater of {title}").format(title=evaluation.title))
    return evaluation


@transaction.atomic
def evaluation_review(*, actor, evaluation_id: int, reason: str = "") -> Evaluation:
    """Closes the self-assessment and starts the on-site review (现场考察, 条例 第十八条)."""
    return _move(actor, evaluation_id, "review", reason)


@transaction.atomic
def evaluation_rate(*, actor, evaluation_id: int, reason: str = "") -> Evaluation:
    """Opens the independent rating: each rater scores their units without seeing the others."""
    evaluation = _move(actor, evaluation_id, "rate", reason)
    _notify_raters(evaluation, _("Rating is open: {title}").format(title=evaluation.title))
    return evaluation


def compute_results(evaluation: Evaluation) -> list[Unit]:
    """Scores every unit from the submitted sheets and ranks them (see ``scoring``); saves the
    results on the units. Pure scoring, one read of the sheets, one bulk update."""
    specs = specs_of(evaluation)
    groups = {g.pk: g for g in evaluation.groups.all()}
    raters = {r.pk: groups[r.group_id].kind for r in evaluation.raters.all()}
    weights = {g.kind: g.weight for g in groups.values()} if evaluation.weight_by_group else None
    units = list(evaluation.units.all())
    sheets: dict[int, list] = {u.pk: [] for u in units}
    for unit_id, rater_id, scores in Rating.objects.filter(
            unit__evaluation=evaluation, status=Rating.Status.SUBMITTED).values_list("unit_id", "rater_id", "scores"):
        sheets[unit_id].append(scoring.Sheet(rater=rater_id, group=raters[rater_id], answers=scores))
    scored, ranks = scoring.score_evaluation(
        specs, {k: s for k, s in sheets.items() if s}, method=evaluation.aggregation, group_weights=weights,
        veto_cap=evaluation.veto_cap, bands=[tuple(b) for b in evaluation.grade_bands or []],
        veto_grade=evaluation.veto_grade)
    for unit in units:
        result = scored.get(unit.pk)
        if result is None:
            continue
        unit.total, unit.maximum, unit.grade = result.total, result.maximum, result.grade
        unit.vetoed, unit.rank = list(result.vetoed), ranks[unit.pk]
        unit.leaf_points = {k: str(x) for k, x in result.leaves.items()}
        unit.node_points = {k: str(x) for k, x in result.nodes.items()}
    Unit.objects.bulk_update(units, ["total", "maximum", "grade", "vetoed", "rank", "leaf_points", "node_points"])
    return units


def preliminary_text(unit: Unit, specs) -> str:
    """The default preliminary opinion: total, grade and the indicators that lost most."""
    if unit.total is None:
        return ""
    worth = {s.code: scoring.leaf_worth(s) for s in scoring.scored_leaves(specs)}
    texts = {s.code: s for s in specs}
    lost = sorted(((worth[c] - Decimal(p), c) for c, p in unit.leaf_points.items() if c in worth), reverse=True)
    weak = [f"{c}（扣{scoring.round_score(x)}分）" for x, c in lost[:3] if x > 0]
    parts = [f"经自评、现场考察和评估组独立评分，{unit.name}得分{unit.total}分（满分{unit.maximum}分），"
             f"评定等级为“{unit.grade}”。"]
    if unit.vetoed:
        parts.append("存在一票否决情形：" + "；".join(c for c in unit.vetoed if c in texts) + "。")
    if weak:
        parts.append("失分较多的指标：" + "、".join(weak) + "。")
    return "".join(parts)


@transaction.atomic
def evaluation_feed_back(*, actor, evaluation_id: int, reason: str = "") -> Evaluation:
    """Computes the results from every submitted sheet and feeds the preliminary opinion back to the
    units (条例 第二十条); the units may reply. Every sheet must be submitted (409 otherwise)."""
    evaluation = _evaluation_for_change(actor, evaluation_id)
    _phase(evaluation, {v.RATING})
    open_sheets = Rating.objects.filter(unit__evaluation=evaluation, status=Rating.Status.DRAFT).count()
    if open_sheets:
        raise TransitionNotAllowed(_("{count} score sheets are not submitted yet.").format(count=open_sheets))
    change = apply_transition(evaluation, "feed_back", actor=actor)
    units = compute_results(evaluation)
    specs = specs_of(evaluation)
    for unit in units:
        if not unit.preliminary_opinion:
            unit.preliminary_opinion = preliminary_text(unit, specs)
    Unit.objects.bulk_update(units, ["preliminary_opinion"])
    record(actor=actor, action="evaluations.evaluation.feed_back", target=evaluation,
           changes={**change, "results": [None, {u.name: str(u.total) for u in units}]}, reason=reason)
    _notify_units(evaluation, _("Preliminary opinion: {title}").format(title=evaluation.title),
                  _("Read the preliminary opinion; you may reply."))
    return evaluation


@transaction.atomic
def evaluation_conclude(*, actor, evaluation_id: int, reason: str = "") -> Evaluation:
    """Closes the replies; the office now issues the opinion letters (督导意见书)."""
    return _move(actor, evaluation_id, "conclude", reason)


@transaction.atomic
def evaluation_publish(*, actor, evaluation_id: int, reason: str = "") -> Evaluation:
    """Publishes the results (条例 第二十三条 督导报告应当向社会公布): every unit has its opinion letter."""
    evaluation = _evaluation_for_change(actor, evaluation_id)
    _phase(evaluation, {v.OPINION})
    waiting = evaluation.units.exclude(status=Unit.Status.CONCLUDED).count()
    if waiting:
        raise TransitionNotAllowed(_("{count} units have no opinion letter yet.").format(count=waiting))
    change = apply_transition(evaluation, "publish", actor=actor)
    record(actor=actor, action="evaluations.evaluation.publish", target=evaluation, changes=change, reason=reason)
    _notify_units(evaluation, _("Results published: {title}").format(title=evaluation.title))
    return evaluation


EVALUATION_TRANSITION_SERVICES = {
    "notify": evaluation_notify, "review": evaluation_review, "rate": evaluation_rate,
    "feed_back": evaluation_feed_back, "conclude": evaluation_conclude, "publish": evaluation_publish,
}


# ---- the unit's side ---------------------------------------------------------------------------------

@transaction.atomic
def self_assessment_save(*, actor, unit_id: int, scores: dict | None = None, notes: dict | None = None,
                         narrative: str | None = None) -> Unit:
    """Saves the unit's self-assessment (自评) as it stands: scores per leaf, notes, the report."""
    unit = _unit_locked(actor, unit_id)
    _require_unit_side(actor, unit)
    _phase(unit.evaluation, v.SELF_ASSESSMENT_PHASES)
    if unit.status != Unit.Status.PENDING:
        raise TransitionNotAllowed(_("The self-assessment is already submitted."))
    specs = specs_of(unit.evaluation)
    clean_scores, clean_notes = clean_sheet(specs, scores or {}, notes or {})
    old = {"scores": unit.self_scores, "narrative": unit.narrative}
    unit.self_scores = {**unit.self_scores, **clean_scores} if scores is not None else unit.self_scores
    unit.self_notes = {**unit.self_notes, **clean_notes} if notes is not None else unit.self_notes
    if narrative is not None:
        unit.narrative = narrative.strip()
    unit.save(update_fields=["self_scores", "self_notes", "narrative", "updated_at"])
    record(actor=actor, action="evaluations.unit.self_assessment", target=unit, changes={
        "scores": [old["scores"], unit.self_scores], "narrative": [old["narrative"], unit.narrative]})
    return unit


@transaction.atomic
def evidence_add(*, actor, unit_id: int, item_code: str, uploaded_file) -> Evidence:
    """Files a supporting document (佐证材料) for one indicator of the unit's self-assessment."""
    unit = _unit_locked(actor, unit_id)
    _require_unit_side(actor, unit)
    _phase(unit.evaluation, v.SELF_ASSESSMENT_PHASES)
    if unit.status != Unit.Status.PENDING:
        raise TransitionNotAllowed(_("The self-assessment is already submitted."))
    if item_code not in {s.code for s in specs_of(unit.evaluation) if not s.is_section}:
        raise ValidationError({"item_code": [_("No such indicator.")]})
    evidence = store_file(Evidence, uploaded_file, user=actor, unit=unit, item_code=item_code)
    record(actor=actor, action="evaluations.evidence.add", target=evidence,
           changes={"item_code": [None, item_code], "sha256": [None, evidence.sha256]})
    return evidence


@transaction.atomic
def self_assessment_submit(*, actor, unit_id: int, reason: str = "") -> Unit:
    """Submits the self-assessment: every scored leaf answered, evidence where the indicator needs it,
    a self-assessment report (自评报告, 条例 第十八条)."""
    unit = _unit_locked(actor, unit_id)
    _require_unit_side(actor, unit)
    _phase(unit.evaluation, v.SELF_ASSESSMENT_PHASES)
    specs = specs_of(unit.evaluation)
    if unit.status == Unit.Status.PENDING:
        errors = scoring.sheet_problems(specs, unit.self_scores)
        with_files = set(unit.evidence.values_list("item_code", flat=True))
        for spec in specs:
            if spec.evidence_required and not spec.is_section and spec.code not in with_files:
                errors.setdefault(spec.code, []).append(_("Supporting evidence is required."))
        if not unit.narrative.strip():
            errors["narrative"] = [_("Write the self-assessment report.")]
        if errors:
            raise ValidationError(errors)
    change = apply_transition(unit, "submit_self", actor=actor)
    result = scoring.unit_score(specs, scoring.sheet_points(specs, unit.self_scores),
                                veto_cap=unit.evaluation.veto_cap, bands=())
    unit.self_total = result.total
    unit.self_submitted_at = timezone.now()
    unit.save(update_fields=["self_total", "self_submitted_at", "updated_at"])
    record(actor=actor, action="evaluations.unit.submit_self", target=unit,
           changes={**change, "self_total": [None, str(result.total)]}, reason=reason)
    owners = partial(office_people, unit.evaluation.office_id)
    title = _("Self-assessment submitted: {unit}").format(unit=unit.name)
    url = unit.get_absolute_url()
    transaction.on_commit(lambda: notify(recipients=owners(), title=title, url=url))
    return unit


@transaction.atomic
def unit_reply(*, actor, unit_id: int, text: str) -> Unit:
    """The unit's reply to the preliminary opinion (申辩, 条例 第二十条), once."""
    unit = _unit_locked(actor, unit_id)
    _require_unit_side(actor, unit)
    _phase(unit.evaluation, v.REPLY_PHASES, _("A reply is possible only while the preliminary opinion is open."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the reply.")]})
    change = apply_transition(unit, "reply", actor=actor)
    unit.reply, unit.replied_at = text, timezone.now()
    unit.save(update_fields=["reply", "replied_at", "updated_at"])
    record(actor=actor, action="evaluations.unit.reply", target=unit, changes={**change, "reply": [None, text]})
    owners = partial(office_people, unit.evaluation.office_id)
    title, url = _("Reply to the preliminary opinion: {unit}").format(unit=unit.name), unit.get_absolute_url()
    transaction.on_commit(lambda: notify(recipients=owners(), title=title, body=text, url=url))
    return unit


# ---- the team's side ---------------------------------------------------------------------------------

@transaction.atomic
def site_visit_record(*, actor, unit_id: int, date: datetime.date, members: str, notes: str) -> SiteVisit:
    """Records the team's on-site review of a unit (现场考察): the office or a rater of the evaluation."""
    unit = _unit_locked(actor, unit_id)
    is_rater = Rater.objects.filter(evaluation=unit.evaluation, user=actor).exists()
    is_owner = Evaluation.objects.for_user(actor, "change").filter(pk=unit.evaluation_id).exists()
    if not actor.has_perm("evaluations.add_sitevisit") or not (is_rater or is_owner):
        raise PermissionDenied
    _phase(unit.evaluation, v.VISIT_PHASES)
    if date > timezone.localdate():
        raise ValidationError({"date": [_("The date cannot be in the future.")]})
    if not (notes or "").strip() or not (members or "").strip():
        raise ValidationError({"notes": [_("Record the team and what it found.")]})
    visit = SiteVisit.objects.create(unit=unit, date=date, members=members.strip()[:300], notes=notes.strip(),
                                     recorded_by=actor)
    record(actor=actor, action="evaluations.sitevisit.create", target=visit,
           changes={"date": [None, date], "members": [None, visit.members]})
    return visit


def _rating_locked(actor, rating_id: int) -> Rating:
    return (Rating.objects.for_user(actor, "view").select_for_update(of=("self",))
            .select_related("unit__evaluation__version", "unit__evaluation__office__region", "rater__user")
            .get(pk=rating_id))


@transaction.atomic
def rating_save(*, actor, rating_id: int, scores: dict | None = None, notes: dict | None = None) -> Rating:
    """Saves a rater's sheet as it stands (only the rater, while the rating is open and the sheet
    is not submitted)."""
    rating = _rating_locked(actor, rating_id)
    if rating.rater.user_id != actor.pk or not actor.has_perm("evaluations.rate_evaluation"):
        raise PermissionDenied
    _phase(rating.unit.evaluation, v.RATING_PHASES, _("The rating is not open."))
    if rating.status != Rating.Status.DRAFT:
        raise TransitionNotAllowed(_("This sheet is submitted."))
    clean_scores, clean_notes = clean_sheet(specs_of(rating.unit.evaluation), scores or {}, notes or {})
    old = dict(rating.scores)
    rating.scores = {**rating.scores, **clean_scores}
    rating.notes = {**rating.notes, **clean_notes}
    if notes is not None:  # a note cleared on the form is cleared
        rating.notes = {k: t for k, t in rating.notes.items() if k in clean_notes or k not in notes}
    rating.save(update_fields=["scores", "notes", "updated_at"])
    record(actor=actor, action="evaluations.rating.save", target=rating, changes={"scores": [old, rating.scores]})
    return rating


@transaction.atomic
def rating_submit(*, actor, rating_id: int, reason: str = "") -> Rating:
    """Submits a sheet: every leaf scored, a deduction note (扣分说明) for every point deducted."""
    rating = _rating_locked(actor, rating_id)
    if rating.rater.user_id != actor.pk:
        raise PermissionDenied
    evaluation = rating.unit.evaluation
    _phase(evaluation, v.RATING_PHASES, _("The rating is not open."))
    if rating.status == Rating.Status.DRAFT:
        specs = specs_of(evaluation)
        errors = scoring.sheet_problems(specs, rating.scores)
        for code in scoring.missing_notes(specs, rating.scores, rating.notes):
            errors.setdefault(code, []).append(_("Explain the points deducted (扣分说明)."))
        if errors:
            raise ValidationError(errors)
    change = apply_transition(rating, "submit", actor=actor)
    specs = specs_of(evaluation)
    rating.total = scoring.sheet_total(specs, rating.scores, veto_cap=evaluation.veto_cap)
    rating.submitted_at = timezone.now()
    rating.save(update_fields=["total", "submitted_at", "updated_at"])
    record(actor=actor, action="evaluations.rating.submit", target=rating,
           changes={**change, "total": [None, str(rating.total)]}, reason=reason)
    return rating


@transaction.atomic
def rating_reopen(*, actor, rating_id: int, reason: str = "") -> Rating:
    """The office gives a submitted sheet back to its rater while the rating is open."""
    rating = _rating_locked(actor, rating_id)
    if not Evaluation.objects.for_user(actor, "change").filter(pk=rating.unit.evaluation_id).exists():
        raise PermissionDenied
    _phase(rating.unit.evaluation, v.RATING_PHASES, _("The rating is not open."))
    change = apply_transition(rating, "reopen", actor=actor)
    rating.total, rating.submitted_at = None, None
    rating.save(update_fields=["total", "submitted_at", "updated_at"])
    record(actor=actor, action="evaluations.rating.reopen", target=rating, changes=change, reason=reason)
    user_id, title, url = rating.rater.user_id, _("Score sheet returned: {unit}").format(unit=rating.unit), \
        rating.get_absolute_url()
    transaction.on_commit(lambda: notify(recipients=_users([user_id]), title=title, body=reason, url=url))
    return rating


# ---- the opinion letter -------------------------------------------------------------------------------

def clean_demands(demands, today: datetime.date) -> list[dict]:
    out, errors = [], []
    for n, demand in enumerate(demands or [], start=1):
        text = str(demand.get("text") or "").strip()
        deadline = as_date(demand.get("deadline"))
        if not text:
            continue
        if deadline is None or deadline < today:
            errors.append(_("Demand {n}: give a deadline from today on.").format(n=n))
            continue
        out.append({"text": text, "deadline": deadline, "item_code": str(demand.get("item_code") or "")[:32]})
    if errors:
        raise ValidationError({"demands": errors})
    return out


def rectification_issuer(school_id: int):
    """Who issues and follows a school's rectification notices: its listed inspector with an account,
    else a leader of its zone; None when the school has neither."""
    for user in [*school_inspector_users(school_id), *zone_leaders(school_id)]:
        user = get_user_model().objects.get(pk=user.pk)
        if user.has_perm("inspections.add_finding") and user.has_perm("inspections.add_rectification"):
            return user
    return None


@transaction.atomic
def opinion_issue(*, actor, unit_id: int, evaluation_text: str, demands=(), reason: str = "") -> Unit:
    """Issues the unit's opinion letter (督导意见书, 条例 第二十一条): an objective evaluation and
    rectification demands with deadlines. For a school each demand becomes a finding and a
    rectification notice of the monthly loop (``finding_record`` + ``rectification_issue``), which the
    school answers and the inspector re-checks (条例 第二十二条). The loop's notices are the
    responsible inspector's (offices do not issue them), so they are issued in the name of the
    inspector listed at the school (else a leader of its zone) who follows them; the opinion letter
    and its audit record are the office's. The letter is filed as a document."""
    unit = _unit_locked(actor, unit_id)
    evaluation = unit.evaluation
    if not Evaluation.objects.for_user(actor, "change").filter(pk=evaluation.pk).exists():
        raise PermissionDenied
    _phase(evaluation, v.OPINION_PHASES, _("Opinion letters are issued after the replies are closed."))
    text = (evaluation_text or "").strip()
    if not text:
        raise ValidationError({"evaluation_text": [_("Write the evaluation.")]})
    today = timezone.localdate()
    cleaned = clean_demands(demands, today)
    issuer = None
    if cleaned and unit.school_id:
        issuer = rectification_issuer(unit.school_id)
        if issuer is None:
            raise ValidationError({"demands": [_(
                "No inspector with an account is listed at this school or leads its zone: list one to follow "
                "the rectification.")]})
    change = apply_transition(unit, "conclude", actor=actor)
    stored = []
    for demand in cleaned:
        entry = {"text": demand["text"], "deadline": demand["deadline"].isoformat(), "item_code": demand["item_code"]}
        if issuer is not None:
            finding = finding_record(actor=issuer, school_id=unit.school_id, description=demand["text"],
                                     item_code=demand["item_code"] or "督导评估", found_on=today)
            rectification = rectification_issue(actor=issuer, finding_id=finding.pk, requirements=demand["text"],
                                                 deadline=demand["deadline"], issued_on=today)
            entry.update(rectification=rectification.pk, number=rectification.number, issuer=str(issuer))
        stored.append(entry)
    unit.opinion, unit.demands, unit.opinion_issued_at = text, stored, timezone.now()
    unit.save(update_fields=["opinion", "demands", "opinion_issued_at", "updated_at"])
    from dudao.evaluations.documents import opinion_context

    document = document_generate(
        actor=actor, kind="opinion_letter", context=opinion_context(unit), office=evaluation.office,
        title=f"督导意见书 {unit.name}", school=unit.school, subject=unit, pdf=False,
    )
    record(actor=actor, action="evaluations.unit.opinion", target=unit, changes={
        **change, "demands": [None, stored], "document": [None, document.number]}, reason=reason)
    unit_pk, title, url = unit.pk, _("Opinion letter: {title}").format(title=evaluation.title), unit.get_absolute_url()
    transaction.on_commit(lambda: notify(recipients=unit_contacts(unit_pk), title=title, body=text, url=url))
    return unit


@transaction.atomic
def preliminary_opinion_set(*, actor, unit_id: int, text: str) -> Unit:
    """The office edits a unit's preliminary opinion while it is open."""
    unit = _unit_locked(actor, unit_id)
    if not Evaluation.objects.for_user(actor, "change").filter(pk=unit.evaluation_id).exists():
        raise PermissionDenied
    _phase(unit.evaluation, v.REPLY_PHASES)
    old, unit.preliminary_opinion = unit.preliminary_opinion, (text or "").strip()
    unit.save(update_fields=["preliminary_opinion", "updated_at"])
    record(actor=actor, action="evaluations.unit.preliminary", target=unit,
           changes={"preliminary_opinion": [old, unit.preliminary_opinion]})
    return unit


@transaction.atomic
def report_generate(*, actor, evaluation_id: int, pdf: bool = False):
    """Files the evaluation report (督导报告, 条例 第二十三条) of a published evaluation."""
    from dudao.evaluations.documents import report_context

    evaluation = (Evaluation.objects.for_user(actor, "view").select_related("office__region", "version__instrument")
                  .get(pk=evaluation_id))
    if not Evaluation.objects.for_user(actor, "change").filter(pk=evaluation.pk).exists():
        raise PermissionDenied
    _phase(evaluation, {v.PUBLISHED}, _("The report is written once the results are published."))
    return document_generate(actor=actor, kind="evaluation_report", context=report_context(evaluation),
                             office=evaluation.office, title=f"督导报告 {evaluation.title}", subject=evaluation,
                             pdf=pdf)


def unit_side(user, unit: Unit) -> bool:
    """True when ``user`` answers for ``unit`` (writes its self-assessment and reply)."""
    try:
        _require_unit_side(user, unit)
    except PermissionDenied:
        return False
    return True
