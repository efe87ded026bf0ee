from django.utils.translation import gettext_lazy, pgettext_lazy

from dudao.core.tables import Column
from dudao.notifications.channels import reason_text


def why_it_failed(delivery) -> str:
    return reason_text(delivery.last_error)

DELIVERY_COLUMNS = [
    Column("created_at", gettext_lazy("Time"), order_by="created_at"),
    Column("notification.title", pgettext_lazy("delivery", "Message")),
    Column("notification.kind", gettext_lazy("Kind")),
    Column("notification.recipient", gettext_lazy("Recipient")),
    Column("channel", gettext_lazy("Channel"), order_by="channel"),
    Column("status", gettext_lazy("Status"), order_by="status"),
    Column("attempts", gettext_lazy("Attempts")),
    Column(why_it_failed, gettext_lazy("Why it failed")),
    Column("sent_at", gettext_lazy("Sent at"), order_by="sent_at"),
]
