"""Writes of the public channel: registering what the public sends, the handling workflow, the
sender's rating, turning a complaint into a finding and a rectification notice, the office's time
limit, and what the office publishes on the schools' public pages.

Workflow (``Complaint.TRANSITIONS``): registered → verifying (with the school) → handling →
answered → closed; *handle* may skip verifying (a question needs none). The sender rates the
answer with the tracking code: satisfied or basically satisfied closes it; dissatisfied reopens
it once when the office's policy says so, else closes it. An answer left unrated closes after the
office's days (``complaints_close_unrated``, the ``close_answered_complaints`` command). Overdue is
derived (``due_on`` passed in an open state).

Only the handling inspector and the owning office's staff act on a complaint (403 otherwise); a
complaint about the listed inspector has no handler until the office assigns someone else, and
never reaches that inspector (``Complaint.objects``). Every change is audited with the sender's
name and phone masked; notifications leave after commit and carry no personal data.
"""

import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.recipients import office_people
from dudao.audit.services import record
from dudao.complaints.masking import identity_visible, mask_name, mask_phone, owning_office_ids
from dudao.complaints.models import Complaint, ComplaintPhoto, ComplaintPolicy, Publication
from dudao.core.files import store_file, validate_upload
from dudao.core.workflow import TransitionNotAllowed, apply_transition, check_transition
from dudao.documents.models import Document
from dudao.inspections.models import Rectification, Severity
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import rectification_issue
from dudao.inspectors.models import Inspector, Listing
from dudao.notifications.models import Kind as MessageKind
from dudao.notifications.services import notify
from dudao.organizations.models import Office, School
from dudao.organizations.selectors import office_of_school

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or copied by hand
CODE_LENGTH = 12  # 31^12 ≈ 2^59, and the follow-up page is rate-limited
MAX_PHOTOS = 3
MAX_TEXT = 2000
MAX_REOPENS = 1


# ---- tracking codes -----------------------------------------------------------------------------

def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str | None:
    """The code as stored, or None for anything that cannot be a code (same answer either way)."""
    code = "".join(ch for ch in (raw or "").upper() if ch not in " -\t")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def code_hash(code: str) -> str:
    return hashlib.sha256(f"dudao.complaint:{code}".encode()).hexdigest()


def display_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# ---- checks -----------------------------------------------------------------------------------

def photos_check(files) -> list:
    """Each photo: what a ``ComplaintPhoto`` takes (a JPEG, PNG or WebP by its content, decoding with
    Pillow, at most ``DUDAO_COMPLAINT_PHOTO_MAX_BYTES``). Returns the checked facts; raises
    ``ValidationError({"photos": [...]})``."""
    files = [f for f in files or () if f]
    if len(files) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Send at most {count} photos.").format(count=MAX_PHOTOS)]})
    checked = []
    for uploaded in files:
        try:
            checked.append((uploaded, validate_upload(uploaded, ComplaintPhoto)))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.message_dict.get("file", exc.messages)})
    return checked


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if phone and (not all(ch.isdigit() or ch in "+- " for ch in phone)
                  or not 7 <= sum(ch.isdigit() for ch in phone) <= 15):
        raise ValidationError({"phone": [_("Enter a phone number of 7 to 15 digits, or leave it empty.")]})
    return phone


def policy_for(office) -> ComplaintPolicy:
    policy = ComplaintPolicy.objects.filter(office=office).first() or ComplaintPolicy(office=office)
    policy.office = office  # its working-day calendar is read from the office's region
    return policy


# ---- who is told --------------------------------------------------------------------------------

def _handler_users(complaint_id: int) -> list:
    complaint = Complaint.objects.select_related("handler__user").get(pk=complaint_id)
    user = complaint.handler.user if complaint.handler_id else None
    return [user] if user is not None and user.is_active else []


def _notify_later(recipients_fn, title: str, body: str, url: str, kind: str = MessageKind.OTHER) -> None:
    transaction.on_commit(lambda: notify(recipients=recipients_fn(), title=title, body=body, url=url, kind=kind))


def _to_handler_and_office(complaint: Complaint, title: str) -> None:
    pk, office_id = complaint.pk, complaint.office_id
    _notify_later(lambda: _handler_users(pk) + office_people(office_id), title,
                  _("{kind} about {school}, answer due {date}.").format(
                      kind=complaint.get_kind_display(), school=complaint.school.name, date=complaint.due_on),
                  complaint.get_absolute_url())


# ---- registering --------------------------------------------------------------------------------

