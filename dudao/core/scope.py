"""The scoped queryset: ``Model.objects.for_user(user, action)`` is the only door to scoped rows.

Which rows a user may see is decided once, in ``dudao.accounts.scope.scope_for``; this module only
asks the user's cached ``scope`` for a ``Q`` over the model's declared lookups:

* ``scope_region``: a lookup to a ``Region.path`` (materialised path of 行政区划 codes);
* ``scope_school``: a lookup to a school id, or ``None`` for reference rows (regions, offices,
  zones, inspectors) that school-bound users see within their office's region.
"""

from django.db import models
from django.db.models import Q


def permission_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """Returns the rows ``user`` may ``action`` (view, change, delete)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
            return self.none()
        scope = user.scope
        if scope.unrestricted:
            return self
        return self.filter(scope.q(self.model, action))


class RuleScopedQuerySet(ScopedQuerySet):
    """``for_user`` with the capability check of ``ScopedQuerySet`` and a model-specific row rule:
    subclasses give ``scope_q(user, scope, action)`` (authored rows, the user's zone, ...)."""

    def for_user(self, user, action: str = "view"):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm(permission_name(self.model, action)):
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
