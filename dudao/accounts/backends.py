from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from dudao.accounts import lockout


class RoleBackend(ModelBackend):
    """Authenticates by username and password, refusing locked accounts and clients
    (``accounts.lockout``); grants the permissions of the user's current roles."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        until = lockout.refused_until(request, username)
        if until is None:
            user = super().authenticate(request, username=username, password=password, **kwargs)
            if user is not None:
                lockout.succeeded(user)
                return user
            until = lockout.failed(request, username)
        if until is not None:
            if request is not None:
                request.login_locked_until = until
            raise PermissionDenied  # ``authenticate`` stops here and signals a failed sign-in
        return None

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
