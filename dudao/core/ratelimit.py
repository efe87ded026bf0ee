"""A fixed-window rate limiter keyed by client address, shared by every process through the database.

``limited(request, scope, limit, window_seconds)`` counts one hit of the client in ``scope`` and
answers whether it went over ``limit`` hits in the current window. Views use ``ratelimit(...)``
(a decorator) or ``RateLimitMixin``; both answer 429 with a readable page and ``Retry-After``.
The client address is REMOTE_ADDR, or the address ``DUDAO_TRUSTED_PROXY_COUNT`` proxies in from
the right of X-Forwarded-For when that setting is above 0 (never trust the header otherwise).
Counters store only a keyed hash of scope and address, and are deleted once their window ends.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render

from dudao.core.models import RateLimitCounter


def client_ip(request) -> str:
    proxies = int(getattr(settings, "DUDAO_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-proxies] if len(addresses) >= proxies else addresses[0]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, ip: str, window_start: int) -> str:
    # keyed with the site's secret and the window: a stored key can be neither reversed to an
    # address nor linked to the same client's key in another window
    secret = f"{settings.SECRET_KEY}\x00ratelimit\x00{window_start}".encode()
    return hmac.new(secret, f"{scope}\x00{ip}".encode(), hashlib.sha256).hexdigest()


def _window(window_seconds: int, now: float | None) -> tuple[int, int]:
    now_s = int(now if now is not None else time.time())
    return now_s, now_s - now_s % window_seconds


def hits(scope: str, ident: str, window_seconds: int, now: float | None = None) -> tuple[int, int]:
    """The hits of ``ident`` in ``scope`` in this window so far, without counting one; and the
    seconds left in the window."""
    now_s, start = _window(window_seconds, now)
    count = RateLimitCounter.objects.filter(key=_key(scope, ident, start), window_start=start).values_list(
        "count", flat=True).first() or 0
    return count, max(1, start + window_seconds - now_s)


def hit(scope: str, ident: str, window_seconds: int, now: float | None = None) -> tuple[int, int]:
    """Count one hit of ``ident`` in ``scope``; returns (hits in this window, seconds left in it)."""
    now_s, start = _window(window_seconds, now)
    key = _key(scope, ident, start)
    counters = RateLimitCounter.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not counters.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(key=key, window_start=start, count=1,
                                                    expires_at=start + window_seconds)
            except IntegrityError:  # another process created it first
                counters.update(count=F("count") + 1)
            # a client's first hit in a window also forgets every window that has ended
            RateLimitCounter.objects.filter(expires_at__lt=now_s).delete()
        count = counters.values_list("count", flat=True).first() or 0
    return count, max(1, start + window_seconds - now_s)


def limited(request, scope: str, limit: int, window_seconds: int) -> bool:
    """Count this request of its client in ``scope``; True when the client is over ``limit``."""
    count, retry_after = hit(scope, client_ip(request), window_seconds)
    request.ratelimit_retry_after = retry_after
    return count > limit


def too_many_requests(request, retry_after: int | None = None):
    retry_after = retry_after or getattr(request, "ratelimit_retry_after", 60)
    response = render(request, "429.html", {"retry_after": retry_after,
                                            "retry_minutes": max(1, (retry_after + 59) // 60)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(scope: str, limit: int, window_seconds: int, methods: tuple[str, ...] = ("POST",)):
    """Decorator of a function view: over the limit, answer 429 instead of calling it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and limited(request, scope, limit, window_seconds):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RateLimitMixin:
    """Class-based views: set ``ratelimit_scope``, ``ratelimit_limit``, ``ratelimit_window`` and
    optionally ``ratelimit_methods`` (POST by default)."""

    ratelimit_scope: str = ""
    ratelimit_limit: int = 10
    ratelimit_window: int = 3600
    ratelimit_methods: tuple[str, ...] = ("POST",)

    def dispatch(self, request, *args, **kwargs):
        if request.method in self.ratelimit_methods and limited(
            request, self.ratelimit_scope or type(self).__name__, self.ratelimit_limit, self.ratelimit_window,
        ):
            return too_many_requests(request)
        return super().dispatch(request, *args, **kwargs)
