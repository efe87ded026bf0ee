"""The named rules a model declares its scope with, as data: ``scope_rules = (rules.office(...), ...)``.

Each rule says which rows it reaches and for which actions; ``dudao.accounts.scope.Scope``
implements every kind once. Read ``rules.office("school__region__path")`` as "the rows whose
school lies in the user's offices' subtree".
"""

from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Rule:
    """One named way a user reaches a model's rows, declared by the model as data in
    ``scope_rules``; ``dudao.accounts.scope.Scope`` implements each kind once.

    ``lookup`` leads from the row to what the rule compares (a region path, a school id, a user);
    ``when`` narrows the rows it reaches; ``on`` names the actions it serves (all by default);
    ``subquery`` keeps a lookup across a to-many relation from repeating rows; ``permission`` is a
    capability the user must hold besides the action's; ``target`` names the model of ``through``."""

    kind: str
    lookup: str
    when: Q | None = None
    on: frozenset[str] | None = None
    subquery: bool = False
    permission: str | None = None
    target: str = ""


VIEW = frozenset({"view"})
WRITE = frozenset({"add", "change", "delete"})
EXCEPT_DELETE = frozenset({"view", "add", "change"})


def office(lookup: str, **kw) -> Rule:
    """Rows in the subtree of the user's offices; a write only those their own office owns, not an
    office's below it (a city office watches its counties' rows and changes none)."""
    return Rule("office", lookup, **kw)


def office_tree(lookup: str, **kw) -> Rule:
    """Rows in the subtree of the user's offices, for every action (the office above keeps them too)."""
    return Rule("office_tree", lookup, **kw)


def schools(lookup: str, **kw) -> Rule:
    """Rows of the schools the user reaches: listed (挂牌) to them, in their zone, or their own school."""
    return Rule("schools", lookup, **kw)


def zones(lookup: str, **kw) -> Rule:
    """Rows of the zones the user leads."""
    return Rule("zones", lookup, **kw)


def departments(lookup: str, **kw) -> Rule:
    """Rows of the responsible units other than schools (教育局股室, 乡镇教育办) whose contact the user is."""
    return Rule("departments", lookup, **kw)


def reference(lookup: str, **kw) -> Rule:
    """Read-only rows of the region of the office a school-bound user belongs to."""
    return Rule("reference", lookup, on=VIEW, **kw)


def own(lookup: str, **kw) -> Rule:
    """Rows whose ``lookup`` is the user (an author, a recipient, a handler)."""
    return Rule("own", lookup, **kw)


def never_own(lookup: str, **kw) -> Rule:
    """Removes the rows whose ``lookup`` is the user, whatever else reaches them (a complaint about oneself)."""
    return Rule("never_own", lookup, **kw)


def ancestors(lookup: str, **kw) -> Rule:
    """Rows of the offices above the user's offices (shared for reading), for viewing."""
    return Rule("ancestors", lookup, on=VIEW, **kw)


def shipped(lookup: str, **kw) -> Rule:
    """Rows of no office (shipped with Dudao), for viewing."""
    return Rule("shipped", lookup, on=VIEW, **kw)


def through(lookup: str, target: str, **kw) -> Rule:
    """Rows whose ``lookup`` is a ``target`` row the user reaches (viewing to view, changing to write)."""
    return Rule("through", lookup, target=target, **kw)
