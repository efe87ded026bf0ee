"""Recording routine visits (经常性督导 / 随访督导, STANDARDS §1.4–§1.6).

* ``visit_save_draft`` creates or updates a draft by the ``client_uuid`` the form generated on the
  device: the same ``client_uuid`` twice updates the same visit (the later save wins), so a sync
  repeated after a dropped connection never creates a second visit. Only the person who recorded
  a draft may change it, and only at schools listed to them (zone leaders: their zone's schools).
* ``visit_submit`` files the record; from then on it is read-only for everyone (photos and files
  included: attach them while it is a draft, the form uploads them before submitting), and the
  school's liaison(s) and principal are notified with a link (on-the-spot feedback, §1.5). The visit
  is counted in its school's month (``VisitMonth``) in the same transaction.
* ``visit_attachment_add`` / ``visit_attachment_remove`` keep a draft's evidence files; adding the
  same bytes twice to a visit returns the file already there (a repeated upload is harmless).
* The check-in (入校签到) is saved with the draft: the position the device gave when the form opened
  (or none, with the inspector's reason), its distance from the school's coordinates and its status
  under the office's radius (``dudao.inspections.checkin``), computed here when the position or the
  school changes, and audited with the other fields.
"""

import datetime
import uuid
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.recipients import school_contacts
from dudao.audit.services import diff, record, snapshot
from dudao.core.choices import as_date
from dudao.core.files import validate_upload
from dudao.core.tally import tallied
from dudao.core.workflow import TransitionNotAllowed, apply_transition
from dudao.inspections.checkin import checkin_result
from dudao.inspections.models import Attachment, LessonObservation, Method, Visit, VisitMonth
from dudao.inspections.selectors.visits import checklist_for_school, visit_school_ids, visit_visible_q
from dudao.inspections.services.attachments import attachment_store, visit_photo_stamp
from dudao.inspectors.models import Inspector, Listing
from dudao.instruments.models import Answer, Item, Response
from dudao.notifications.services import notify
from dudao.organizations.models import School
from dudao.organizations.selectors import office_of_school

__all__ = [
    "VISIT_FIELDS", "LESSON_FIELDS", "visit_save_draft", "visit_submit", "visit_attachment_add",
    "visit_attachment_remove", "VISIT_TRANSITION_SERVICES",
]

VISIT_FIELDS = ("date", "kind", "methods", "purpose", "highlights", "highlight_recommended", "problems", "feedback")
LESSON_FIELDS = ("class_name", "subject", "teacher", "topic", "rating", "comments")
CHECKIN_FIELDS = ("checkin_latitude", "checkin_longitude", "checkin_accuracy_m", "checkin_at", "checkin_distance_m",
                  "checkin_radius_m", "checkin_status", "checkin_reason")
CHECKIN_INPUT = ("latitude", "longitude", "accuracy_m", "taken_at", "reason")
CHECKIN_CLOCK_SKEW = datetime.timedelta(minutes=10)
TEXT_LIMIT = 5000
YES = {"yes", "true", "1", "是", True}
NO = {"no", "false", "0", "否", False}


# ---- validation ------------------------------------------------------------------------------


