"""The inbox, and the channels beyond it (docs/notifications.md).

``notify`` stores each recipient's notification and, for every channel the person (or, by default,
their office) chose for the message's kind, a ``Delivery`` row; after commit the background task
``deliver`` sends each one, trying ``Delivery.MAX_ATTEMPTS`` times with a growing wait. Nothing of
the delivery can make ``notify`` fail: the action that notified stands whatever the channels do.
"""

import datetime
import logging
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from dudao.audit.services import record
from dudao.core.workflow import apply_transition
from dudao.notifications import channels
from dudao.notifications.models import (
    REMINDER_DAYS,
    Channel,
    ChannelSettings,
    Delivery,
    Kind,
    Notification,
    Preference,
    Reminder,
)

logger = logging.getLogger(__name__)

RETRY_SECONDS = (30, 300)  # the waits before the second and the third try


def notify(*, recipients, title: str, body: str = "", url: str = "", kind: str = Kind.OTHER) -> list[Notification]:
    """Puts a message in each recipient's inbox (call it from ``transaction.on_commit``) and queues
    its deliveries through the channels chosen for ``kind``."""
    rows = [Notification(recipient=r, title=title[:200], body=body, url=url, kind=kind)
            for r in {r.pk: r for r in recipients}.values()]
    rows = Notification.objects.bulk_create(rows)
    try:
        with transaction.atomic():
            ids = _queue_deliveries(rows, kind)
        if ids:
            transaction.on_commit(partial(_enqueue, ids))
    except Exception:  # a channel's trouble never undoes the action that notified
        logger.exception("notifications: the deliveries of %r could not be queued", title)
    return rows


def _enqueue(ids: list[int]) -> None:
    for pk in ids:
        try:
            deliver.enqueue(pk)
        except Exception:
            logger.exception("notifications: delivery %s could not be queued", pk)


# ---- who gets what where -----------------------------------------------------------------------

def office_model():
    return ChannelSettings._meta.get_field("office").related_model  # organizations sits above us


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def office_id_of(user) -> int | None:
    """The office a person's messages go out for: their office, their zone's, or their school's
    supervising office (the nearest above the school); ``None`` for someone of no office."""
    for m in user.memberships.current().select_related("zone", "school__region").order_by("pk"):
        if m.office_id:
            return m.office_id
        if m.zone_id:
            return m.zone.office_id
        if m.school_id:
            office = (office_model().objects.filter(region__path__in=_ancestor_paths(m.school.region.path))  # scope: whose school
                      .order_by("-region__path").values_list("pk", flat=True).first())
            if office:
                return office
    return None


def office_ids_owned(user) -> set[int]:
    """The offices the person belongs to today (their own office's page opens first)."""
    return set(user.memberships.current().filter(office__isnull=False).values_list("office_id", flat=True))


def may_change_channels(user, office) -> bool:
    return (user.has_perm("notifications.change_channelsettings")
            and office_model().objects.for_user(user, "change").filter(pk=office.pk).exists())


def channel_settings_for(office_id: int) -> ChannelSettings:
    """The office's row, or an unsaved one with the defaults."""
    return ChannelSettings.objects.filter(office_id=office_id).first() or ChannelSettings(office_id=office_id)


def chosen_channels(user, kind: str, office_settings: ChannelSettings, preference: Preference | None) -> list[str]:
    """The person's channels for ``kind`` (their own choice, else the office's default) that can reach
    them: a configured robot or gateway, e-mail only with an address."""
    if preference is not None and kind in preference.channels:
        wanted = preference.channels[kind]
    else:
        wanted = office_settings.defaults.get(kind, [])
    return [c for c in Channel.values if c in wanted and office_settings.configured(c)
            and (c != Channel.EMAIL or user.email)]


def _queue_deliveries(rows: list[Notification], kind: str) -> list[int]:
    deliveries = []
    for n in rows:
        user = n.recipient
        office_id = office_id_of(user)
        if office_id is None:
            continue
        office_settings = channel_settings_for(office_id)
        preference = Preference.objects.filter(user=user).first()
        held = bool(preference and preference.digest and kind in office_settings.low_priority)
        for channel in chosen_channels(user, kind, office_settings, preference):
            deliveries.append(Delivery(notification=n, office_id=office_id, channel=channel,
                                       status=Delivery.Status.DIGEST if held else Delivery.Status.QUEUED))
    Delivery.objects.bulk_create(deliveries)
    return [d.pk for d in deliveries if d.status == Delivery.Status.QUEUED and d.pk]


# ---- sending ------------------------------------------------------------------------------------

