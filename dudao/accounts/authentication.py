"""API authentication that refuses, with a clear 403, a person who must first change the password an
office or an administrator set (``User.must_change_password``). A view with
``open_before_password_change = True`` (the password change itself, ``POST /api/v1/auth/password/``)
takes them."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions


def _refuse_until_changed(request, result):
    if result is None or not result[0].must_change_password:
        return result
    view = (getattr(request, "parser_context", None) or {}).get("view")
    if getattr(view, "open_before_password_change", False):
        return result
    raise exceptions.PermissionDenied(_(
        "Your password was set by the office or an administrator: change it first, on the "
        "change-password page or with POST /api/v1/auth/password/."
    ), code="password_change_required")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        return _refuse_until_changed(request, super().authenticate(request))


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        return _refuse_until_changed(request, super().authenticate(request))


class SessionScheme(OpenApiAuthenticationExtension):
    """The schema names the session cookie as for DRF's own class (tokens are matched by subclass)."""

    target_class = "dudao.accounts.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
