from rest_framework import serializers

from dudao.audit.filters import AuditEventFilterSet
from dudao.audit.models import AuditEvent
from dudao.audit.services import model_delete, model_save
from dudao.core.api import ScopedReadViewSet, ScopedViewSet


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "seq", "created_at", "actor", "actor_name", "action", "target_id", "target_repr",
                  "changes", "reason", "hash", "prev_hash"]


class AuditEventViewSet(ScopedReadViewSet):
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["seq", "created_at"]
    ordering = ("-seq",)


class AuditedViewSet(ScopedViewSet):
    """Reference data (regions, schools, inspectors…) saved and deleted through the audited
    ``model_save`` and ``model_delete``."""

    save_service = model_save
    delete_service = model_delete
