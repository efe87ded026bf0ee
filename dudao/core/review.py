"""The office's review of a written piece: draft → submitted → returned (with what to change) or accepted.

Work plans (审核备案), excellent supervision cases and work reports share it: the author submits
their draft; the office above accepts it or returns it with a comment, and the author submits again.

* ``review_transitions`` makes the transition table (``TRANSITIONS``) of such a model, with its
  permissions as arguments; a model adds its own further steps (a case is then published).
* ``Review`` applies a step the same way for each: check the actor's right (403), the state
  (``apply_transition``: 409), stamp who and when, write one audit record, notify after commit.
  Core sits below the audit and the inbox, so each app hands in its ``record`` and ``notify``.
* ``required_comment``: a return says what should be changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.core.workflow import Transition, apply_transition, check_transition


def review_transitions(status, *, submit: str, review: str, accept: str = "accept", accepted=None) -> dict:
    """The table of the review: ``submit`` from draft or returned (permission ``submit``), ``return``
    and ``accept`` (named ``accept``, reaching ``accepted``: a plan is "approved") from submitted,
    both with permission ``review``. ``status`` is the model's ``Status`` choices."""
    accepted = status.ACCEPTED if accepted is None else accepted
    return {
        "submit": Transition({status.DRAFT, status.RETURNED}, status.SUBMITTED, submit),
        "return": Transition({status.SUBMITTED}, status.RETURNED, review),
        accept: Transition({status.SUBMITTED}, accepted, review),
    }


def required_comment(comment, *, field: str = "reason", listed: bool = True) -> str:
    """The stripped comment of a return; without one, ``ValidationError`` on ``field`` (400)."""
    comment = (comment or "").strip()
    if not comment:
        message = _("Say what should be changed.")
        raise ValidationError({field: [message] if listed else message})
    return comment


def _may(obj, name: str, actor, allowed: bool) -> None:
    """The transition's guard first (409 for the state, 403 for the permission or the change
    scope), then the model's own rule of who reviews (403)."""
    check_transition(obj, name, actor=actor)
    if not allowed:
        raise PermissionDenied


def _save(obj, fields) -> None:
    obj.save(update_fields=[*dict.fromkeys(fields), *(["updated_at"] if hasattr(obj, "updated_at") else [])])


@dataclass(frozen=True)
class Review:
    """The review steps of one model, audited under ``<action>.<step>`` (``plans.workplan.submit``)."""

    action: str
    record: Callable  # dudao.audit.services.record
    notify: Callable  # dudao.notifications.services.notify

    def submit(self, obj, *, actor, reason: str = "", allowed: bool = True, attach: Callable | None = None):
        """Submits ``obj`` (stamped ``submitted_at``). ``attach(obj)`` runs after the state changed:
        it sets the further fields the submission files and returns their audit changes (keys that
        are not fields, such as ``late``, are only audited)."""
        _may(obj, "submit", actor, allowed)
        change = apply_transition(obj, "submit", actor=actor)
        obj.submitted_at = timezone.now()
        extra = attach(obj) if attach else {}
        names = {f.name for f in obj._meta.concrete_fields}
        _save(obj, ["submitted_at", *(k for k in extra if k in names)])
        self.record(actor=actor, action=f"{self.action}.submit", target=obj, changes={**change, **extra},
                    reason=reason)
        return obj

    def step(self, obj, name: str, *, actor, comment: str = "", allowed: bool = True, keep_comment: bool = True,
             values: dict | None = None):
        """Returns, accepts (or a further step of the office) ``obj``: stamped ``reviewed_by`` and
        ``reviewed_at``, the comment kept as ``review_comment`` (with ``keep_comment=False`` only
        when there is one, or on a return); ``values`` are further fields the step sets."""
        _may(obj, name, actor, allowed)
        change = apply_transition(obj, name, actor=actor)
        obj.reviewed_by, obj.reviewed_at = actor, timezone.now()
        fields = ["reviewed_by", "reviewed_at"]
        if keep_comment or comment or name == "return":
            change["review_comment"] = [obj.review_comment, comment]
            obj.review_comment = comment
            fields.append("review_comment")
        for field, value in (values or {}).items():
            setattr(obj, field, value)
            fields.append(field)
        _save(obj, fields)
        self.record(actor=actor, action=f"{self.action}.{name}", target=obj, changes=change, reason=comment)
        return obj

    def tell(self, recipients, title: str, body: str = "", url: str = "", *, actor=None) -> None:
        """Notifies the active ``recipients`` but the actor once the transaction commits."""
        people = [p for p in recipients if p is not None and p.is_active and (actor is None or p.pk != actor.pk)]
        if people:
            transaction.on_commit(partial(self.notify, recipients=people, title=title, body=body, url=url))