def _clean_data(data: dict, current: dict) -> dict:
    """The plain fields, ``current`` filling what ``data`` leaves out (a partial update)."""
    out = {**current, **{k: v for k, v in data.items() if k in VISIT_FIELDS}}
    errors: dict[str, list[str]] = {}
    date = as_date(out.get("date"))
    if date is None:
        errors["date"] = [_("Enter the date of the visit.")]
    elif date > timezone.localdate():
        errors["date"] = [_("The visit cannot be in the future.")]
    out["date"] = date
    if out.get("kind") not in Visit.Kind.values:
        errors["kind"] = [_("Choose the kind of visit.")]
    methods = out.get("methods") or []
    if isinstance(methods, str) or not all(isinstance(m, str) for m in methods):
        errors["methods"] = [_("Choose methods from the list.")]
    elif set(methods) - set(Method.values):
        errors["methods"] = [_("Unknown method: {names}.").format(names=", ".join(sorted(set(methods) - set(Method.values))))]
    else:
        out["methods"] = [m for m in Method.values if m in methods]
    for name in ("purpose", "highlights", "problems", "feedback"):
        value = out.get(name) or ""
        if not isinstance(value, str):
            errors[name] = [_("Enter text.")]
            continue
        out[name] = value.strip()
    if len(out["purpose"] or "") > 200:
        errors["purpose"] = [_("At most 200 characters.")]
    for name in ("highlights", "problems", "feedback"):
        if len(out.get(name) or "") > TEXT_LIMIT:
            errors[name] = [_("At most {n} characters.").format(n=TEXT_LIMIT)]
    out["highlight_recommended"] = bool(out.get("highlight_recommended")) and bool(out.get("highlights"))
    if errors:
        raise ValidationError(errors)
    return out


def _answer_value(item: Item, value):
    """The stored form of ``value`` for ``item``, or raises ``ValueError`` with a message."""
    if value is None or value == "" or value == []:
        return None
    kind = item.response_type
    T = Item.ResponseType
    if kind in (T.SINGLE_CHOICE, T.RATING):
        if value not in item.options:
            raise ValueError(_("Choose one of: {options}.").format(options=" / ".join(map(str, item.options))))
        return value
    if kind == T.YES_NO:
        normal = value.lower() if isinstance(value, str) else value
        if normal in YES:
            return True
        if normal in NO:
            return False
        raise ValueError(_("Answer yes or no."))
    if kind == T.TEXT:
        if not isinstance(value, str):
            raise ValueError(_("Enter text."))
        if len(value) > TEXT_LIMIT:
            raise ValueError(_("At most {n} characters.").format(n=TEXT_LIMIT))
        return value.strip() or None
    if kind in (T.NUMBER, T.SCORE):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(_("Enter a number."))
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if kind == T.SCORE and (number < 0 or (item.max_score is not None and number > item.max_score)):
            raise ValueError(_("Enter a score from 0 to {max}.").format(max=item.max_score))
        return float(number)
    if kind == T.MULTIPLE_CHOICE:
        if not isinstance(value, list) or any(v not in item.options for v in value):
            raise ValueError(_("Choose from: {options}.").format(options=" / ".join(map(str, item.options))))
        return [o for o in item.options if o in value]
    raise ValueError(_("This item takes no answer."))


def _normalise_answers(answers) -> dict[str, dict]:
    """``{code: {"value", "note"}}`` from that shape or from ``[{"item": code, "value", "note"}]``."""
    if isinstance(answers, dict):
        return {str(k): (v if isinstance(v, dict) else {"value": v}) for k, v in answers.items()}
    out = {}
    for entry in answers or []:
        if not isinstance(entry, dict) or "item" not in entry:
            raise ValidationError({"answers": [_("Each answer names its item.")]})
        out[str(entry["item"])] = entry
    return out


