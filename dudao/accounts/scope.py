"""The one place that turns a user's roles into the rows they may reach.

* system administrator: everything;
* office administrator and staff: the office's region subtree (a city office sees its
  counties; a county office never its neighbour); they *change* only the rows their own office
  owns, not those of an office below it (a city office watches its counties' rows);
* zone leader: the schools of their zone, now;
* inspector: the schools listed to them (挂牌), now;
* school liaison and principal: their school;
* unit liaison (承办单位联络人): their responsible unit that is not a school (a bureau department, a
  township education office), and what is given to it.

School-bound users also see the reference rows (regions, offices, zones, inspectors) of their
office's region, read-only. Higher apps' rows are reached through string relations
(``apps.get_model``) so that this layer imports nothing above it.
"""

from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import timezone

from dudao.accounts.roles import Role
from dudao.core import rules
from dudao.core.rules import Rule
from dudao.core.scope import ancestor_paths, paths_q

OFFICE_ROLES = {Role.OFFICE_ADMIN, Role.OFFICE_STAFF}
NOTHING = Q(pk__in=[])
# models with few rows in any scope (a province: about a hundred offices, a few thousand inspectors)
FEW_PER_SCOPE = {"organizations.office", "inspectors.inspector", "organizations.zone", "accounts.user"}
SCHOOL_ROLES = {Role.ZONE_LEADER, Role.INSPECTOR, Role.SCHOOL_LIAISON, Role.PRINCIPAL}


@dataclass(frozen=True)
class Scope:
    unrestricted: bool = False
    roles: frozenset = frozenset()
    office_paths: tuple[str, ...] = ()
    school_ids: frozenset[int] = frozenset()
    reference_paths: tuple[str, ...] = ()
    office_ids: frozenset[int] = frozenset()
    zone_ids: frozenset[int] = field(default_factory=frozenset)
    own_office_paths: frozenset[str] = frozenset()
    department_ids: frozenset[int] = frozenset()

    def q(self, model, action: str = "view", user=None) -> Q:
        """A filter over ``model`` for ``action`` by ``user``: the union of what the model's
        ``scope_rules`` reach (by default ``default_rules``), less what a ``never_own`` rule removes;
        matches nothing when the scope is empty."""
        q, never = NOTHING, NOTHING
        parts = []
        for rule in getattr(model, "scope_rules", None) or default_rules(model):
            if rule.on is not None and action not in rule.on:
                continue
            if rule.permission and not (user is not None and user.has_perm(rule.permission)):
                continue
            parts.append((rule, self.rule_q(rule, action, user, model if stands_alone(rule) else None)))
        if sum(rule.kind != "never_own" and part != NOTHING for rule, part in parts) > 1:
            parts = [(rule, part if part == NOTHING else
                      self.rule_q(rule, action, user, model if stands_alone(rule) else None, ored=True))
                     for rule, part in parts]
        for rule, part in parts:
            if rule.when is not None:
                part &= rule.when
            if rule.subquery:
                part = Q(pk__in=model._base_manager.filter(part).values("pk"))
            if rule.kind == "never_own":
                never |= part
            else:
                q |= part
        return q & ~never

    def rule_q(self, rule: Rule, action: str, user, model=None, *, ored: bool = False) -> Q:
        """The rows one rule reaches, before its ``when``: each kind implemented here, once. ``ored``:
        other rules are ORed with it (``own_column`` then asks in the form that keeps them on indexes)."""
        lookup = rule.lookup
        match rule.kind:
            case "office":
                return own_column(model, lookup, lambda rest: self.office_q(rest, action), array=ored)
            case "office_tree":
                return own_column(model, lookup, lambda rest: self.office_q(rest, "view"), array=ored)
            case "schools":
                return among(lookup, self.school_ids)
            case "departments":
                return among(lookup, self.department_ids)
            case "zones":
                return among(lookup, self.zone_ids)
            case "reference":
                return own_column(model, lookup, lambda rest: paths_q(rest, self.reference_paths), array=ored)
            case "own":
                if user is None or not user.pk:
                    return NOTHING
                return own_column(model, lookup, lambda rest: Q(**{rest: user.pk}), array=ored)
            case "never_own":
                return Q(**{lookup: user.pk}) if user is not None and user.pk else NOTHING
            case "ancestors":
                paths = {a for p in (*self.office_paths, *self.reference_paths) for a in ancestor_paths(p)}
                return among(lookup, paths)
            case "shipped":
                return Q(**{f"{lookup}__isnull": True})
            case "through":
                target = apps.get_model(rule.target)
                reached = target._default_manager.for_user(user, "view" if action == "view" else "change")
                return Q(**{f"{lookup}__in": reached.values("pk")})
        raise ValueError(f"unknown scope rule {rule.kind!r}")

    def office_q(self, lookup: str, action: str = "view") -> Q:
        """Rows whose ``lookup`` (a region path) lies in the user's offices' subtree; for any action
        but ``view``, without the subtrees of the offices below theirs, which own those rows."""
        writes_below = action != "view" and self.lower_office_paths
        if self.everywhere and not writes_below:
            return anywhere(lookup)
        q = paths_q(lookup, self.office_paths)
        if writes_below:
            q &= ~paths_q(lookup, self.lower_office_paths)
        return q

    @cached_property
    def everywhere(self) -> bool:
        """Whether the user's offices cover every region there is (a province's office in the
        province's own deployment): their office rules then reach every row that has a region, and
        compare no path. One query, for an office at the top of the tree only."""
        tops = [path for path in self.office_paths if path.count("/") == 2]
        if not tops:
            return False
        Region = apps.get_model("organizations", "Region")
        return not Region.objects.filter(parent__isnull=True).exclude(path__in=tops).exists()  # scope: the tree's shape

    def office_owns(self, path: str) -> bool:
        """Whether a row at region ``path`` belongs to one of the user's offices and not to an office
        below them: the office test of ``office_q`` for a write, on one path."""
        return (any(path.startswith(p) for p in self.office_paths)
                and not any(path.startswith(p) for p in self.lower_office_paths))

    @cached_property
    def lower_office_paths(self) -> tuple[str, ...]:
        """The regions of the offices inside the user's offices that are not their own (a city
        office's counties), read once when a write first asks for them."""
        if not self.office_paths:
            return ()
        Office = apps.get_model("organizations", "Office")
        paths = (Office.objects.filter(paths_q("region__path", self.office_paths))  # scope: the tree's shape
                 .exclude(region__path__in=sorted(self.own_office_paths)).values_list("region__path", flat=True))
        return tuple(sorted(_outermost(set(paths))))

    @property
    def is_office(self) -> bool:
        return bool(self.office_paths) or self.unrestricted


