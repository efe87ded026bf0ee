from django.utils.translation import gettext_lazy

from dudao.audit import tables
from dudao.audit.changes import describe
from dudao.audit.filters import AuditEventFilterSet
from dudao.audit.models import AuditEvent
from dudao.core.views import ObjectDetailView
from dudao.jobs.exports import ExportableListView as ObjectListView

CHANGES_LIMIT = 40


class AuditEventListView(ObjectListView):
    model = AuditEvent
    filterset_class = AuditEventFilterSet
    default_ordering = ("-seq",)
    title = gettext_lazy("Audit log")
    select_related = ("actor", "target_ct")
    columns = tables.AUDIT_EVENT_COLUMNS

    def get_queryset(self):
        return super().get_queryset().described(self.request.user, limit=CHANGES_LIMIT)


class AuditEventDetailView(ObjectDetailView):
    model = AuditEvent
    template_name = "audit/event_detail.html"
    select_related = ("actor", "target_ct")

    def object_context(self, ctx, event, user):
        describe([event], user=user)
        return {}
