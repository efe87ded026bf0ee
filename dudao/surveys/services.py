"""Writes on surveys: create, change, open / close / reopen, single-use codes, and anonymous answers.

Order of checks in every office service: invisible → ``DoesNotExist`` (404); visible but not the
actor's to change → ``PermissionDenied`` (403); wrong state → ``TransitionNotAllowed`` (409); bad
data → ``ValidationError`` (400). Each writes its audit record in the same transaction.

``survey_response_submit`` is the one service without an actor: respondents are anonymous. It
stores the answers and the school and group of the link — nothing about who answered (no
account, no address, not even which single-use code was used) — and writes no audit event: the
response row is its own record, and an event per answer would only add a time stamp beside it.
"""

import secrets
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dudao.accounts.models import Membership, Role
from dudao.accounts.recipients import office_people
from dudao.audit.services import record
from dudao.core.workflow import TransitionNotAllowed, apply_transition
from dudao.instruments.models import Answer, Instrument, InstrumentVersion, Item, Response
from dudao.instruments.scoring import validate_answers
from dudao.instruments.selectors import item_specs
from dudao.instruments.services import shipped_version
from dudao.notifications.models import Kind as MessageKind
from dudao.notifications.services import notify, reminder_send, reminder_window
from dudao.organizations.models import Office, School
from dudao.surveys import rates
from dudao.surveys.models import DEFAULT_THRESHOLD, Survey, SurveyCode, SurveyLink, SurveyResponse
from dudao.surveys.questionnaires import COUNTED_DEFAULT, QUESTIONNAIRES, SCALE

# fields an office may change while the survey runs; the rest only in the draft
SETTINGS_FIELDS = ("title", "introduction", "closes_on", "counted_options", "pass_threshold")
STRUCTURE_FIELDS = ("version_id", "groups", "school_ids", "single_use")
MAX_CODES = 2000  # per link and request: a school's parents, not a province
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are typed from paper
CODE_LENGTH = 12  # 60 bits


class SurveyNotDraft(TransitionNotAllowed, ValidationError):
    """Questionnaire, groups, schools and the code rule change only while the survey is a draft (409)."""

    def __init__(self, survey):
        ValidationError.__init__(self, _("The survey is {status}: its questionnaire, groups and schools are fixed.")
                                 .format(status=survey.get_status_display()), code="not_draft")

    def __str__(self) -> str:
        return self.messages[0]


class NotAccepting(Exception):
    """The survey does not take answers now (closed, or past its closing date)."""


class CodeRefused(Exception):
    """A single-use code is missing, unknown for this link, or used already (``used`` tells which)."""

    def __init__(self, used: bool = False):
        super().__init__("used" if used else "invalid")
        self.used = used


# ---- shipped questionnaires ------------------------------------------------------------------------

@transaction.atomic
def ensure_survey_questionnaires() -> list[Instrument]:
    """Creates the shipped questionnaires once as national instruments (idempotent; after every
    migrate and flush). Offices copy and adapt them like the national checklists."""
    created = []
    for spec in QUESTIONNAIRES:
        version = shipped_version(code=spec["code"], name=spec["name"], kind=Instrument.Kind.QUESTIONNAIRE,
                                  audience=Instrument.Audience.ANY, description=spec["description"],
                                  source=spec["source"])
        if version is None:
            continue
        code, text = spec["open_item"]
        Item.objects.bulk_create(
            [Item(version=version, position=i, code=c, text=t, response_type=Item.ResponseType.RATING,
                  options=SCALE, required=True)
             for i, (c, t) in enumerate(spec["items"], start=1)]
            + [Item(version=version, position=len(spec["items"]) + 1, code=code, text=text,
                    response_type=Item.ResponseType.TEXT)]
        )
        created.append(version.instrument)
    return created


# ---- helpers ---------------------------------------------------------------------------------------

def new_token() -> str:
    """An unguessable link token (144 random bits, URL-safe)."""
    return secrets.token_urlsafe(18)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _require_change(actor, survey) -> None:
    if not Survey.objects.for_user(actor, "change").filter(pk=survey.pk).exists():
        raise PermissionDenied


def _survey_for_change(actor, survey_id) -> Survey:
    survey = (Survey.objects.for_user(actor, "view").select_for_update(of=("self",))
              .select_related("office__region", "version__instrument").get(pk=survey_id))  # unseen: 404
    _require_change(actor, survey)
    return survey


def _questionnaire(actor, version_id) -> InstrumentVersion:
    version = (InstrumentVersion.objects.for_user(actor, "view").select_related("instrument")
               .get(pk=version_id))
    if version.instrument.kind != Instrument.Kind.QUESTIONNAIRE:
        raise ValidationError({"version": _("Choose a questionnaire.")})
    if version.status != InstrumentVersion.Status.PUBLISHED:
        raise ValidationError({"version": _("Choose a published version of the questionnaire.")})
    return version