def scope_for(user) -> Scope:
    """Computes the scope of ``user`` from their current memberships and listings."""
    if not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(unrestricted=True, roles=frozenset({Role.SYSADMIN}))
    today = timezone.localdate()
    # plain values, not model instances: every request asks (an inspector's scope on a province: 2.9 → 2.2 ms)
    memberships = [_Held(*row) for row in user.memberships.current(today).values_list(
        "role", "office_id", "zone_id", "school_id", "department_id", "office__region__path")]
    roles = frozenset(m.role for m in memberships)
    if Role.SYSADMIN in roles:
        return Scope(unrestricted=True, roles=roles)

    office_paths = {m.office_path for m in memberships if m.role in OFFICE_ROLES and m.office_id}
    reference_paths = {m.office_path for m in memberships if m.role in SCHOOL_ROLES and m.office_id}
    school_ids: set[int] = set()
    zone_ids = {m.zone_id for m in memberships if m.role == Role.ZONE_LEADER and m.zone_id}
    if zone_ids:
        ZoneMembership = apps.get_model("organizations", "ZoneMembership")
        school_ids |= set(
            ZoneMembership.objects.current(today).filter(zone_id__in=zone_ids).values_list("school_id", flat=True)
        )
    if Role.INSPECTOR in roles:
        Listing = apps.get_model("inspectors", "Listing")
        school_ids |= set(
            Listing.objects.current(today).filter(inspector__user=user).values_list("school_id", flat=True)
        )
    school_ids |= {m.school_id for m in memberships if m.role in {Role.SCHOOL_LIAISON, Role.PRINCIPAL}}
    department_ids = {m.department_id for m in memberships if m.role == Role.UNIT_LIAISON and m.department_id}
    return Scope(
        roles=roles,
        office_paths=tuple(sorted(_outermost(office_paths))),
        school_ids=frozenset(school_ids),
        reference_paths=tuple(sorted(_outermost(reference_paths))),
        office_ids=frozenset(m.office_id for m in memberships if m.office_id),
        zone_ids=frozenset(zone_ids),
        own_office_paths=frozenset(office_paths),
        department_ids=frozenset(department_ids),
    )


