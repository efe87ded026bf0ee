from django.utils.translation import gettext_lazy

from dudao.audit.changes import describe, summary
from dudao.audit.filters import AuditEventFilterSet
from dudao.audit.models import AuditEvent
from dudao.core.tables import Column
from dudao.core.views import ObjectDetailView
from dudao.jobs.exports import ExportableListView as ObjectListView

CHANGES_LIMIT = 40


class AuditEventListView(ObjectListView):
    model = AuditEvent
    filterset_class = AuditEventFilterSet
    default_ordering = ("-seq",)
    title = gettext_lazy("Audit log")
    select_related = ("actor", "target_ct")
    columns = [
        Column("seq", gettext_lazy("No."), order_by="seq", link=True),
        Column("created_at", gettext_lazy("Time"), order_by="created_at"),
        Column("actor_display", gettext_lazy("Actor"), order_by="actor_name"),
        Column("action_label", gettext_lazy("Action"), order_by="action"),
        Column("target_repr", gettext_lazy("Object")),
        Column(summary, gettext_lazy("Changes")),
        Column("reason", gettext_lazy("Reason")),
    ]

    def get_queryset(self):
        return super().get_queryset().described(self.request.user, limit=CHANGES_LIMIT)


class AuditEventDetailView(ObjectDetailView):
    model = AuditEvent
    template_name = "audit/event_detail.html"
    select_related = ("actor", "target_ct")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        describe([self.object], user=self.request.user)
        return ctx
