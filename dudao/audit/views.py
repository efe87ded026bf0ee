import json

from django.utils.translation import gettext_lazy

from dudao.audit.filters import AuditEventFilterSet
from dudao.audit.models import AuditEvent
from dudao.core.tables import Column
from dudao.core.views import ObjectDetailView
from dudao.jobs.exports import ExportableListView as ObjectListView


def _changes(event):
    return json.dumps(event.changes, ensure_ascii=False)[:300]


class AuditEventListView(ObjectListView):
    model = AuditEvent
    filterset_class = AuditEventFilterSet
    default_ordering = ("-seq",)
    title = gettext_lazy("Audit log")
    columns = [
        Column("seq", gettext_lazy("No."), order_by="seq", link=True),
        Column("created_at", gettext_lazy("Time"), order_by="created_at"),
        Column("actor_name", gettext_lazy("Actor"), order_by="actor_name"),
        Column("action", gettext_lazy("Action"), order_by="action"),
        Column("target_repr", gettext_lazy("Object")),
        Column(_changes, gettext_lazy("Changes")),
        Column("reason", gettext_lazy("Reason")),
    ]


class AuditEventDetailView(ObjectDetailView):
    model = AuditEvent
    template_name = "audit/event_detail.html"