class _Held(NamedTuple):
    """One current membership, as ``scope_for`` reads it."""

    role: str
    office_id: int | None
    zone_id: int | None
    school_id: int | None
    department_id: int | None
    office_path: str | None


def among(lookup: str, values) -> Q:
    """Rows whose ``lookup`` is one of ``values`` (ids, paths), in a stable order; none for none."""
    return Q(**{f"{lookup}__in": sorted(values)}) if values else NOTHING


def anywhere(lookup: str) -> Q:
    """The rows whose ``lookup`` (a region path, ``school__region__path``) leads to a region at all:
    what a scope covering every region reaches, asked without comparing a path."""
    if lookup == "path":
        return Q(pk__isnull=False)
    if lookup.endswith("__path"):  # through a region: the chain is set
        return Q(**{f"{lookup.removesuffix('__path')}__isnull": False})
    return Q(**{f"{lookup}__startswith": "/"})  # a path kept in a column of its own (blank: none)


def _never_null(model, lookup: str) -> bool:
    """Whether ``lookup`` leads to a region's path through foreign keys that are all required."""
    if lookup != "path" and not lookup.endswith("__path"):
        return False
    for name in lookup.split("__")[:-1]:
        field = model._meta.get_field(name)
        if field.null:
            return False
        model = field.related_model
    return True


def own_column(model, lookup: str, build, *, array: bool = False) -> Q:
    """``build(lookup)`` asked through the row's own column: a lookup across a foreign key
    (``office__region__path``) becomes ``office_id IN (SELECT id FROM office WHERE …)``, so that the
    rules a model ORs together read the row's own indexed columns instead of joining every row to
    every relation (a task list of a county: 304 ms → 1 ms at province scale; its count, with the
    array form, 78 → 7 ms)."""
    head, _, rest = lookup.partition("__")
    field = None
    if rest and model is not None:
        with suppress(FieldDoesNotExist):
            field = model._meta.get_field(head)
    if field is None or not (field.many_to_one and field.concrete):
        return build(lookup)
    inner = build(rest)
    if inner == NOTHING:
        return inner
    if inner == anywhere(rest) and _never_null(field.related_model, rest):  # every related row: no subquery
        return Q(**{f"{field.attname}__isnull": False})
    # ``array``, when the rule is ORed with others: a scope's offices, inspectors and zones are few,
    # asked as an array of ids the ORed rules stay on indexes (``core.scope.InArray``; a scope's schools can
    # be a province's 20 000). A rule alone keeps the subquery, which PostgreSQL joins knowing its size.
    lookup_name = "in_array" if array and field.related_model._meta.label_lower in FEW_PER_SCOPE else "in"
    return Q(**{f"{field.attname}__{lookup_name}": field.related_model._base_manager.filter(inner).order_by().values("pk")})


def stands_alone(rule: Rule) -> bool:
    """Whether a rule's lookup may be asked through the row's own column (``own_column``): not
    when its ``when`` or its subquery ties the lookup to the same related row (a rating of the
    user's that is itself submitted)."""
    if rule.subquery:
        return False
    head = rule.lookup.split("__", 1)[0]
    return rule.when is None or not any(name == head or name.startswith(f"{head}__") for name in _lookups(rule.when))


def _lookups(q: Q):
    for child in q.children:
        if isinstance(child, Q):
            yield from _lookups(child)
        else:
            yield child[0]


def default_rules(model) -> tuple[Rule, ...]:
    """The rules of a model that declares only ``scope_region`` and ``scope_school``: its office's
    subtree, its school, and, for reference rows (no school), the region of a school-bound user."""
    region, school = getattr(model, "scope_region", None), getattr(model, "scope_school", None)
    found = []
    if region:
        found.append(rules.office(region))
    if school:
        found.append(rules.schools(school))
    elif region:
        found.append(rules.reference(region))
    return tuple(found)


def _outermost(paths: set[str]) -> set[str]:
    """Drops paths that lie inside another path of the set (a city path covers its counties)."""
    return {p for p in paths if not any(p != o and p.startswith(o) for o in paths)}
