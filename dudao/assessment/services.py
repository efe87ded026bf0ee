"""Writing the assessment: a rater's answers about an inspector, and the office's weighting.

* ``rating_submit``: a rater answers the office's assessment questionnaire about an inspector for
  a year or a term as themselves (self), a peer of the same office, or a school where the
  inspector is listed; answering again replaces their answers. The score (0–100) is the
  instrument engine's ``score_tree`` total over its maximum.
* ``assessment_policy_set``: the office sets the indicator and rater-group weights, the rating
  instrument and how raters of a group are combined.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import offices_of, sees_everything
from dudao.assessment.models import DEFAULT_GROUP_WEIGHTS, DEFAULT_WEIGHTS, AssessmentPolicy, AssessmentRating
from dudao.assessment.selectors import (
    assessment_policy_for,
    period_of,
    rater_roles,
    rater_school,
    rating_version,
)
from dudao.audit.services import model_save, record
from dudao.inspectors.models import Inspector
from dudao.instruments.models import Answer, Instrument, Response
from dudao.instruments.scoring import round_score, score_tree, validate_answers
from dudao.instruments.selectors import item_specs, version_items
from dudao.organizations.models import Office


def rating_score(specs, answers) -> Decimal:
    """The response's total as a share of its maximum, 0–100 (2 decimals)."""
    tree = score_tree(specs, answers)
    if not tree.maximum:
        return round_score(0)
    return round_score(100 * tree.raw_total / tree.maximum if tree.raw_total <= tree.maximum else 100)


@transaction.atomic
def rating_submit(*, actor, inspector_id: int, period_kind: str, period_start: datetime.date, role: str,
                  answers: dict, comment: str = "") -> AssessmentRating:
    """Records (or replaces) the actor's rating of an inspector for the period, as ``role``."""
    if not actor.has_perm("assessment.add_assessmentrating"):
        raise PermissionDenied
    try:
        period = period_of(period_kind, period_start)
    except ValueError:
        raise ValidationError({"period_kind": [_("Choose a year or a term.")]})
    if period.start > timezone.localdate():
        raise ValidationError({"period_start": [_("The period has not started yet.")]})
    inspector = Inspector.objects.filter(pk=inspector_id).select_related("office__region").first()  # scope: checked by rater_roles below
    if inspector is None or role not in rater_roles(user=actor, inspector=inspector, period=period):
        # nobody learns whether an inspector they may not rate exists
        if inspector is not None and Inspector.objects.for_user(actor).filter(pk=inspector.pk).exists():
            raise PermissionDenied
        raise Inspector.DoesNotExist
    policy = assessment_policy_for(inspector.office)
    version = rating_version(policy)
    if version is None:
        raise ValidationError({"answers": [_("The office has no published assessment questionnaire.")]})
    specs = item_specs(version=version)
    answers = {str(k): v for k, v in (answers or {}).items() if v not in (None, "", [])}
    problems = validate_answers(specs, answers)
    if problems:
        raise ValidationError({"answers": [f"{code}: {'; '.join(msgs)}" for code, msgs in sorted(problems.items())]})
    score = rating_score(specs, answers)
    school = rater_school(user=actor, inspector=inspector, period=period) if role == AssessmentRating.Role.SCHOOL else None
    existing = (AssessmentRating.objects.select_for_update().filter(  # scope: the actor's own rating
        inspector=inspector, rater=actor, role=role, period_kind=period.kind, period_start=period.start).first())
    items = {item.code: item for item in version_items(version=version)}
    response = Response.objects.create(version=version, school=school, region_path=inspector.office.region.path,
                                       respondent=actor, submitted_at=timezone.now())
    Answer.objects.bulk_create([Answer(response=response, item=items[code], value=value)
                                for code, value in answers.items() if code in items])
    if existing is None:
        rating = AssessmentRating.objects.create(
            office=inspector.office, inspector=inspector, rater=actor, role=role, school=school,
            period_kind=period.kind, period_start=period.start, response=response, score=score,
            comment=(comment or "").strip())
        changes = {"score": [None, score], "role": [None, role], "period_start": [None, period.start]}
        action = "reports.assessmentrating.create"  # the codes ratings are logged under (audit.actions.MOVED)
    else:
        rating, old_response = existing, existing.response_id
        changes = {"score": [rating.score, score], "response": [old_response, response.pk]}
        rating.response, rating.score, rating.comment, rating.school = response, score, (comment or "").strip(), school
        rating.save(update_fields=["response", "score", "comment", "school", "updated_at"])
        Response.objects.filter(pk=old_response).delete()  # scope: the rating's own previous answers
        action = "reports.assessmentrating.update"
    record(actor=actor, action=action, target=rating, changes=changes)
    return rating


@transaction.atomic
def assessment_policy_set(*, actor, office_id: int, weights: dict, group_weights: dict, aggregation: str,
                          instrument_id: int | None = None) -> AssessmentPolicy:
    """Sets the office's weighting (weights are whole numbers from 0 to 100, at least one above 0)."""
    office = Office.objects.for_user(actor).select_related("region").get(pk=office_id)
    if not (actor.has_perm("assessment.change_assessmentpolicy") and (
            sees_everything(actor) or office.pk in offices_of(actor))):
        raise PermissionDenied
    for name, values, keys in (("weights", weights, DEFAULT_WEIGHTS), ("group_weights", group_weights,
                                                                       DEFAULT_GROUP_WEIGHTS)):
        if set(values) - set(keys) or any(not 0 <= int(v) <= 100 for v in values.values()):
            raise ValidationError({name: [_("Weights are whole numbers from 0 to 100.")]})
        if not any(int(values.get(k, 0)) > 0 for k in keys):
            raise ValidationError({name: [_("At least one weight must be above 0.")]})
    if aggregation not in AssessmentPolicy.Aggregation.values:
        raise ValidationError({"aggregation": [_("Unknown way of combining raters.")]})
    instrument = None
    if instrument_id:
        instrument = Instrument.objects.for_user(actor).filter(pk=instrument_id).first()
        if instrument is None or instrument.latest_published() is None:
            raise ValidationError({"instrument": [_("Choose an instrument with a published version.")]})
    policy = assessment_policy_for(office)
    for key in DEFAULT_WEIGHTS:
        setattr(policy, f"weight_{key}", int(weights.get(key, 0)))
    for key in DEFAULT_GROUP_WEIGHTS:
        setattr(policy, f"group_{key}", int(group_weights.get(key, 0)))
    policy.aggregation, policy.instrument = aggregation, instrument
    # audited under the code of its first app, like every weighting already in the log (audit.actions.MOVED)
    return model_save(actor=actor, instance=policy, action_prefix="reports.assessmentpolicy")
