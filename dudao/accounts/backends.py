from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """Authenticates by username and password; grants the permissions of the user's current roles."""

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser or user_obj.scope.unrestricted:
            return True
        return perm in user_obj.role_permissions

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        return any(p.startswith(f"{app_label}.") for p in user_obj.role_permissions)