def _clean_checkin(checkin) -> dict:
    """The check-in as given (``latitude``, ``longitude``, ``accuracy_m``, ``taken_at``, ``reason``;
    any may be left out or blank) as the visit's ``checkin_*`` values; raises with every problem."""
    if not isinstance(checkin, dict):
        raise ValidationError({"checkin": [_("The check-in is not valid.")]})
    errors: list[str] = []
    out: dict = {}
    for name, limit in (("latitude", 90), ("longitude", 180)):
        raw = checkin.get(name)
        if raw in (None, ""):
            out[name] = None
            continue
        try:
            value = Decimal(str(raw))
            if not value.is_finite() or not -limit <= value <= limit:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(_("The check-in's latitude is not valid.") if name == "latitude"
                          else _("The check-in's longitude is not valid."))
            continue
        out[name] = value.quantize(Decimal("0.000001"))
    if (out.get("latitude") is None) != (out.get("longitude") is None) and not errors:
        errors.append(_("Give both latitude and longitude, or neither."))
    accuracy = checkin.get("accuracy_m")
    try:
        out["accuracy_m"] = None if accuracy in (None, "") else round(float(accuracy))
        if out["accuracy_m"] is not None and not 0 <= out["accuracy_m"] <= 1_000_000:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        errors.append(_("The check-in's accuracy is not a number of metres."))
    taken = checkin.get("taken_at")
    if isinstance(taken, str) and taken:
        try:
            taken = datetime.datetime.fromisoformat(taken.replace("Z", "+00:00"))
        except ValueError:
            taken = "bad"
    if taken not in (None, "") and not isinstance(taken, datetime.datetime):
        errors.append(_("The check-in's time is not a date and time."))
        taken = None
    if isinstance(taken, datetime.datetime):
        if timezone.is_naive(taken):
            taken = timezone.make_aware(taken)
        if taken > timezone.now() + CHECKIN_CLOCK_SKEW:
            errors.append(_("The check-in cannot be in the future."))
    out["taken_at"] = taken or None
    reason = checkin.get("reason") or ""
    if not isinstance(reason, str) or len(reason.strip()) > 200:
        errors.append(_("The reason is text of at most 200 characters."))
    out["reason"] = reason.strip() if isinstance(reason, str) else ""
    if errors:
        raise ValidationError({"checkin": errors})
    if out["latitude"] is not None and out["taken_at"] is None:
        out["taken_at"] = timezone.now()
    return out


def _apply_checkin(visit: Visit, school: School, given: dict | None, school_changed: bool) -> None:
    """Sets the visit's check-in from ``given`` (``None``: as it is) and, when the position or the
    school changed, its distance and status against the school's coordinates and its office's radius."""
    moved = school_changed
    if given is not None:
        new = (given["latitude"], given["longitude"], given["taken_at"])
        moved = moved or new != (visit.checkin_latitude, visit.checkin_longitude, visit.checkin_at)
        visit.checkin_latitude, visit.checkin_longitude, visit.checkin_at = new
        visit.checkin_accuracy_m = given["accuracy_m"]
        visit.checkin_reason = given["reason"]
    if not moved:
        return
    office = office_of_school(school)
    radius = office.checkin_radius_m if office is not None else settings.DUDAO_DEFAULT_CHECKIN_RADIUS_M
    visit.checkin_status, visit.checkin_distance_m = checkin_result(
        latitude=visit.checkin_latitude, longitude=visit.checkin_longitude,
        school_latitude=school.latitude, school_longitude=school.longitude, radius_m=radius)
    visit.checkin_radius_m = radius


def _clean_answers(version, answers) -> list[tuple[Item, object, str]]:
    """Answers validated against the items of ``version``: ``[(item, value, note)]`` (blank ones dropped)."""
    given = _normalise_answers(answers)
    items = {i.code: i for i in version.items.all()} if version is not None else {}
    errors = []
    out = []
    for code, entry in given.items():
        item = items.get(code)
        if item is None:
            errors.append(_("Item {code} is not on this checklist.").format(code=code))
            continue
        note = entry.get("note") or ""
        if not isinstance(note, str) or len(note) > TEXT_LIMIT:
            errors.append(_("Item {code}: the note must be text of at most {n} characters.").format(code=code, n=TEXT_LIMIT))
            continue
        try:
            value = _answer_value(item, entry.get("value"))
        except ValueError as exc:
            errors.append(_("Item {code}: {error}").format(code=code, error=exc))
            continue
        if value is None and not note.strip():
            continue
        out.append((item, value, note.strip()))
    if errors:
        raise ValidationError({"answers": errors})
    return sorted(out, key=lambda t: (t[0].position, t[0].pk))


