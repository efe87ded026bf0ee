from rest_framework import mixins, serializers, viewsets

from dudao.audit.filters import AuditEventFilterSet
from dudao.audit.models import AuditEvent
from dudao.audit.services import model_delete, model_save
from dudao.core.api import ScopedViewSet


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "seq", "created_at", "actor", "actor_name", "action", "target_id", "target_repr",
                  "changes", "reason", "hash", "prev_hash"]


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = AuditEvent
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["seq", "created_at"]

    def get_queryset(self):
        return AuditEvent.objects.for_user(self.request.user).order_by("-seq")


class AuditedViewSet(ScopedViewSet):
    """Reference data (regions, schools, inspectors…) saved and deleted through the audited
    ``model_save`` and ``model_delete``."""

    save_service = model_save
    delete_service = model_delete
