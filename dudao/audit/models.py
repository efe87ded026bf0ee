from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _

from dudao.audit.chain import GENESIS
from dudao.core.scope import ScopedQuerySet


class _DescribedIterable(ModelIterable):
    def __iter__(self):
        from dudao.audit.changes import describe

        events = list(super().__iter__())
        user, limit = self.queryset._described
        yield from describe(events, user=user, limit=limit)


class AuditEventQuerySet(ScopedQuerySet):
    _described = None

    def described(self, user, *, limit: int | None = None):
        """Events whose ``change_rows`` read as words for ``user`` (see ``audit.changes``), the
        rows they refer to read in one query per model for all the events fetched."""
        qs = self._chain()
        qs._described = (user, limit)
        qs._iterable_class = _DescribedIterable
        return qs

    def _clone(self):
        clone = super()._clone()
        clone._described = self._described
        return clone


class AuditEvent(models.Model):
    """Records who changed what, when, with the values before and after.

    Events form one sealed chain per region (see ``audit.chain``): each carries its position in its
    chain, the seal of the event before it and the HMAC of its own content under the audit key, so
    ``dudao audit verify`` finds any event altered, inserted or removed after it was written.
    ``seq`` numbers events across the deployment in the order they were written (with gaps).
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    chain_seq = models.PositiveBigIntegerField(_("position in its chain"))
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100)
    target_ct = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    region_path = models.CharField(max_length=255, blank=True, db_index=True)
    school_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16, blank=True)

    scope_region = "region_path"
    scope_school = "school_id"

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["action", "created_at"], name="audit_action_time"),
            models.Index(fields=["target_ct", "target_id"], name="audit_target"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["region_path", "chain_seq"], name="audit_chain_position"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    @property
    def action_label(self) -> str:
        """What was done, in words (the code is for machines)."""
        from dudao.audit.actions import action_label

        return action_label(self.action)

    @property
    def actor_display(self) -> str:
        """Who did it: the person's full name, the name written at the time, or "System"."""
        if self.actor_id and self.actor is not None and self.actor.full_name:
            return self.actor.full_name
        if self.actor_id is None and self.actor_name in ("", "system"):
            return str(_("System"))
        return self.actor_name


class ChainHead(models.Model):
    """The last position and seal of one chain (a region path; "" for the whole deployment), locked
    while events are appended to that chain."""

    chain = models.CharField(max_length=255, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"{self.chain or '-'} {self.last_seq} {self.last_hash[:12]}"
