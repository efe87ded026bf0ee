"""Chinese first: the user's saved language wins, then the browser's language, then zh-hans."""

import time

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin

SUPPORTED = {code for code, _ in settings.LANGUAGES}


def _from_accept_language(header: str) -> str | None:
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith("zh"):
            return "zh-hans"
        if code.startswith("en"):
            return "en"
    return None


class UserLanguageMiddleware(MiddlewareMixin):
    """Activates the language before authentication is known: cookie, browser, default."""

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in SUPPORTED:
            code = _from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")) or settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class UserLanguageActivationMiddleware(MiddlewareMixin):
    """Once the user is known, their saved choice wins."""

    def process_request(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in SUPPORTED:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language


class PasswordChangeRequiredMiddleware:
    """Sends a person whose password was set by an office or an administrator to the change-password
    page until they have chosen their own (the API answers them 403 itself, see
    ``accounts.authentication``). Signing out, switching the language and static files stay open."""

    OPEN_URL_NAMES = ("accounts:password_change", "accounts:logout", "accounts:language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password and not self._open(request):
            return self._to_change_page(request)
        return self.get_response(request)

    def _open(self, request) -> bool:
        from django.urls import reverse

        path = request.path_info
        if path.startswith((settings.STATIC_URL, settings.MEDIA_URL, "/api/")):
            return True
        return path in {reverse(name) for name in self.OPEN_URL_NAMES}

    def _to_change_page(self, request):
        from django.http import HttpResponse, HttpResponseRedirect
        from django.urls import reverse
        from django.utils.http import urlencode

        target = reverse("accounts:password_change")
        if request.method == "GET":  # back to the page asked for afterwards (the view checks it is ours)
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return HttpResponseRedirect(target)


class SessionIdleMiddleware:
    """Keeps a signed-in session alive while it is used: the session and its cookie expire
    ``SESSION_COOKIE_AGE`` (``DUDAO_SESSION_IDLE_MINUTES``) after the last activity. The session is
    saved again at most once a minute, not on every request."""

    REFRESH_SECONDS = 60
    KEY = "_dudao_active_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.get("_auth_user_id") is not None:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.REFRESH_SECONDS:
                session[self.KEY] = now  # modified: saved with a new expiry, and the cookie re-sent
        return self.get_response(request)

    @classmethod
    def signed_in(cls, sender, request, user, **kwargs):
        """Signing in counts as activity: the session saved at sign-in carries the time, so the
        first page after it does not save the session again."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())
