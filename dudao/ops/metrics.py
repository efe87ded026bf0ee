"""``/metrics``: Prometheus text exposition of this site's requests and background jobs.

* ``dudao_http_request_duration_seconds`` (histogram) and ``dudao_http_requests_total`` (counter),
  labelled by the URL pattern's view name (``reports:dashboard``; ``unresolved`` for addresses that
  match none, so that random paths make no new series) and the status class (``2xx`` ... ``5xx``);
* ``dudao_jobs`` (gauge, by ``state``), ``dudao_job_queue_length`` and
  ``dudao_job_queue_oldest_seconds``, read from the database at each scrape.

Several gunicorn workers: with ``PROMETHEUS_MULTIPROC_DIR`` set (before the workers start; see
``dudao.ops.gunicorn``) every worker writes its counters to files in that directory and any worker
answering the scrape sums them all, so one scrape gives the whole app server; without it each process
reports only itself (development, tests).

Off unless ``DUDAO_METRICS_TOKEN`` (sent as ``Authorization: Bearer <token>``) or
``DUDAO_METRICS_ALLOW`` (client addresses, as the rate limits see them) is set: then 404. A request
that is neither gets 403.
"""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from dudao.core.ratelimit import client_ip
from dudao.jobs.models import Job
from dudao.ops.health import queue_state

BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_SECONDS = Histogram("dudao_http_request_duration_seconds", "Time to answer a request",
                            ["view", "status"], buckets=BUCKETS)
REQUESTS = Counter("dudao_http_requests", "Requests answered", ["view", "status"])


def observe(view: str, status_code: int, seconds: float) -> None:
    status = f"{status_code // 100}xx"
    REQUEST_SECONDS.labels(view=view, status=status).observe(seconds)
    REQUESTS.labels(view=view, status=status).inc()


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "unresolved"
    return match.view_name or "unresolved"


class MetricsMiddleware:
    """Times every request (first in ``MIDDLEWARE``, so the whole stack is counted)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        observe(view_name(request), response.status_code, time.perf_counter() - started)
        return response


class JobCollector:
    """The background jobs, read at scrape time (the same numbers from whichever worker answers)."""

    def collect(self):
        by_state = GaugeMetricFamily("dudao_jobs", "Background jobs by state", labels=["state"])
        counts = dict(Job.objects.order_by().values_list("status").annotate(n=Count("pk")))
        for state in Job.Status.values:
            by_state.add_metric([state], counts.get(state, 0))
        yield by_state
        length, age = queue_state()
        yield GaugeMetricFamily("dudao_job_queue_length", "Background jobs waiting to start", value=length)
        yield GaugeMetricFamily("dudao_job_queue_oldest_seconds", "Age of the oldest job waiting to start",
                                value=age)


def http_registry() -> CollectorRegistry:
    """The request metrics of every worker (multiprocess mode) or of this process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


def allowed(request) -> bool:
    token = settings.DUDAO_METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    return client_ip(request) in settings.DUDAO_METRICS_ALLOW


@never_cache
def metrics(request):
    if not (settings.DUDAO_METRICS_TOKEN or settings.DUDAO_METRICS_ALLOW):
        raise Http404
    if not allowed(request):
        return HttpResponseForbidden("forbidden", content_type="text/plain")
    body = generate_latest(http_registry())
    jobs = CollectorRegistry(auto_describe=False)
    jobs.register(JobCollector())
    body += generate_latest(jobs)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
