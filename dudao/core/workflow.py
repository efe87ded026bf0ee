"""State machines as data: one helper applies a transition from a model's ``TRANSITIONS`` table.

A ``Transition`` carries its whole guard: on what state (``sources``), who may (``permission``,
and the row in their change scope), and with what input (``requires``). ``check_transition`` asks
the guard without changing anything (pages and services ask it before they read a form or do
work); ``apply_transition`` asks it, then moves the row. ``apply_transition`` is the only code in
the project that assigns ``status`` (a convention test enforces it). Services call it, then write
the audit record with the change it returns.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy


class TransitionNotAllowed(Exception):
    """The object is not in a state from which the transition may run (answers HTTP 409)."""


REQUIRED = gettext_lazy("This field is required.")


@dataclass(frozen=True)
class Transition:
    """One row of a transition table: allowed source states, target state, required permission and
    required input: ``requires`` names the inputs that may not be blank, as a tuple
    (``("reason",)``) or as a mapping to the message that asks for each (``{"reason": _("Say why.")}``).
    """

    sources: frozenset
    target: str
    permission: str
    requires: tuple = ()

    def __init__(self, sources, target, permission, requires=()):
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "permission", permission)
        messages = requires if isinstance(requires, dict) else dict.fromkeys(requires, REQUIRED)
        object.__setattr__(self, "requires", tuple(messages.items()))

    def missing(self, data: dict) -> dict:
        """``{input: [message]}`` for each required input that ``data`` leaves out or blank."""
        return {field: [message] for field, message in self.requires if not str(data.get(field) or "").strip()}


def available_transitions(obj, actor) -> list[str]:
    """Names of the transitions ``actor`` may apply to ``obj`` in its current state."""
    return [
        name
        for name, transition in type(obj).TRANSITIONS.items()
        if obj.status in transition.sources and actor.has_perm(transition.permission)
    ]


def check_transition(obj, name: str, *, actor, **data) -> "Transition":
    """Raises what ``apply_transition`` would, and changes nothing; returns the transition.

    ``TransitionNotAllowed`` when ``name`` is unknown or the current state is not a source (409);
    ``PermissionDenied`` when the actor lacks the transition's permission or the row is outside
    their change scope (403): ``for_user(actor, "change", permission=<the transition's>)``, so the
    model's row rule for writes decides (a school answers its own notice, a city office changes
    none of its counties'). ``actor=None`` is the system (the public channel, scheduled jobs).
    With input (``reason=...``), ``ValidationError`` naming each input the transition ``requires``
    that is missing or blank; called without input, it answers only who and when (a page asks
    before it reads the form).
    """
    table = type(obj).TRANSITIONS
    if name not in table:
        raise TransitionNotAllowed(f"Unknown transition {name!r}")
    transition = table[name]
    if obj.status not in transition.sources:
        raise TransitionNotAllowed(f"Cannot {name} from state {obj.status!r}")
    if actor is not None:
        if not actor.has_perm(transition.permission):
            raise PermissionDenied
        writable = type(obj)._default_manager.for_user(actor, "change", permission=transition.permission)
        if not writable.filter(pk=obj.pk).exists():
            raise PermissionDenied
    if data and (missing := transition.missing(data)):
        raise ValidationError(missing)
    return transition


def apply_transition(obj, name: str, *, actor, **data) -> dict:
    """Moves ``obj`` along transition ``name`` and returns ``{"status": [old, new]}`` for the audit.

    Raises first what ``check_transition`` raises (409 wrong state, 403 not allowed, 400 required
    input missing when ``data`` is given).
    """
    transition = check_transition(obj, name, actor=actor, **data)
    old = obj.status
    obj.status = transition.target
    obj.save(update_fields=["status", *(["updated_at"] if hasattr(obj, "updated_at") else [])])
    return {"status": [old, transition.target]}
