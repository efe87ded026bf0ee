"""Shared query helpers for dated rows (zone memberships, listings, memberships)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from dudao.core.scope import ScopedQuerySet


class DatedQuerySet(ScopedQuerySet):
    """Rows valid over ``[valid_from, valid_to]``; ``valid_to`` empty means still valid."""

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def open(self):
        return self.filter(valid_to__isnull=True)


class DatedManager(models.Manager.from_queryset(DatedQuerySet)):
    pass
