"""Columns of the audit log list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.audit.changes import summary
from dudao.core.tables import Column

AUDIT_EVENT_COLUMNS = [
    Column("seq", gettext_lazy("No."), order_by="seq", link=True),
    Column("created_at", gettext_lazy("Time"), order_by="created_at"),
    Column("actor_display", gettext_lazy("Actor"), order_by="actor_name"),
    Column("action_label", gettext_lazy("Action"), order_by="action"),
    Column("target_repr", gettext_lazy("Object")),
    Column(summary, gettext_lazy("Changes")),
    Column("reason", gettext_lazy("Reason")),
]
