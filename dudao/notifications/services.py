from django.utils import timezone

from dudao.notifications.models import Kind, Notification


def notify(*, recipients, title: str, body: str = "", url: str = "", kind: str = Kind.OTHER) -> list[Notification]:
    """Puts a message in each recipient's inbox (call it from ``transaction.on_commit``)."""
    rows = [Notification(recipient=r, title=title[:200], body=body, url=url, kind=kind)
            for r in {r.pk: r for r in recipients}.values()]
    return Notification.objects.bulk_create(rows)


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    n = Notification.objects.for_user(actor).get(pk=notification_id)
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return n