def _absolute(url: str) -> str:
    base = (getattr(settings, "DUDAO_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") and base else url


def message_of(notification: Notification) -> channels.Message:
    user = notification.recipient
    return channels.Message(
        title=notification.title, body=notification.body, link=_absolute(notification.url), kind=notification.kind,
        recipient_name=user.get_full_name() or user.get_username(), recipient_phone=getattr(user, "phone", ""),
    )


def _finish(delivery: Delivery, name: str, **fields) -> None:
    """Records ``fields`` and moves the delivery along ``Delivery.TRANSITIONS[name]`` together."""
    with transaction.atomic():
        for key, value in fields.items():
            setattr(delivery, key, value)
        delivery.save(update_fields=[*fields, "updated_at"])
        if name:
            apply_transition(delivery, name, actor=None)


def _send(channel: str, message: channels.Message, address: str, office_settings) -> str:
    """One try through ``channel``: ``""`` when sent, else the reason (safe to store and show)."""
    try:
        channels.send(channel, message, address, office_settings)
    except channels.DeliveryFailed as exc:
        return exc.reason[:300]
    except Exception as exc:  # an unforeseen failure is recorded by its type only: it may quote an address
        return f"unexpected error: {type(exc).__name__}"
    return ""


def _try_once(delivery: Delivery, message: channels.Message) -> bool:
    """One try: records the attempt and its outcome; ``True`` when sent."""
    address = delivery.notification.recipient.email if delivery.channel == Channel.EMAIL else ""
    error = _send(delivery.channel, message, address, channel_settings_for(delivery.office_id))
    attempts = delivery.attempts + 1
    if not error:
        _finish(delivery, "send", attempts=attempts, last_error="", sent_at=timezone.now())
        return True
    _finish(delivery, "fail" if attempts >= Delivery.MAX_ATTEMPTS else "", attempts=attempts, last_error=error)
    return False


@task()
def deliver(delivery_id: int) -> None:
    """The background task: one try of a queued delivery; a failure queues the next try after a wait
    (at once where the task backend cannot wait), the last one marks it failed."""
    while True:
        delivery = (Delivery.objects.select_related("notification__recipient")  # scope: the worker's own queue
                    .filter(pk=delivery_id, status=Delivery.Status.QUEUED).first())
        if delivery is None or _try_once(delivery, message_of(delivery.notification)):
            return
        if delivery.status == Delivery.Status.FAILED:
            logger.warning("notifications: delivery %s through %s failed: %s", delivery.pk, delivery.channel,
                           delivery.last_error)
            return
        wait = RETRY_SECONDS[min(delivery.attempts, len(RETRY_SECONDS)) - 1]
        if deliver.get_backend().supports_defer:
            deliver.using(run_after=timezone.now() + datetime.timedelta(seconds=wait)).enqueue(delivery_id)
            return


# ---- the daily digest ---------------------------------------------------------------------------

def digest_send() -> list[int]:
    """Bundles each person's held deliveries (the office's low-priority kinds, for those who chose
    the digest) into one message per channel and sends it once (``dudao notify digest``, daily). A
    failed digest stays held for the next day's run, up to ``Delivery.MAX_ATTEMPTS`` days; running it
    twice sends nothing new. Returns the ids of the deliveries sent."""
    held = list(Delivery.objects.filter(status=Delivery.Status.DIGEST)  # scope: the daily job, every office
                .select_related("notification__recipient").order_by("notification__recipient_id", "channel", "pk"))
    groups: dict[tuple, list[Delivery]] = {}
    for d in held:
        groups.setdefault((d.notification.recipient_id, d.channel, d.office_id), []).append(d)
    sent = []
    for (_user_id, channel, office_id), rows in groups.items():
        user = rows[0].notification.recipient
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            message = channels.Message(
                title=_("Daily digest: {count} messages").format(count=len(rows)),
                body="\n".join(f"- {d.notification.title}" + (f" {_absolute(d.notification.url)}" if d.notification.url else "")
                               for d in rows),
                kind="digest", recipient_name=user.get_full_name(), recipient_phone=getattr(user, "phone", ""),
            )
        error = _send(channel, message, user.email if channel == Channel.EMAIL else "", channel_settings_for(office_id))
        now = timezone.now()
        for d in rows:
            attempts = d.attempts + 1
            if not error:
                _finish(d, "send", attempts=attempts, last_error="", sent_at=now)
                sent.append(d.pk)
            else:
                _finish(d, "fail" if attempts >= Delivery.MAX_ATTEMPTS else "", attempts=attempts, last_error=error)
    return sent


# ---- reminders of coming deadlines ------------------------------------------------------------------

def reminder_window(on: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The deadlines reminded on ``on`` (today without it): from that day to ``REMINDER_DAYS``
    calendar days later, both included."""
    on = on or timezone.localdate()
    return on, on + datetime.timedelta(days=REMINDER_DAYS)


@transaction.atomic
def reminder_send(*, kind: str, subject: str, deadline: datetime.date, recipients, title: str, body: str = "",
                  url: str = "") -> Reminder | None:
    """Reminds ``recipients`` of the coming ``deadline`` of ``subject`` (``"<app>.<model>:<id>"``), once
    per subject and deadline. Returns the new ``Reminder``; ``None`` when it was sent before, or when
    there is nobody to tell (it is tried again on the next run)."""
    people = list({u.pk: u for u in recipients}.values())
    if not people:
        return None
    reminder, created = Reminder.objects.get_or_create(kind=kind, subject=subject, deadline=deadline,
                                                       defaults={"recipients": len(people)})
    if not created:
        return None
    transaction.on_commit(partial(notify, recipients=people, title=title, body=body, url=url, kind=kind))
    return reminder


def reminders_send(*, on: datetime.date | None = None) -> list[Reminder]:
    """Sends every reminder due on ``on`` (``dudao notify reminders``, daily): each app's config names
    its senders in ``reminders`` (``core.apps.DudaoAppConfig``); this layer imports none of them."""
    on = on or timezone.localdate()
    sent = []
    for config in apps.get_app_configs():
        for path in getattr(config, "reminders", ()):
            sent += import_string(path)(on=on)
    return sent


# ---- settings -----------------------------------------------------------------------------------

def _valid_channels(value: dict) -> dict:
    if not isinstance(value, dict):
        raise ValidationError(_("Choose channels per kind of message."))
    out = {}
    for kind, chosen in value.items():
        if kind not in Kind.values or not isinstance(chosen, list | tuple) or any(c not in Channel.values for c in chosen):
            raise ValidationError(_("Choose channels per kind of message."))
        out[kind] = [c for c in Channel.values if c in chosen]
    return out


def mask(value: str) -> str:
    """A secret as pages and the API show it: its last four characters at most, never the whole."""
    if not value:
        return ""
    return "••••" + (value[-4:] if len(value) >= 12 else "")


KEEP = object()  # a secret field left empty in a form: keep the stored value


@transaction.atomic
def channel_settings_set(*, actor, office_id: int, defaults: dict | None = None, low_priority=None,
                         **secrets) -> ChannelSettings:
    """An office administrator sets the office's robots, gateway, default channels per kind and
    low-priority kinds. A secret not given (or ``None``) keeps its stored value; ``""`` clears it.
    The audit record says which secrets changed, never their values."""
    if not actor.has_perm("notifications.change_channelsettings"):
        raise PermissionDenied
    office = office_model().objects.for_user(actor, "change").get(pk=office_id)
    unknown = set(secrets) - set(ChannelSettings.SECRET_FIELDS)
    if unknown:
        raise TypeError(f"unknown settings {sorted(unknown)}")
    row = ChannelSettings.objects.select_for_update().filter(office=office).first() or ChannelSettings(office=office)
    changes = {}
    for field, value in secrets.items():
        if value is None or value is KEEP:
            continue
        value = str(value).strip()
        if value != getattr(row, field):
            changes[field] = ["•" if getattr(row, field) else "", "•" if value else ""]
            setattr(row, field, value)
    if defaults is not None:
        defaults = _valid_channels(defaults)
        if defaults != row.defaults:
            changes["defaults"] = [row.defaults, defaults]
            row.defaults = defaults
    if low_priority is not None:
        if any(k not in Kind.values for k in low_priority):
            raise ValidationError({"low_priority": [_("Choose kinds of message.")]})
        low = [k for k in Kind.values if k in low_priority]
        if low != row.low_priority:
            changes["low_priority"] = [row.low_priority, low]
            row.low_priority = low
    row.full_clean(exclude=["office"])
    row.save()
    if changes:
        record(actor=actor, action="notifications.channels.set", target=row, changes=changes)
    return row


@transaction.atomic
def preference_set(*, actor, channels: dict, digest: bool = False) -> Preference:
    """A person sets their own channels per kind (only their own: there is no other person to name)."""
    channels = _valid_channels(channels)
    if Channel.EMAIL in {c for chosen in channels.values() for c in chosen} and not actor.email:
        raise ValidationError({"channels": [_("Add an e-mail address to your account to receive e-mail.")]})
    row = Preference.objects.select_for_update().filter(user=actor).first() or Preference(user=actor)
    changes = {f: [getattr(row, f), v] for f, v in (("channels", channels), ("digest", bool(digest)))
               if getattr(row, f) != v}
    row.channels, row.digest = channels, bool(digest)
    row.save()
    if changes:
        record(actor=actor, action="notifications.preference.set", target=row, changes=changes)
    return row


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    n = Notification.objects.for_user(actor).get(pk=notification_id)
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return n