@transaction.atomic
def complaint_register(*, school_id: int, kind: str, text: str, name: str = "", phone: str = "",
                       concerns_inspector: bool = False, photos=()) -> tuple[Complaint, str]:
    """Registers what a member of the public sent about a school (no account). Returns the
    complaint and its tracking code, which is shown once and stored only as a hash."""
    school = School.objects.select_related("region").get(pk=school_id, is_active=True)
    if kind not in Complaint.Kind.values:
        raise ValidationError({"kind": [_("Choose what you are writing.")]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write what happened or what you suggest.")]})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": [_("Write at most {count} characters.").format(count=MAX_TEXT)]})
    name = (name or "").strip()[:40]
    phone = _clean_phone(phone)
    checked = photos_check(photos)
    office = office_of_school(school)
    if office is None:
        raise ValidationError(_("This school has no supervision office to receive it."))
    listing = Listing.objects.current().filter(school=school).select_related("inspector").first()
    inspector = listing.inspector if listing else None
    code = new_code()
    complaint = Complaint.objects.create(
        office=office, school=school, kind=kind, text=text, name=name, phone=phone,
        concerns_inspector=bool(concerns_inspector and inspector), inspector=inspector,
        handler=None if concerns_inspector else inspector, code_hash=code_hash(code),
        due_on=policy_for(office).due_on(timezone.localdate()),
    )
    for uploaded, facts in checked:
        store_file(ComplaintPhoto, uploaded, user=None, checked=facts, complaint=complaint)
    record(actor=None, action="complaints.complaint.register", target=complaint, changes={
        "status": [None, complaint.status], "kind": [None, kind], "school": [None, school.pk],
        "name": [None, mask_name(name)], "phone": [None, mask_phone(phone)],
        "concerns_inspector": [None, complaint.concerns_inspector], "handler": [None, complaint.handler_id],
        "photos": [None, len(checked)], "due_on": [None, complaint.due_on],
    })
    _to_handler_and_office(complaint, _("New {kind} from the public page").format(kind=complaint.get_kind_display()))
    return complaint, code


# ---- the workflow -------------------------------------------------------------------------------

def _locked(actor, complaint_id: int) -> Complaint:
    return (Complaint.objects.for_user(actor).select_for_update(no_key=True, of=("self",))
            .select_related("school__region", "handler").get(pk=complaint_id))


def may_act(actor, complaint: Complaint) -> bool:
    """The handling inspector, or the owning office's administrators and staff."""
    return identity_visible(actor, complaint)


def complaint_transition_check(*, actor, complaint: Complaint, name: str, **data) -> None:
    """Raises what the transition would (``check_transition``): 409 wrong state, 403 not allowed
    (permission, or not the handling inspector nor the owning office), and with ``data`` 400 for a
    required input left blank."""
    try:
        transition = check_transition(complaint, name, actor=actor)
    except TransitionNotAllowed:
        raise TransitionNotAllowed(_("A complaint in the state “{state}” cannot do this.").format(
            state=complaint.get_status_display())) from None
    office_only = transition.permission == "complaints.close_complaint"
    if not (complaint.office_id in owning_office_ids(actor) if office_only else may_act(actor, complaint)):
        raise PermissionDenied
    if data and (missing := transition.missing(data)):
        raise ValidationError(missing)


def _move(actor, complaint_id: int, name: str, *, reason: str = "", **fields) -> Complaint:
    complaint = _locked(actor, complaint_id)
    complaint_transition_check(actor=actor, complaint=complaint, name=name)
    change = apply_transition(complaint, name, actor=actor)
    changed = {}
    for field, value in fields.items():
        changed[field] = [getattr(complaint, field), value]
        setattr(complaint, field, value)
    if fields:
        complaint.save(update_fields=[*fields, "updated_at"])
    audit_changes = {**change, **{k: [v[0].pk if hasattr(v[0], "pk") else v[0], v[1]] for k, v in changed.items()
                                  if k not in {"answered_by"}}}
    record(actor=actor, action=f"complaints.complaint.{name}", target=complaint, changes=audit_changes,
           reason=reason)
    return complaint


@transaction.atomic
def complaint_verify(*, actor, complaint_id: int, note: str = "", reason: str = "") -> Complaint:
    """Starts verifying the facts with the school (核实); an optional note of what was checked."""
    fields = {"verification": note.strip()} if note and note.strip() else {}
    return _move(actor, complaint_id, "verify", reason=reason, **fields)


