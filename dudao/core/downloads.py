"""File downloads for API clients: the views that serve stored files accept the API's token.

The API lists files by the address of the page view that serves them (a document's ``docx_url``,
an evidence file's ``url``, a job's result). Those views are built for a browser session; put
``TokenDownloadMixin`` first in their bases (or wrap a function view in ``token_download``) and an
``Authorization: Token …`` header, the token from ``POST /api/v1/auth/token/``, signs the request in
as the token's user. Everything else stays the view's own: the same scope (out of scope is 404),
the same SHA-256 check (an altered file is 409). Without the header nothing changes (a browser's
session, or the redirect to the login page); a wrong token answers 401.

``download`` and ``attachment`` make the answer a file the browser saves under its (Chinese) name.
"""

from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.settings import api_settings

from dudao.core.excel import XLSX_CONTENT_TYPE
from dudao.core.files import FileCheckFailed, open_verified

SAFE_METHODS = ("GET", "HEAD")


def attachment(response, filename: str):
    """``response`` saved by the browser as ``filename`` (any characters)."""
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def download(data: bytes, filename: str, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    """``data`` to save as ``filename``: by default an Excel workbook."""
    return attachment(HttpResponse(data, content_type=content_type), filename)


def authenticate_token(request):
    """Signs ``request`` in as the user of its ``Authorization: Token …`` header, if it has one.

    Returns ``None`` to go on (no such header, or the user now set), the 401 answer for a token
    that is wrong, expired with its user, or sent with a method that changes something, or the 403
    the API gives the token of an account that must first change its password."""
    # the API's own token class, with its checks (an account that must change its password: 403)
    authentication = next((cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES
                           if issubclass(cls, TokenAuthentication)), TokenAuthentication())
    header = get_authorization_header(request).split()
    if not header or header[0].lower() != authentication.keyword.lower().encode():
        return None
    try:
        if request.method not in SAFE_METHODS:
            raise exceptions.AuthenticationFailed("A token downloads files; it does not change them here.")
        user, token = authentication.authenticate(request)
    except exceptions.AuthenticationFailed as exc:
        response = JsonResponse({"detail": str(exc.detail)}, status=401)
        response["WWW-Authenticate"] = authentication.authenticate_header(request)
        return response
    except exceptions.PermissionDenied as exc:
        return JsonResponse({"detail": str(exc.detail)}, status=403)
    request.user, request.auth = user, token
    if getattr(user, "language", None) in dict(settings.LANGUAGES):  # as the middleware does for a session
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
    return None


def token_download(view):
    """Decorator of a function view serving a file: it also accepts the API's token."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        refused = authenticate_token(request)
        return refused if refused is not None else view(request, *args, **kwargs)

    return wrapped


class TokenDownloadMixin:
    """First base of a class view serving a file: it also accepts the API's token (see the module)."""

    def dispatch(self, request, *args, **kwargs):
        refused = authenticate_token(request)
        return refused if refused is not None else super().dispatch(request, *args, **kwargs)


def verified_attachment(stored):
    """A stored file (``content_type``, ``original_name``, ``sha256``) as an attachment under its own
    name, served only if it still matches its SHA-256: an altered file answers 409, a lost one 410."""
    try:
        data = open_verified(stored)
    except FileCheckFailed as exc:
        return HttpResponse(_("The stored file failed its check."), status=exc.status_code)
    response = FileResponse(data, content_type=stored.content_type, as_attachment=True, filename=stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Digest"] = f"sha-256={stored.sha256}"
    return response
