import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from dudao.core.models import RateLimitCounter
from dudao.core.ratelimit import RateLimitMixin, client_ip, limited, ratelimit

pytestmark = pytest.mark.django_db


def _request(ip="203.0.113.7", forwarded=None, method="post"):
    extra = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return getattr(RequestFactory(), method)("/x/", **extra)


def test_limited_counts_per_client_and_scope():
    # given a limit of 3 per hour
    # when one client sends 4 requests
    answers = [limited(_request(), "t", 3, 3600) for _ in range(4)]
    # then the fourth is over the limit, another client and another scope are not
    assert answers == [False, False, False, True]
    assert limited(_request(ip="198.51.100.1"), "t", 3, 3600) is False
    assert limited(_request(), "other", 3, 3600) is False
    # and the address is stored hashed
    assert not RateLimitCounter.objects.filter(key__contains="203.0.113.7").exists()


def test_forwarded_header_is_ignored_without_trusted_proxies(settings):
    settings.DUDAO_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(ip="10.0.0.1", forwarded="1.2.3.4")) == "10.0.0.1"


def test_forwarded_header_with_one_trusted_proxy(settings):
    # given one proxy that appends the address it saw; the client forged the first entry
    settings.DUDAO_TRUSTED_PROXY_COUNT = 1
    request = _request(ip="10.0.0.1", forwarded="6.6.6.6, 198.51.100.9")
    # then the address the proxy saw counts
    assert client_ip(request) == "198.51.100.9"


def test_decorator_answers_429_with_retry_after():
    # given a view allowing 2 posts a minute
    view = ratelimit("deco", 2, 60)(lambda request: HttpResponse("ok"))
    # when a client posts three times
    codes = [view(_request()).status_code for _ in range(2)]
    third = view(_request())
    # then the third answer is 429 with a wait and a readable page; GET is not counted
    assert codes == [200, 200]
    assert third.status_code == 429
    assert 1 <= int(third["Retry-After"]) <= 60
    assert b"too-many-requests" in third.content
    assert view(_request(method="get")).status_code == 200


def test_mixin_answers_429():
    class Hello(RateLimitMixin, View):
        ratelimit_scope, ratelimit_limit, ratelimit_window = "mixin", 1, 600

        def post(self, request):
            return HttpResponse("ok")

    view = Hello.as_view()
    assert view(_request()).status_code == 200
    assert view(_request()).status_code == 429


def test_stored_keys_cannot_be_reversed_or_linked_and_ended_windows_are_forgotten():
    import hashlib

    from dudao.core.ratelimit import hit

    # given one client's hits in two consecutive windows of a minute
    hit("t", "203.0.113.7", 60, now=1_000_020)
    first = RateLimitCounter.objects.get().key
    hit("t", "203.0.113.7", 60, now=1_000_090)
    # then the plain hash of scope and address is nowhere (a dictionary of addresses finds nothing)
    plain = hashlib.sha256(b"t\x00203.0.113.7").hexdigest()
    assert not RateLimitCounter.objects.filter(key=plain).exists()
    # the second window's key is not the first one's, and the first window, ended, is gone
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) != [first]
    assert RateLimitCounter.objects.count() == 1