def _clean_groups(groups) -> list[str]:
    valid = [g for g, _label in Survey.Group.choices]
    groups = list(dict.fromkeys(groups or []))
    if not groups:
        raise ValidationError({"groups": _("Choose at least one respondent group.")})
    unknown = [g for g in groups if g not in valid]
    if unknown:
        raise ValidationError({"groups": _("Unknown respondent groups: {groups}.").format(groups=", ".join(unknown))})
    return [g for g in valid if g in groups]


def _clean_counted(version, counted) -> list[str]:
    counted = [str(c).strip() for c in (COUNTED_DEFAULT if counted is None else counted) if str(c).strip()]
    counted = list(dict.fromkeys(counted))
    if not counted:
        raise ValidationError({"counted_options": _("Name at least one answer that counts as satisfied.")})
    items = list(Item.objects.filter(version=version))  # scope: the version was read through for_user
    options = {o for item in items if item.response_type in rates.RATED_TYPES for o in item.options or []}
    unknown = [c for c in counted if c not in options]
    if unknown:
        raise ValidationError({"counted_options": _("Not an answer of the questionnaire: {options}.").format(
            options=" | ".join(unknown))})
    return counted


def _clean_threshold(value) -> Decimal:
    try:
        threshold = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"pass_threshold": _("Enter a number from 0 to 1.")})
    if not threshold.is_finite() or not Decimal(0) <= threshold <= Decimal(1):
        raise ValidationError({"pass_threshold": _("Enter a number from 0 to 1.")})
    return threshold.quantize(Decimal("0.0001"))


def _clean_schools(actor, office, school_ids) -> list[School]:
    ids = sorted({int(i) for i in school_ids or []})
    schools = list(School.objects.for_user(actor).filter(pk__in=ids, region__path__startswith=office.region.path)
                   .order_by("code"))
    if len(schools) != len(ids):
        raise ValidationError({"school_ids": _("Some schools are not schools of the office.")})
    return schools


def _sync_links(survey, schools, groups) -> tuple[int, int]:
    """Makes the survey's links exactly schools × groups; returns (added, removed)."""
    wanted = {(s.pk, g) for s in schools for g in groups}
    existing = {(link.school_id, link.group): link for link in survey.links.all()}
    stale = [link.pk for key, link in existing.items() if key not in wanted]
    if stale:
        SurveyLink.objects.filter(pk__in=stale).delete()
    new = [SurveyLink(survey=survey, school_id=school_id, group=group, token=new_token())
           for school_id, group in sorted(wanted - set(existing))]
    SurveyLink.objects.bulk_create(new)
    return len(new), len(stale)


# ---- surveys ---------------------------------------------------------------------------------------

@transaction.atomic
def survey_create(*, actor, office_id: int, title: str, year: int, version_id: int, groups, closes_on: date,
                  school_ids=(), counted_options=None, pass_threshold=DEFAULT_THRESHOLD, single_use: bool = False,
                  introduction: str = "", reason: str = "") -> Survey:
    """Creates a draft survey of an office with one link per chosen school and respondent group."""
    if not actor.has_perm("surveys.add_survey"):
        raise PermissionDenied
    office = Office.objects.for_user(actor).select_related("region").get(pk=office_id)
    version = _questionnaire(actor, version_id)
    survey = Survey(
        office=office, title=(title or "").strip(), year=year, version=version, groups=_clean_groups(groups),
        closes_on=closes_on, counted_options=_clean_counted(version, counted_options),
        pass_threshold=_clean_threshold(pass_threshold), single_use=bool(single_use),
        introduction=(introduction or "").strip(), created_by=actor,
    )
    survey.full_clean()
    survey.save()
    _require_change(actor, survey)  # an office outside the actor's change scope: roll back
    schools = _clean_schools(actor, office, school_ids)
    added, _removed = _sync_links(survey, schools, survey.groups)
    record(actor=actor, action="surveys.survey.create", target=survey, reason=reason, changes={
        "title": [None, survey.title], "year": [None, survey.year], "version": [None, str(version)],
        "groups": [None, survey.groups], "closes_on": [None, survey.closes_on], "schools": [0, len(schools)],
        "links": [0, added], "counted_options": [None, survey.counted_options],
        "pass_threshold": [None, survey.pass_threshold], "single_use": [None, survey.single_use],
    })
    return survey


