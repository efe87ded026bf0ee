from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from dudao.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ()
    raw_id_fields = ("office", "zone", "school")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Dudao"), {"fields": ("full_name", "phone", "language")}))
    list_display = ("username", "full_name", "is_active", "is_superuser")
    search_fields = ("username", "full_name")
    inlines = [MembershipInline]
