"""Chinese first: the user's saved language wins, then the browser's language, then zh-hans."""

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
