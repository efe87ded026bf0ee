from django.contrib import admin

from dudao.audit.admin import ScopedAdmin
from dudao.organizations.models import Office, Region, School, Zone, ZoneMembership


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")


@admin.register(Office)
class OfficeAdmin(ScopedAdmin):
    list_display = ("name", "region", "hotline")


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    list_display = ("code", "name", "kind", "ownership", "region")
    list_filter = ("kind", "ownership", "location")
    search_fields = ("code", "name")
    list_select_related = ("region",)


@admin.register(Zone)
class ZoneAdmin(ScopedAdmin):
    list_display = ("name", "office", "is_active")


@admin.register(ZoneMembership)
class ZoneMembershipAdmin(ScopedAdmin):
    list_display = ("school", "zone", "valid_from", "valid_to")
    list_select_related = ("school", "zone")
