from django.utils.translation import gettext_lazy

from dudao.core.tables import Column

DELIVERY_COLUMNS = [
    Column("created_at", gettext_lazy("Time"), order_by="created_at"),
    Column("notification.title", gettext_lazy("Message")),
    Column("notification.kind", gettext_lazy("Kind")),
    Column("notification.recipient", gettext_lazy("Recipient")),
    Column("channel", gettext_lazy("Channel"), order_by="channel"),
    Column("status", gettext_lazy("Status"), order_by="status"),
    Column("attempts", gettext_lazy("Attempts")),
    Column("last_error", gettext_lazy("Why it failed")),
    Column("sent_at", gettext_lazy("Sent at"), order_by="sent_at"),
]