def _clean_lessons(lessons) -> list[dict]:
    """Lesson rows; blank rows are dropped. A draft may hold unfinished rows (checked on submit)."""
    out, errors = [], []
    limits = {f.name: f.max_length for f in LessonObservation._meta.fields if f.name in LESSON_FIELDS and f.max_length}
    for number, row in enumerate(lessons or [], start=1):
        if not isinstance(row, dict):
            errors.append(_("Lesson {n}: not a lesson.").format(n=number))
            continue
        values = {}
        for name in LESSON_FIELDS:
            value = row.get(name) or ""
            if not isinstance(value, str):
                value = str(value)
            values[name] = value.strip()
        if not any(values.values()):
            continue
        for name, limit in limits.items():
            if len(values[name]) > limit:
                errors.append(_("Lesson {n}: {field} is longer than {limit} characters.").format(
                    n=number, field=LessonObservation._meta.get_field(name).verbose_name, limit=limit))
        if values["rating"] and values["rating"] not in LessonObservation.Rating.values:
            errors.append(_("Lesson {n}: choose a rating from the list.").format(n=number))
        out.append(values)
    if errors:
        raise ValidationError({"lessons": errors})
    return out


def _check_complete(visit: Visit) -> None:
    """What a record needs before it is filed: a method, the required items, complete lessons."""
    errors: dict[str, list[str]] = {}
    if not visit.methods:
        errors["methods"] = [_("Choose at least one method.")]
    if visit.checklist_id:
        answered = set(visit.response.answers.values_list("item_id", flat=True)) if visit.response_id else set()
        missing = [i.code for i in visit.checklist.items.filter(required=True).exclude(response_type=Item.ResponseType.SECTION)
                   if i.pk not in answered]
        if missing:
            errors["answers"] = [_("Answer the required items: {codes}.").format(codes=", ".join(missing))]
    lessons = []
    for number, lesson in enumerate(visit.lessons.order_by("pk"), start=1):
        if not (lesson.class_name and lesson.subject and lesson.teacher and lesson.rating):
            lessons.append(_("Lesson {n}: give the class, subject, teacher and rating.").format(n=number))
    if lessons:
        errors["lessons"] = lessons
    if errors:
        raise ValidationError(errors)


# ---- who, where --------------------------------------------------------------------------------


def _inspector_for(actor, school: School) -> Inspector:
    """The actor's own inspector record; for a zone leader without one, the school's listed inspector."""
    own = Inspector.objects.filter(user=actor).first()
    if own is not None and own.is_active:
        return own
    listing = Listing.objects.current().filter(school=school).select_related("inspector").first()
    if listing is None:
        raise ValidationError({"school": [_("No inspector is listed at this school.")]})
    return listing.inspector


def _own_draft(actor, visit: Visit) -> Visit:
    """Raises unless ``visit`` is ``actor``'s draft still in their change scope."""
    if visit.created_by_id != actor.pk:
        raise PermissionDenied
    if visit.status != Visit.Status.DRAFT:
        raise TransitionNotAllowed(_("The visit is submitted and can no longer be changed."))
    if not actor.has_perm("inspections.change_visit") or not Visit.objects.for_user(actor, "change").filter(pk=visit.pk).exists():
        raise PermissionDenied
    return visit


def _locked_visit(actor, visit_id: int) -> Visit:
    """A visit the actor can see, locked (``DoesNotExist`` → 404 when it is not)."""
    return (
        Visit.objects.for_user(actor, "view").filter(visit_visible_q(actor))
        .select_for_update(of=("self",)).get(pk=visit_id)
    )


# ---- writes --------------------------------------------------------------------------------------


