from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core import rules
from dudao.core.scope import OfficeScopedModel, ScopedQuerySet
from dudao.core.workflow import Transition


class NotificationQuerySet(ScopedQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Kind(models.TextChoices):
    """What a message is about: each person chooses its channels per kind (docs/notifications.md)."""

    NEW_NOTICE = "new_notice", _("New rectification notice")
    DEADLINE_SOON = "deadline_soon", _("Deadline in 3 days")
    OVERDUE = "overdue", pgettext_lazy("message kind", "Overdue")
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


class Channel(models.TextChoices):
    """Where a message goes besides the inbox (which always gets everything)."""

    EMAIL = "email", pgettext_lazy("channel", "E-mail")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    WEBHOOK = "webhook", _("The office's SMS gateway")


LOW_PRIORITY_DEFAULT = [Kind.SURVEY_CLOSING.value, Kind.REPORT_DUE.value]


def _low_priority_default():
    return list(LOW_PRIORITY_DEFAULT)


class ChannelSettings(OfficeScopedModel):
    """An office's robots and gateway, its default channels per kind and its low-priority kinds.
    The addresses and the DingTalk secret are secrets: pages and the API show them masked."""

    office = models.OneToOneField("organizations.Office", on_delete=models.CASCADE, related_name="channel_settings",
                                  verbose_name=_("office"))
    wecom_url = models.URLField(_("WeCom group robot address"), max_length=500, blank=True)
    dingtalk_url = models.URLField(_("DingTalk robot address"), max_length=500, blank=True)
    dingtalk_secret = models.CharField(_("DingTalk signing secret"), max_length=200, blank=True)
    webhook_url = models.URLField(_("SMS gateway address"), max_length=500, blank=True)
    webhook_secret = models.CharField(_("SMS gateway shared secret"), max_length=200, blank=True)
    defaults = models.JSONField(_("default channels per kind"), default=dict, blank=True)
    low_priority = models.JSONField(_("low-priority kinds"), default=_low_priority_default, blank=True)

    SECRET_FIELDS = ("wecom_url", "dingtalk_url", "dingtalk_secret", "webhook_url", "webhook_secret")

    def audit_scope(self):
        return "", None  # filed under no region, like the other office settings

    class Meta:
        verbose_name = _("message channels")
        verbose_name_plural = _("message channels")

    def __str__(self) -> str:
        return str(self.office)

    def configured(self, channel: str) -> bool:
        return {Channel.EMAIL: True, Channel.WECOM: bool(self.wecom_url), Channel.DINGTALK: bool(self.dingtalk_url),
                Channel.WEBHOOK: bool(self.webhook_url)}.get(channel, False)


class Preference(models.Model):
    """A person's channels per kind (a kind left out follows the office's default) and whether the
    office's low-priority kinds come once a day in a digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preference",
                                verbose_name=_("user"))
    channels = models.JSONField(_("channels per kind"), default=dict, blank=True)
    digest = models.BooleanField(_("bundle low-priority messages into a daily digest"), default=False)

    scope_rules = (rules.own("user"),)
    scope_capability = None
    scope_admin_sees_all = False

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("message preference")
        verbose_name_plural = _("message preferences")

    def __str__(self) -> str:
        return str(self.user)


class Delivery(OfficeScopedModel):
    """One notification through one channel: the delivery log (queued, sent, failed, and why)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DIGEST = "digest", _("Waiting for the daily digest")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    MAX_ATTEMPTS = 3
    # the delivery task moves a row (no person does: the permission is nobody's role)
    TRANSITIONS = {
        "send": Transition({Status.QUEUED, Status.DIGEST}, Status.SENT, "notifications.change_delivery"),
        "fail": Transition({Status.QUEUED, Status.DIGEST}, Status.FAILED, "notifications.change_delivery"),
    }

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries",
                                     verbose_name=_("notification"))
    office = models.ForeignKey("organizations.Office", on_delete=models.CASCADE, related_name="deliveries",
                               verbose_name=_("office"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="notif_delivery_once")]
        indexes = [models.Index(fields=["office", "status"], name="notif_delivery_office_status")]

    def __str__(self) -> str:
        return f"{self.notification} → {self.get_channel_display()}"


REMINDER_DAYS = 3  # "Deadline in 3 days": a reminder goes out when a deadline is this many calendar days away or fewer


class Reminder(models.Model):
    """Records that the people concerned were reminded of a coming deadline, once per thing and
    deadline: running ``dudao notify reminders`` again sends nothing new, and a thing given another
    deadline is reminded again. ``subject`` names the thing (``inspections.rectification:12``)."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(pgettext_lazy("reminder", "subject"), max_length=120)
    deadline = models.DateField(pgettext_lazy("reminder", "deadline"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "deadline"], name="notifications_reminder_once_per_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.deadline}"
