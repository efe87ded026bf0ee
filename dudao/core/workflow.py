"""State machines as data: one helper applies a transition from a model's ``TRANSITIONS`` table.

``apply_transition`` is the only code in the project that assigns ``status`` (a convention test
enforces it). Services call it, then write the audit record with the change it returns.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


class TransitionNotAllowed(Exception):
    """The object is not in a state from which the transition may run (answers HTTP 409)."""


@dataclass(frozen=True)
class Transition:
    """One row of a transition table: allowed source states, target state, required permission."""

    sources: frozenset
    target: str
    permission: str

    def __init__(self, sources, target, permission):
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "permission", permission)


def available_transitions(obj, actor) -> list[str]:
    """Names of the transitions ``actor`` may apply to ``obj`` in its current state."""
    return [
        name
        for name, transition in type(obj).TRANSITIONS.items()
        if obj.status in transition.sources and actor.has_perm(transition.permission)
    ]


def apply_transition(obj, name: str, *, actor) -> dict:
    """Moves ``obj`` along transition ``name`` and returns ``{"status": [old, new]}`` for the audit.

    Raises ``TransitionNotAllowed`` when the current state is not a source (409), and
    ``PermissionDenied`` when the actor lacks the transition's permission or the row is outside
    their change scope (403): ``for_user(actor, "change", permission=<the transition's>)``, so the
    model's row rule for writes decides (a school answers its own notice, a city office changes
    none of its counties'). ``actor=None`` is the system (the public channel, scheduled jobs).
    """
    table = type(obj).TRANSITIONS
    if name not in table:
        raise TransitionNotAllowed(f"Unknown transition {name!r}")
    transition = table[name]
    old = obj.status
    if old not in transition.sources:
        raise TransitionNotAllowed(f"Cannot {name} from state {old!r}")
    if actor is not None:
        if not actor.has_perm(transition.permission):
            raise PermissionDenied
        writable = type(obj)._default_manager.for_user(actor, "change", permission=transition.permission)
        if not writable.filter(pk=obj.pk).exists():
            raise PermissionDenied
    obj.status = transition.target
    obj.save(update_fields=["status", *(["updated_at"] if hasattr(obj, "updated_at") else [])])
    return {"status": [old, transition.target]}
