from django.contrib import admin

from dudao.audit.models import AuditEvent
from dudao.audit.services import model_delete, model_save


class ScopedAdmin(admin.ModelAdmin):
    """The Django admin (superusers): reads through the scope, writes through the audited services."""

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user, "view")

    def save_model(self, request, obj, form, change):
        model_save(actor=request.user, instance=obj, reason="admin")

    def delete_model(self, request, obj):
        model_delete(actor=request.user, instance=obj, reason="admin")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            model_delete(actor=request.user, instance=obj, reason="admin")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "created_at", "actor_name", "action", "target_repr")
    list_filter = ("action",)
    search_fields = ("target_repr", "actor_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
