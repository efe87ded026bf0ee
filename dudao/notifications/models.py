from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core import rules
from dudao.core.scope import ScopedQuerySet


class NotificationQuerySet(ScopedQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Kind(models.TextChoices):
    """What a message is about: each person chooses its channels per kind (docs/notifications.md)."""

    NEW_NOTICE = "new_notice", _("New rectification notice")
    DEADLINE_SOON = "deadline_soon", _("Deadline in 3 days")
    OVERDUE = "overdue", _("Overdue")
    COMPLAINT_ASSIGNED = "complaint_assigned", _("Complaint assigned")
    SURVEY_CLOSING = "survey_closing", _("Survey closing")
    REPORT_DUE = "report_due", _("Report due")
    OTHER = "other", _("Other messages")


class Notification(models.Model):
    """Tells a user in their in-app inbox that something needs their attention."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    # a user's inbox is their own, whatever their role
    scope_rules = (rules.own("recipient"),)
    scope_capability = None
    scope_admin_sees_all = False

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]

    def __str__(self) -> str:
        return self.title