@transaction.atomic
def complaint_handle(*, actor, complaint_id: int, note: str = "", reason: str = "") -> Complaint:
    """The facts are known (or need no check): the complaint is being handled."""
    complaint = _locked(actor, complaint_id)
    fields = {}
    if note and note.strip():
        fields["verification"] = (complaint.verification + "\n" + note.strip()).strip()
    return _move(actor, complaint_id, "handle", reason=reason, **fields)


@transaction.atomic
def complaint_answer(*, actor, complaint_id: int, answer: str, reason: str = "") -> Complaint:
    """Answers the sender (shown on the follow-up page); the sender may rate it."""
    answer = (answer or "").strip()
    complaint = _locked(actor, complaint_id)
    complaint_transition_check(actor=actor, complaint=complaint, name="answer", answer=answer)
    return _move(actor, complaint_id, "answer", reason=reason, answer=answer, answered_at=timezone.now(),
                 answered_by=actor, rating="", rating_comment="", rated_at=None)


@transaction.atomic
def complaint_close(*, actor, complaint_id: int, reason: str = "") -> Complaint:
    """The office closes an answered complaint (办结)."""
    return _move(actor, complaint_id, "close", reason=reason, closed_at=timezone.now())


@transaction.atomic
def complaint_reopen(*, actor, complaint_id: int, reason: str = "") -> Complaint:
    """The office sends an answered or closed complaint back to handling, with a new due date."""
    complaint = _locked(actor, complaint_id)
    complaint_transition_check(actor=actor, complaint=complaint, name="reopen", reason=reason)
    return _move(actor, complaint_id, "reopen", reason=reason, closed_at=None,
                 reopen_count=complaint.reopen_count + 1,
                 due_on=policy_for(complaint.office).due_on(timezone.localdate()))


COMPLAINT_TRANSITION_SERVICES = {
    "verify": complaint_verify, "handle": complaint_handle, "answer": complaint_answer,
    "close": complaint_close, "reopen": complaint_reopen,
}


@transaction.atomic
def complaint_assign(*, actor, complaint_id: int, inspector_id: int | None, reason: str = "") -> Complaint:
    """The office names the handling inspector (an inspector of its own; never the one the
    complaint is about)."""
    complaint = _locked(actor, complaint_id)
    if not actor.has_perm("complaints.close_complaint") or complaint.office_id not in owning_office_ids(actor):
        raise PermissionDenied
    if complaint.status == Complaint.Status.CLOSED:
        raise TransitionNotAllowed(_("A closed complaint cannot be assigned."))
    inspector = None
    if inspector_id:
        inspector = Inspector.objects.for_user(actor).filter(office_id=complaint.office_id).get(pk=inspector_id)
        if complaint.concerns_inspector and inspector.pk == complaint.inspector_id:
            raise ValidationError({"inspector": [_("The complaint is about this inspector.")]})
    old = complaint.handler_id
    complaint.handler = inspector
    complaint.save(update_fields=["handler", "updated_at"])
    record(actor=actor, action="complaints.complaint.assign", target=complaint,
           changes={"handler": [old, inspector.pk if inspector else None]}, reason=reason)
    if inspector is not None and inspector.user_id:
        user_id = inspector.user_id
        _notify_later(lambda: list(get_user_model().objects.filter(pk=user_id, is_active=True)),
                      _("A complaint was assigned to you"), str(complaint), complaint.get_absolute_url(),
                      MessageKind.COMPLAINT_ASSIGNED)
    return complaint


# ---- the sender's side --------------------------------------------------------------------------

def complaint_by_code(raw: str) -> Complaint | None:
    code = normalise_code(raw)
    if code is None:
        return None
    return Complaint.objects.select_related("school", "office").filter(code_hash=code_hash(code)).first()  # scope: code


