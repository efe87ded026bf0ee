from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render

from dudao.core.workflow import TransitionNotAllowed


class DomainErrorMiddleware:
    """Maps domain exceptions to HTTP answers once for every HTML view: 409 wrong state, 404 unseen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TransitionNotAllowed):
            return render(request, "409.html", {"message": str(exception)}, status=409)
        if isinstance(exception, ObjectDoesNotExist):
            raise Http404 from exception
        return None


# The Content-Security-Policy of every page: scripts, styles, images, fonts and requests come from the
# site itself (every asset is vendored), no inline script and no eval, no plug-ins, no framing, forms
# post only here. Styles also allow 'unsafe-inline': templates size charts and progress bars with
# ``style="..."`` attributes and htmx and the API docs add <style> elements (see docs/deploy.md).
CONTENT_SECURITY_POLICY = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'", "'unsafe-inline'"),
    "img-src": ("'self'", "data:", "blob:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "frame-ancestors": ("'none'",),
    "form-action": ("'self'",),
}


def content_security_policy(extra: str = "") -> str:
    """The policy with ``extra`` ("directive source ...; directive ...", the header's own syntax) merged
    in: its sources are added to the directive's (replacing a 'none'), a new directive is appended."""
    policy = {name: list(sources) for name, sources in CONTENT_SECURITY_POLICY.items()}
    for part in extra.split(";"):
        words = part.split()
        if not words:
            continue
        name, sources = words[0].lower(), words[1:]
        current = [s for s in policy.get(name, []) if s != "'none'" or not sources]
        policy[name] = current + [s for s in sources if s not in current]
    return "; ".join(" ".join([name, *sources]) for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Sends the policy (``DUDAO_CSP`` merged in) with every HTML page, as ``...-Report-Only`` when
    ``DUDAO_CSP_REPORT_ONLY``. Other answers (PDFs, photos, JSON, workbooks) run no script, and a
    policy on a PDF would stop Chrome's viewer (it shows the file in a plug-in that object-src blocks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            header = ("Content-Security-Policy-Report-Only" if settings.DUDAO_CSP_REPORT_ONLY
                      else "Content-Security-Policy")
            response.headers.setdefault(header, content_security_policy(settings.DUDAO_CSP))
        return response
