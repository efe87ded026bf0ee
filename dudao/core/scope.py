"""The scoped queryset: ``Model.objects.for_user(user, action)`` is the only door to scoped rows.

Which rows a user may see is decided once, in ``dudao.accounts.scope.scope_for``; this module only
asks the user's cached ``scope`` for a ``Q`` over the model's declared lookups:

* ``scope_region``: a lookup to a ``Region.path`` (materialised path of 行政区划 codes);
* ``scope_school``: a lookup to a school id, or ``None`` for reference rows (regions, offices,
  zones, inspectors) that school-bound users see within their office's region.

Writes read through the *change* scope, never the view scope: ``get_for_change`` for a service
that loads the row it changes (404 unseen, 403 seen but not changeable), ``apply_transition`` for
every state change. A city office sees its counties' rows and changes none of them.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q


def permission_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def capable(user, model, action: str, permission: str | None = None) -> bool:
    """Whether ``user`` is active and holds ``permission`` (by default ``<app>.<action>_<model>``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(permission or permission_name(model, action))


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view", *, permission: str | None = None):
        """Returns the rows ``user`` may ``action`` (view, change, delete).

        ``permission`` is the capability to hold instead of ``<app>.<action>_<model>``: a transition
        passes its own (answering a notice is a change of the notice, by whoever may answer)."""
        if not capable(user, self.model, action, permission):
            return self.none()
        scope = user.scope
        if scope.unrestricted:
            return self
        return self.filter(scope.q(self.model, action))

    def get_for_change(self, user, pk, *, permission: str | None = None):
        """The row ``pk`` that ``user`` is about to change, read (and locked, if this queryset
        locks) through their view scope: ``DoesNotExist`` (404) when they cannot see it,
        ``PermissionDenied`` (403) when they see it but it lies outside their change scope or they
        lack ``permission`` (by default ``<app>.change_<model>``)."""
        row = self.for_user(user, "view").get(pk=pk)
        if not self.model._default_manager.for_user(user, "change", permission=permission).filter(pk=row.pk).exists():
            raise PermissionDenied
        return row


class RuleScopedQuerySet(ScopedQuerySet):
    """``for_user`` with the capability check of ``ScopedQuerySet`` and a model-specific row rule:
    subclasses give ``scope_q(user, scope, action)`` (authored rows, the user's zone, ...). For any
    action but ``view`` the office part is ``scope.office_q(lookup, action)``: an office changes the
    rows it owns, not those of the offices below it."""

    def for_user(self, user, action: str = "view", *, permission: str | None = None):
        if not capable(user, self.model, action, permission):
            return self.none()
        scope = user.scope
        if scope.unrestricted:
            return self
        return self.filter(self.scope_q(user, scope, action))

    def scope_q(self, user, scope, action: str):  # pragma: no cover - overridden
        raise NotImplementedError


def paths_q(lookup: str, paths):
    """Rows whose ``lookup`` (a region path) lies under any of ``paths``; nothing for no paths."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


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
