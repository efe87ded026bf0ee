"""Shared bases for dated rows (zone memberships, listings, memberships)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.scope import ScopedModel, ScopedQuerySet


class DatedQuerySet(ScopedQuerySet):
    """Rows valid over ``[valid_from, valid_to]``; ``valid_to`` empty means still valid."""

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def open(self):
        return self.filter(valid_to__isnull=True)


class DatedManager(models.Manager.from_queryset(DatedQuerySet)):
    pass


class DatedSchoolLink(ScopedModel):
    """Ties a school to something (a zone, an inspector) for a period; at most one open row per
    school, so the history of who or what the school belonged to stays readable. Subclasses add
    the ``school`` foreign key and the other end."""

    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    scope_region = "school__region__path"
    scope_school = "school_id"

    objects = DatedManager()

    class Meta:
        abstract = True
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=Q(valid_to__isnull=True), name="%(app_label)s_%(class)s_one_open_per_school",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_dates_ordered",
            ),
        ]

    def audit_scope(self):
        return self.school.region.path, self.school_id


class RateLimitCounter(models.Model):
    """One fixed-window counter per (hashed) key, shared by every process through the database."""

    key = models.CharField(max_length=64)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="core_ratelimit_one_per_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]}@{self.window_start}: {self.count}"