@transaction.atomic
def complaint_rate(*, code: str, rating: str, comment: str = "") -> Complaint:
    """The sender rates the answer: satisfied or basically satisfied closes the complaint;
    dissatisfied reopens it (once) when the office allows, else closes it."""
    complaint = complaint_by_code(code)
    if complaint is None:
        raise Complaint.DoesNotExist
    complaint = Complaint.objects.select_for_update(no_key=True, of=("self",)).select_related(  # scope: code
        "school__region", "office").get(pk=complaint.pk)
    if complaint.status != Complaint.Status.ANSWERED:
        raise TransitionNotAllowed(_("Only an answer can be rated."))
    if rating not in Complaint.Rating.values:
        raise ValidationError({"rating": [_("Choose how satisfied you are.")]})
    comment = (comment or "").strip()[:1000]
    now = timezone.now()
    complaint.rating, complaint.rating_comment, complaint.rated_at = rating, comment, now
    complaint.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    record(actor=None, action="complaints.complaint.rate", target=complaint,
           changes={"rating": [None, rating]}, reason=comment)
    policy = policy_for(complaint.office)
    if (rating == Complaint.Rating.DISSATISFIED and policy.reopen_on_dissatisfaction
            and complaint.reopen_count < MAX_REOPENS):
        change = apply_transition(complaint, "reopen", actor=None)
        complaint.reopen_count += 1
        complaint.closed_at = None
        complaint.due_on = policy.due_on(timezone.localdate())
        complaint.save(update_fields=["reopen_count", "closed_at", "due_on", "updated_at"])
        record(actor=None, action="complaints.complaint.reopen", target=complaint,
               changes={**change, "due_on": [None, complaint.due_on]}, reason=_("The sender is dissatisfied."))
        _to_handler_and_office(complaint, _("The sender is dissatisfied with the answer: {complaint}").format(
            complaint=complaint))
    else:
        change = apply_transition(complaint, "close", actor=None)
        complaint.closed_at = now
        complaint.save(update_fields=["closed_at", "updated_at"])
        record(actor=None, action="complaints.complaint.close", target=complaint, changes=change,
               reason=_("Rated by the sender."))
    return complaint


@transaction.atomic
def complaints_close_unrated(*, on: datetime.date | None = None) -> list[Complaint]:
    """Closes answers left unrated for the office's ``close_after_days``."""
    today = on or timezone.localdate()
    closed = []
    answered = Complaint.objects.filter(status=Complaint.Status.ANSWERED, answered_at__isnull=False).select_related(
        "school__region", "office")
    policies = {p.office_id: p for p in ComplaintPolicy.objects.all()}
    for complaint in answered.select_for_update(no_key=True, of=("self",)):
        days = (policies.get(complaint.office_id) or ComplaintPolicy()).close_after_days
        if timezone.localdate(complaint.answered_at) + datetime.timedelta(days=days) > today:
            continue
        change = apply_transition(complaint, "close", actor=None)
        complaint.closed_at = timezone.now()
        complaint.save(update_fields=["closed_at", "updated_at"])
        record(actor=None, action="complaints.complaint.close", target=complaint, changes=change,
               reason=_("Not rated within {days} days.").format(days=days))
        closed.append(complaint)
    return closed


# ---- from a complaint to a finding and a notice -------------------------------------------------

@transaction.atomic
def complaint_finding_record(*, actor, complaint_id: int, description: str, severity: str = Severity.GENERAL,
                             item_id: int | None = None, item_code: str = "") -> Complaint:
    """Records what the complaint revealed as a finding at its school (the inspector's own
    ``finding_record``: their scope and permission apply), under ``item_id``, an item of a
    published checklist, and links it to the complaint."""
    complaint = _locked(actor, complaint_id)
    if not may_act(actor, complaint):
        raise PermissionDenied
    if complaint.status not in (Complaint.Status.VERIFYING, Complaint.Status.HANDLING):
        raise TransitionNotAllowed(_("Record a finding while the complaint is verified or handled."))
    if complaint.finding_id:
        raise TransitionNotAllowed(_("This complaint already has a finding."))
    finding = finding_record(actor=actor, school_id=complaint.school_id, description=description,
                             severity=severity, item_id=item_id, item_code=item_code)
    complaint.finding = finding
    complaint.save(update_fields=["finding", "updated_at"])
    record(actor=actor, action="complaints.complaint.finding", target=complaint, changes={"finding": [None, finding.pk]})
    return complaint


@transaction.atomic
def complaint_rectification_issue(*, actor, complaint_id: int, requirements: str,
                                  deadline: datetime.date | None = None) -> Complaint:
    """Issues a rectification notice on the complaint's finding (``rectification_issue``)."""
    complaint = _locked(actor, complaint_id)
    if not may_act(actor, complaint):
        raise PermissionDenied
    if not complaint.finding_id:
        raise TransitionNotAllowed(_("Record a finding first."))
    if complaint.rectification_id:
        raise TransitionNotAllowed(_("This complaint already has a rectification notice."))
    notice = rectification_issue(actor=actor, finding_id=complaint.finding_id, requirements=requirements,
                                 deadline=deadline)
    complaint.rectification = notice
    complaint.save(update_fields=["rectification", "updated_at"])
    record(actor=actor, action="complaints.complaint.rectification", target=complaint,
           changes={"rectification": [None, notice.pk]})
    return complaint