@transaction.atomic
def survey_update(*, actor, survey_id: int, reason: str = "", **fields) -> Survey:
    """Changes a survey. Title, introduction, closing date, counted answers and pass mark change at
    any time (results follow); questionnaire, groups, schools and the code rule only in the draft."""
    unknown = set(fields) - set(SETTINGS_FIELDS) - set(STRUCTURE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: {fields}.").format(fields=", ".join(sorted(unknown))))
    survey = _survey_for_change(actor, survey_id)
    structure = {k: v for k, v in fields.items() if k in STRUCTURE_FIELDS}
    if structure and survey.status != Survey.Status.DRAFT:
        raise SurveyNotDraft(survey)
    changes: dict = {}

    def put(name, value):
        old = getattr(survey, name)
        if old != value:
            changes[name.removesuffix("_id")] = [str(old) if name == "version_id" else old, value]
            setattr(survey, name, value)

    if "version_id" in structure:
        put("version_id", _questionnaire(actor, structure["version_id"]).pk)
    if "groups" in structure:
        put("groups", _clean_groups(structure["groups"]))
    if "single_use" in structure:
        put("single_use", bool(structure["single_use"]))
    for name in ("title", "introduction"):
        if name in fields:
            put(name, (fields[name] or "").strip())
    if "closes_on" in fields:
        put("closes_on", fields["closes_on"])
    if "pass_threshold" in fields:
        put("pass_threshold", _clean_threshold(fields["pass_threshold"]))
    if "counted_options" in fields or "version_id" in structure:
        version = InstrumentVersion.objects.get(pk=survey.version_id)  # scope: checked by _questionnaire or the survey
        put("counted_options", _clean_counted(version, fields.get("counted_options", survey.counted_options)))
    survey.full_clean()
    survey.save()
    if "school_ids" in structure or "groups" in structure:
        if "school_ids" in structure:
            schools = _clean_schools(actor, survey.office, structure["school_ids"])
        else:
            schools = list(School.objects.filter(survey_links__survey=survey).distinct())  # scope: the survey's own
        before = len({link.school_id for link in survey.links.all()})
        added, removed = _sync_links(survey, schools, survey.groups)
        if added or removed:
            changes["links"] = [f"-{removed}", f"+{added}"]
        if before != len(schools):
            changes["schools"] = [before, len(schools)]
    if changes:
        record(actor=actor, action="surveys.survey.update", target=survey, changes=changes, reason=reason)
    return survey


def _notify_schools(survey_id: int) -> None:
    survey = Survey.objects.get(pk=survey_id)  # scope: after commit, the survey just opened
    school_ids = set(survey.links.values_list("school_id", flat=True))
    recipients = {m.user for m in Membership.objects.current().filter(
        school_id__in=school_ids, role__in=[Role.SCHOOL_LIAISON, Role.PRINCIPAL]).select_related("user")}
    if recipients:
        notify(recipients=sorted(recipients, key=lambda u: u.pk),
               title=_("Satisfaction survey open: {title}").format(title=survey.title),
               body=_("Please hand out the survey's links or QR codes before {date}.").format(date=survey.closes_on),
               url=survey.get_absolute_url())


def _transition(name: str):
    @transaction.atomic
    def service(*, actor, survey_id: int, reason: str = "") -> Survey:
        survey = _survey_for_change(actor, survey_id)
        today = timezone.localdate()
        if name in ("open", "reopen") and survey.status in apply_sources(name) and survey.closes_on < today:
            raise ValidationError({"closes_on": _("The closing date has passed; set a later one first.")})
        if name == "open" and survey.status == Survey.Status.DRAFT and not survey.links.exists():
            raise ValidationError({"school_ids": _("Choose the schools first.")})
        change = apply_transition(survey, name, actor=actor)  # wrong state 409, not allowed 403
        if name == "close":
            survey.closed_at = timezone.now()
            survey.save(update_fields=["closed_at", "updated_at"])
        else:
            survey.opened_at = survey.opened_at if name == "reopen" else timezone.now()
            survey.closed_at = None
            survey.save(update_fields=["opened_at", "closed_at", "updated_at"])
        record(actor=actor, action=f"surveys.survey.{name}", target=survey, changes=change, reason=reason)
        if name == "open":
            transaction.on_commit(partial(_notify_schools, survey.pk))
        return survey

    service.__name__ = f"survey_{name}"
    service.__doc__ = f"Applies {name!r} to a survey (the answer pages take answers only while it is open)."
    return service


def apply_sources(name: str):
    return Survey.TRANSITIONS[name].sources


survey_open = _transition("open")
survey_close = _transition("close")
survey_reopen = _transition("reopen")
SURVEY_TRANSITION_SERVICES = {"open": survey_open, "close": survey_close, "reopen": survey_reopen}


@transaction.atomic
def survey_codes_generate(*, actor, survey_id: int, count: int, school_id: int | None = None,
                          group: str | None = None, reason: str = "") -> int:
    """Adds ``count`` single-use codes to every link of the survey (or of one school and/or group);
    returns how many codes were made. Only for a survey with one response per code, before it closes."""
    survey = _survey_for_change(actor, survey_id)
    if not survey.single_use:
        raise ValidationError({"count": _("This survey's links take answers without codes.")})
    if survey.status == Survey.Status.CLOSED:
        raise TransitionNotAllowed(_("The survey is closed."))
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_CODES:
        raise ValidationError({"count": _("Enter a number from 1 to {n}.").format(n=MAX_CODES)})
    links = list(SurveyLink.objects.for_user(actor).filter(survey=survey))
    if school_id is not None:
        links = [link for link in links if link.school_id == int(school_id)]
    if group:
        links = [link for link in links if link.group == group]
    if not links:
        raise ValidationError({"school_id": _("No link of the survey matches.")})
    codes = [SurveyCode(link=link, code=new_code()) for link in links for _ in range(count)]
    SurveyCode.objects.bulk_create(codes, batch_size=1000)
    record(actor=actor, action="surveys.survey.codes", target=survey, reason=reason,
           changes={"codes": [None, len(codes)], "links": [None, len(links)], "per_link": [None, count]})
    return len(codes)


# ---- anonymous answers -----------------------------------------------------------------------------

def public_link(token: str) -> SurveyLink:
    """The link of a token, for the public answer page: ``DoesNotExist`` (404) for a forged token or a
    survey still in draft."""
    if not token or len(token) > 48:
        raise SurveyLink.DoesNotExist
    return (SurveyLink.objects.select_related("survey__version__instrument", "survey__office", "school__region")  # scope: token
            .exclude(survey__status=Survey.Status.DRAFT).get(token=token))


@transaction.atomic
def survey_response_submit(*, token: str, answers: dict, code: str | None = None, today=None) -> SurveyResponse:
    """Stores one anonymous answer sheet given through a link (and, for single-use surveys, a code).

    Raises ``SurveyLink.DoesNotExist`` for a forged token (404), ``NotAccepting`` when the survey is
    closed or past its date, ``CodeRefused`` for a missing, unknown or used code, and a
    ``ValidationError`` ``{item code: [messages]}`` for answers the questionnaire does not accept.
    """
    link = public_link(token)
    survey = link.survey
    if not survey.is_accepting(today):
        raise NotAccepting
    specs = item_specs(version=survey.version)
    errors = validate_answers(specs, answers)
    if errors:
        raise ValidationError(errors)
    if survey.single_use:
        used_code = (SurveyCode.objects.select_for_update().filter(link=link, code=(code or "").strip().upper())
                     .first())
        if used_code is None:
            raise CodeRefused(used=False)
        if used_code.used:
            raise CodeRefused(used=True)
        used_code.used = True
        used_code.save(update_fields=["used"])
    response = Response.objects.create(version=survey.version, school=link.school,
                                       region_path=link.school.region.path, respondent=None,
                                       submitted_at=timezone.now())
    items = {item.code: item for item in Item.objects.filter(version=survey.version)}  # scope: public token
    Answer.objects.bulk_create([Answer(response=response, item=items[c], value=v)
                                for c, v in answers.items() if v not in (None, "", [])])
    return SurveyResponse.objects.create(survey=survey, link=link, school=link.school, group=link.group,
                                         response=response)


def survey_reminders_send(*, on: date | None = None) -> list:
    """Reminds the staff of the office running each open survey that closes in at most three calendar
    days, once per survey and closing date (``dudao notify reminders``)."""
    on, last = reminder_window(on)
    surveys = (Survey.objects.filter(status=Survey.Status.OPEN, closes_on__range=(on, last))  # scope: the daily job, every office
               .annotate(answered=Count("responses")).order_by("closes_on", "pk"))
    sent = []
    for survey in surveys:
        closes = formats.date_format(survey.closes_on, "DATE_FORMAT")
        reminder = reminder_send(
            kind=MessageKind.SURVEY_CLOSING, subject=f"surveys.survey:{survey.pk}", deadline=survey.closes_on,
            recipients=office_people(survey.office_id, on),
            title=_("Survey closing {date}: {title}").format(date=closes, title=survey.title),
            body=_("Answers are taken until {date}; {count} received so far.").format(date=closes,
                                                                                   count=survey.answered),
            url=survey.get_absolute_url())
        if reminder is not None:
            sent.append(reminder)
    return sent