@transaction.atomic
def visit_save_draft(*, actor, client_uuid, school_id: int, data: dict, answers=None, lessons=None,
                     checkin: dict | None = None, _retry: bool = True) -> tuple[Visit, bool]:
    """Creates or updates the draft visit ``client_uuid``; returns ``(visit, created)``.

    ``data`` holds any of ``VISIT_FIELDS`` (left-out fields keep their value on an update);
    ``answers`` is ``{item_code: {"value", "note"}}`` (or a list of ``{"item", "value", "note"}``)
    against the visit's checklist and replaces all answers; ``lessons`` is a list of dicts with
    ``LESSON_FIELDS`` and replaces all lessons. ``None`` keeps the answers or lessons as they are.
    ``checkin`` is ``{"latitude", "longitude", "accuracy_m", "taken_at", "reason"}`` (``None``: as it is).

    A ``client_uuid`` of another person's visit answers 404 (403 when that visit is visible to the
    actor); a submitted visit answers 409.
    """
    if not actor.has_perm("inspections.add_visit"):
        raise PermissionDenied
    try:
        client_uuid = uuid.UUID(str(client_uuid))
    except ValueError:
        raise ValidationError({"client_uuid": [_("Not a valid identifier.")]})
    visit = Visit.objects.select_for_update(of=("self",)).filter(client_uuid=client_uuid).first()
    if visit is not None and visit.created_by_id != actor.pk:
        if Visit.objects.for_user(actor, "view").filter(visit_visible_q(actor)).filter(pk=visit.pk).exists():
            raise PermissionDenied
        raise Visit.DoesNotExist
    if visit is not None:
        _own_draft(actor, visit)

    school = School.objects.for_user(actor, "view").select_related("region").get(pk=school_id)
    if school.pk not in visit_school_ids(user=actor):
        raise ValidationError({"school": [_("You can record visits only at the schools listed to you or in your zone.")]})
    creating = visit is None
    audited = (*VISIT_FIELDS, "school", "inspector", "checklist", *CHECKIN_FIELDS)
    before = {} if creating else snapshot(visit, fields=audited)
    current = {} if creating else {name: getattr(visit, name) for name in VISIT_FIELDS}
    if creating:
        current = {"kind": Visit.Kind.ROUTINE, "methods": [], "highlight_recommended": False}
    cleaned = _clean_data(data, current)

    school_changed = creating or visit.school_id != school.pk
    checklist = checklist_for_school(school=school) if school_changed else visit.checklist
    if school_changed and answers is None and not creating and visit.checklist_id != getattr(checklist, "pk", None):
        answers = {}  # the old checklist's answers do not fit the new school's
    clean_answers = _clean_answers(checklist, answers) if answers is not None else None
    clean_lessons = _clean_lessons(lessons) if lessons is not None else None
    clean_checkin = _clean_checkin(checkin) if checkin is not None else None

    if creating:
        visit = Visit(client_uuid=client_uuid, created_by=actor)
    visit.school = school
    visit.inspector = _inspector_for(actor, school) if school_changed else visit.inspector
    visit.checklist = checklist
    for name, value in cleaned.items():
        setattr(visit, name, value)
    _apply_checkin(visit, school, clean_checkin, school_changed)
    if creating:
        try:
            with transaction.atomic():
                visit.save()
        except IntegrityError:
            if not _retry:
                raise
            # the same draft arrived twice at once: the first insert won, this one updates it
            return visit_save_draft(actor=actor, client_uuid=client_uuid, school_id=school_id, data=data,
                                    answers=answers, lessons=lessons, checkin=checkin, _retry=False)
    else:
        visit.save(update_fields=[*VISIT_FIELDS, "school", "inspector", "checklist", *CHECKIN_FIELDS, "updated_at"])

    changes = diff(before, snapshot(visit, fields=audited))
    if clean_answers is not None and _replace_answers(actor, visit, checklist, clean_answers):
        changes["answers"] = [None, len(clean_answers)]
    if clean_lessons is not None and _replace_lessons(visit, clean_lessons):
        changes["lessons"] = [None, len(clean_lessons)]
    if creating or changes:
        record(actor=actor, action=f"inspections.visit.{'create' if creating else 'update'}", target=visit,
               changes=changes)
    return visit, creating


