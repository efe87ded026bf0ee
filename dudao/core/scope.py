"""The scoped queryset: ``Model.objects.for_user(user, action)`` is the only door to scoped rows.

``for_user`` has one body, here. Which rows a user reaches is decided once, in
``dudao.accounts.scope``: ``scope_for`` computes the user's scope (offices, schools, zones), and
``Scope.q`` turns the model's declared rules into a filter. A model declares its scope as data:

* ``scope_region``: a lookup to a ``Region.path`` (materialised path of 行政区划 codes);
* ``scope_school``: a lookup to a school id, or ``None`` for reference rows (regions, offices,
  zones, inspectors) that school-bound users see within their office's region;
* ``scope_rules`` (optional): a short tuple of named rules (``office``, ``office_tree``,
  ``schools``, ``zones``, ``reference``, ``own``, ``never_own``, ``ancestors``, ``shipped``,
  ``through``), each with the rows it applies to (``when``) and the actions it serves (``on``);
  without it, the office subtree, the school and the reference region of ``scope_region`` and
  ``scope_school``;
* ``scope_capability`` (optional): the permission an action asks for, when not the model's own.

``action`` is ``view`` or a write (``change``, ``delete``). Writes read through the *change*
scope, never the view scope: ``get_for_change`` for a service that loads the row it changes (404
unseen, 403 seen but not changeable), ``apply_transition`` for every state change. A city office
sees its counties' rows and changes none of them.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import ForeignKey, Lookup, Q
from django.urls import reverse


def permission_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def capable(user, model, action: str, permission: str | None = None) -> bool:
    """Whether ``user`` is active and holds ``permission``: by default the model's
    ``scope_capability`` with ``{action}`` filled in (instrument parts ask for the instrument's), or
    ``<app>.<action>_<model>`` (a summary asks for its source's); a ``scope_capability`` of ``None``
    asks for an active account only (a user's own inbox and jobs)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if permission is None:
        if getattr(model, "tally_source", None):  # a summary (``core.tally``): whoever reads the rows it counts
            model = apps.get_model(model.tally_source)
        pattern = getattr(model, "scope_capability", "")
        if pattern is None:
            return True
        permission = pattern.format(action=action) if pattern else permission_name(model, action)
    return user.has_perm(permission)



def sees_everything(user) -> bool:
    """The system administrator (or a superuser): no region, office or school limits what they see;
    false for a user without a scope (anonymous). Re-exported by ``accounts.access`` with the other
    scope decisions; here so that the layers below ``accounts`` (jobs) may ask it too."""
    return bool(getattr(getattr(user, "scope", None), "unrestricted", False))


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view", *, permission: str | None = None):
        """Returns the rows ``user`` may ``action`` (view, change, delete): the one body of scope.

        The user must hold the capability ``permission`` (by default the model's
        ``scope_capability``, ``<app>.<action>_<model>`` unless it says otherwise; ``None`` asks only
        for an active account), and the rows are those the model's ``scope_rules`` reach. A
        transition passes its own permission (answering a notice is a change of the notice, by
        whoever may answer)."""
        if not capable(user, self.model, action, permission):
            return self.none()
        scope = user.scope
        if scope.unrestricted and getattr(self.model, "scope_admin_sees_all", True):
            return self
        return self.filter(scope.q(self.model, action, user))

    def get_for_change(self, user, pk, *, permission: str | None = None):
        """The row ``pk`` that ``user`` is about to change, read (and locked, if this queryset
        locks) through their view scope: ``DoesNotExist`` (404) when they cannot see it,
        ``PermissionDenied`` (403) when they see it but it lies outside their change scope or they
        lack ``permission`` (by default ``<app>.change_<model>``)."""
        row = self.for_user(user, "view").get(pk=pk)
        if not self.model._default_manager.for_user(user, "change", permission=permission).filter(pk=row.pk).exists():
            raise PermissionDenied
        return row


def paths_q(lookup: str, paths):
    """Rows whose ``lookup`` (a region path) lies under any of ``paths``; nothing for no paths."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


def ancestor_paths(path: str) -> list[str]:
    """A region's path and every path above it, from the top: ``/99/9901/990121/`` →
    ``['/99/', '/99/9901/', '/99/9901/990121/']``."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def follow(row, lookup: str):
    """The value a lookup such as ``office__region__path`` reaches from ``row``."""
    for name in lookup.split("__"):
        row = getattr(row, name)
    return row


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


class TimeStampedModel(models.Model):
    """Adds creation and update times to a row."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScopedModel(TimeStampedModel):
    """A row whose visibility follows the organisation tree; declares its scope lookups."""

    scope_region: str = "region__path"
    scope_school: str | None = "school_id"

    objects = ScopedManager()

    class Meta:
        abstract = True

    def audit_scope(self) -> tuple[str, int | None]:
        """The region path and school the audit log files this row's events under: its scope lookups
        followed from the row."""
        return follow(self, self.scope_region), (follow(self, self.scope_school) if self.scope_school else None)


OFFICE_REGION = "office__region__path"


class OfficeScopedModel(ScopedModel):
    """A row of an office as a whole, in scope through the office's region and of no school."""

    scope_region = OFFICE_REGION
    scope_school = None

    class Meta:
        abstract = True


class DetailPageModel(ScopedModel):
    """A scoped row with a page of its own: ``<app label>:<model name>_detail``."""

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}_detail", args=[self.pk])


class InArray(Lookup):
    """``column__in_array=<queryset>``: membership in a subquery that PostgreSQL can answer from indexes
    even when several are ORed together.

    ``office_id IN (SELECT …) OR inspector_id IN (SELECT …)`` leaves PostgreSQL only hashed subplans,
    checked row by row over a sequential scan of the whole table. Written as ``office_id = ANY(ARRAY(SELECT
    …))`` each subquery runs once (an init plan) and each side is an index condition, combined by a
    bitmap OR. Other databases get the plain ``IN (SELECT …)``. Meant for subqueries of a few ids (the
    offices or inspectors of a scope): the array is searched, not hashed."""

    lookup_name = "in_array"

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params


ForeignKey.register_lookup(InArray)