# ---- the office's settings and publications -----------------------------------------------------

@transaction.atomic
def complaint_policy_set(*, actor, office_id: int, answer_days: int, working_days: bool = True,
                         close_after_days: int = 10, reopen_on_dissatisfaction: bool = True) -> ComplaintPolicy:
    office = Office.objects.for_user(actor, "change").get(pk=office_id)
    if not actor.has_perm("complaints.change_complaintpolicy"):
        raise PermissionDenied
    if not 1 <= int(answer_days) <= 90:
        raise ValidationError({"answer_days": [_("Between 1 and 90 days.")]})
    if not 1 <= int(close_after_days) <= 90:
        raise ValidationError({"close_after_days": [_("Between 1 and 90 days.")]})
    policy = ComplaintPolicy.objects.filter(office=office).first()
    old = {f: getattr(policy, f) for f in ("answer_days", "working_days", "close_after_days",
                                           "reopen_on_dissatisfaction")} if policy else {}
    policy = policy or ComplaintPolicy(office=office)
    new = {"answer_days": int(answer_days), "working_days": bool(working_days),
           "close_after_days": int(close_after_days), "reopen_on_dissatisfaction": bool(reopen_on_dissatisfaction)}
    for field, value in new.items():
        setattr(policy, field, value)
    policy.save()
    record(actor=actor, action="complaints.policy.set", target=policy,
           changes={f: [old.get(f), v] for f, v in new.items() if old.get(f) != v})
    return policy


PUBLISHABLE_KINDS = ("visit_report", "bulletin")  # documents about one school the public may read


@transaction.atomic
def publication_publish(*, actor, document_id: int | None = None, rectification_id: int | None = None,
                        summary: str = "", title: str = "") -> Publication:
    """Shows a filed report (a document about one school) or a rectification notice's status and
    deadline on the school's public page. The summary must hold no personal data."""
    if not actor.has_perm("complaints.add_publication"):
        raise PermissionDenied
    if bool(document_id) == bool(rectification_id):
        raise ValidationError(_("Publish either a report or a rectification notice."))
    if document_id:
        document = Document.objects.for_user(actor).select_related("school__region").get(pk=document_id)
        if document.school_id is None or document.kind not in PUBLISHABLE_KINDS:
            raise ValidationError({"document": [_("Only a visit report or a bulletin about one school can be published on its page.")]})
        school, kind, subject = document.school, Publication.Kind.DOCUMENT, {"document": document}
        title = title or document.title
    else:
        notice = Rectification.objects.for_user(actor).select_related("school__region").get(pk=rectification_id)
        school, kind, subject = notice.school, Publication.Kind.RECTIFICATION, {"rectification": notice}
        title = title or _("Rectification notice {number}").format(number=notice)
    office = office_of_school(school)
    if office is None or office.pk not in owning_office_ids(actor):
        raise PermissionDenied
    if Publication.objects.filter(withdrawn_at__isnull=True, **subject).exists():
        raise TransitionNotAllowed(_("This is already published."))
    publication = Publication.objects.create(office=office, school=school, kind=kind, title=title[:200],
                                             summary=(summary or "").strip(), published_by=actor, **subject)
    record(actor=actor, action="complaints.publication.publish", target=publication,
           changes={"kind": [None, kind], "title": [None, publication.title]})
    return publication


@transaction.atomic
def publication_withdraw(*, actor, publication_id: int, reason: str = "") -> Publication:
    publication = Publication.objects.for_user(actor).select_related("school__region").get(pk=publication_id)
    if not actor.has_perm("complaints.change_publication") or publication.office_id not in owning_office_ids(actor):
        raise PermissionDenied
    if publication.withdrawn_at is not None:
        raise TransitionNotAllowed(_("This was withdrawn already."))
    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["withdrawn_at", "updated_at"])
    record(actor=actor, action="complaints.publication.withdraw", target=publication,
           changes={"withdrawn_at": [None, publication.withdrawn_at]}, reason=reason)
    return publication


__all__ = [
    "COMPLAINT_TRANSITION_SERVICES", "complaint_answer", "complaint_assign", "complaint_by_code",
    "complaint_close", "complaint_finding_record", "complaint_handle", "complaint_policy_set", "complaint_rate",
    "complaint_rectification_issue", "complaint_register", "complaint_reopen", "complaint_transition_check",
    "complaint_verify", "complaints_close_unrated", "display_code", "normalise_code", "photos_check",
    "publication_publish", "publication_withdraw",
]