def _replace_answers(actor, visit: Visit, checklist, clean_answers) -> bool:
    """Stores the answers as the visit's response to ``checklist``; True when anything changed."""
    response = visit.response
    if response is not None and (checklist is None or response.version_id != checklist.pk):
        visit.response = None
        visit.save(update_fields=["response", "updated_at"])
        response.delete()
        response = None
    if checklist is None:
        return False
    if response is None:
        if not clean_answers:
            return False
        response = Response.objects.create(version=checklist, school=visit.school, region_path=visit.school.region.path,
                                           respondent=actor)
        visit.response = response
        visit.save(update_fields=["response", "updated_at"])
    old = {(a.item_id, repr(a.value), a.note) for a in response.answers.all()}
    new = {(item.pk, repr(value), note) for item, value, note in clean_answers}
    if old == new:
        return False
    response.answers.all().delete()
    Answer.objects.bulk_create([Answer(response=response, item=item, value=value, note=note)
                                for item, value, note in clean_answers])
    return True


def _replace_lessons(visit: Visit, clean_lessons: list[dict]) -> bool:
    old = [tuple(getattr(lesson, f) for f in LESSON_FIELDS) for lesson in visit.lessons.order_by("pk")]
    new = [tuple(row[f] for f in LESSON_FIELDS) for row in clean_lessons]
    if old == new:
        return False
    visit.lessons.all().delete()
    LessonObservation.objects.bulk_create([LessonObservation(visit=visit, **row) for row in clean_lessons])
    return True


@transaction.atomic
def visit_submit(*, actor, visit_id: int, reason: str = "") -> Visit:
    """Files the record (draft → submitted) and tells the school's liaison(s) and principal."""
    visit = _locked_visit(actor, visit_id)
    if visit.status == Visit.Status.DRAFT:
        if visit.created_by_id != actor.pk:
            raise PermissionDenied
        _check_complete(visit)
    with tallied(VisitMonth, visit):
        change = apply_transition(visit, "submit", actor=actor)
    now = timezone.now()
    visit.submitted_at = now
    visit.save(update_fields=["submitted_at", "updated_at"])
    if visit.response_id:
        Response.objects.filter(pk=visit.response_id).update(submitted_at=now)
    record(actor=actor, action="inspections.visit.submit", target=visit, changes=change, reason=reason)
    transaction.on_commit(partial(notify_visit_submitted, visit.pk))
    return visit


def notify_visit_submitted(visit_id: int) -> None:
    visit = Visit.objects.select_related("school", "inspector").get(pk=visit_id)
    notify(
        recipients=school_contacts(visit.school_id),
        title=_("Visit record: {school}, {date}").format(school=visit.school.name, date=visit.date.isoformat()),
        body=_("{inspector} recorded a visit on {date}. Feedback: {feedback}").format(
            inspector=visit.inspector.name, date=visit.date.isoformat(), feedback=visit.feedback or "—"),
        url=visit.get_absolute_url(),
    )


@transaction.atomic
def visit_attachment_add(*, actor, visit_id: int, uploaded_file) -> tuple[Attachment, bool]:
    """Adds a photo or file to the actor's draft; the same bytes twice return the first file."""
    visit = _own_draft(actor, _locked_visit(actor, visit_id))
    checked = validate_upload(uploaded_file)
    existing = visit.attachments.filter(sha256=checked.sha256, size=checked.size).first()
    if existing is not None:
        return existing, False
    attachment = attachment_store(actor=actor, school=visit.school_id, uploaded_file=uploaded_file, visit=visit)
    if attachment.is_image:
        visit_photo_stamp(attachment, actor=actor, visit=visit, uploaded_file=uploaded_file)
    return attachment, True


@transaction.atomic
def visit_attachment_remove(*, actor, visit_id: int, attachment_id: int) -> None:
    """Removes a file from the actor's draft; the stored bytes are deleted after commit."""
    visit = _own_draft(actor, _locked_visit(actor, visit_id))
    attachment = visit.attachments.get(pk=attachment_id)
    record(actor=actor, action="inspections.attachment.delete", target=attachment,
           changes={"file": [attachment.original_name, None], "sha256": [attachment.sha256, None]})
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(partial(storage.delete, name))


VISIT_TRANSITION_SERVICES = {"submit": visit_submit}
