from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dudao.accounts.models import Membership, User
from dudao.accounts.services import user_password_set_by_admin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ()
    raw_id_fields = ("office", "zone", "school")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets,
                 (_("Dudao"), {"fields": ("full_name", "phone", "language", "must_change_password")}))
    list_display = ("username", "full_name", "is_active", "is_superuser")
    search_fields = ("username", "full_name")
    inlines = [MembershipInline]

    def response_add(self, request, obj, post_url_continue=None):
        # the administrator typed the new account's password: its owner chooses their own at sign-in
        user_password_set_by_admin(actor=request.user, user_id=obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302 and response.url != request.get_full_path():
                user_password_set_by_admin(actor=request.user, user_id=self.get_object(request, unquote(id)).pk)
        return response
