from django.contrib import admin

from dudao.audit.admin import ScopedAdmin
from dudao.inspectors.models import Inspector, Listing


@admin.register(Inspector)
class InspectorAdmin(ScopedAdmin):
    list_display = ("name", "certificate_no", "kind", "status", "office", "user")
    search_fields = ("name", "certificate_no")
    readonly_fields = ("status",)


@admin.register(Listing)
class ListingAdmin(ScopedAdmin):
    list_display = ("school", "inspector", "valid_from", "valid_to")
    list_select_related = ("school", "inspector")
