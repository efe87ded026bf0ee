"""``/health/``: whether this app server can serve, for the load balancer and monitoring.

Answers JSON without signing in: ``{"status": "ok" | "failing", "failing": [...], "checks": {...}}``
with 200 when every check passes and 503 naming the failing ones otherwise. The checks:

* ``database``: ``SELECT 1`` on the primary within ``DUDAO_HEALTH_DB_TIMEOUT_MS``;
* ``replica`` (only when ``DUDAO_REPLICA_URL`` is set): reachable, lag at most
  ``DUDAO_HEALTH_MAX_REPLICA_LAG`` seconds;
* ``queue``: the background jobs waiting to start, the oldest at most ``DUDAO_HEALTH_MAX_QUEUE_AGE``
  seconds old and at most ``DUDAO_HEALTH_MAX_QUEUE_LENGTH`` of them;
* ``media_disk`` (only when the stored files are in a folder, not an object store), ``var_disk``: at
  least ``DUDAO_HEALTH_MIN_FREE_MB`` free.

``?check=database`` (repeatable) runs only the named checks: a load balancer should not take every
app server out because the job worker is stuck. Numbers only: no paths, versions or error texts.
"""

from __future__ import annotations

import shutil

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dudao.core import replica
from dudao.core.files import media_on_disk
from dudao.jobs.models import Job


def check_database() -> dict:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL statement_timeout = %s", [int(settings.DUDAO_HEALTH_DB_TIMEOUT_MS)])
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"ok": False}
    return {"ok": True}


def check_replica() -> dict:
    try:
        lag = replica.replica_lag()
    except DatabaseError:
        return {"ok": False, "reachable": False}
    return {"ok": lag <= settings.DUDAO_HEALTH_MAX_REPLICA_LAG, "lag_seconds": round(lag, 3)}


def queue_state() -> tuple[int, float]:
    """The queued background jobs: how many, and the age in seconds of the oldest (0 when none)."""
    row = Job.objects.filter(status=Job.Status.QUEUED).aggregate(n=Count("pk"), oldest=Min("created_at"))
    age = (timezone.now() - row["oldest"]).total_seconds() if row["oldest"] else 0.0
    return row["n"], max(age, 0.0)


def check_queue() -> dict:
    try:
        length, age = queue_state()
    except DatabaseError:
        return {"ok": False}
    ok = age <= settings.DUDAO_HEALTH_MAX_QUEUE_AGE and length <= settings.DUDAO_HEALTH_MAX_QUEUE_LENGTH
    return {"ok": ok, "length": length, "oldest_seconds": round(age, 1)}


def _check_disk(path) -> dict:
    try:
        free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    except OSError:
        return {"ok": False}
    return {"ok": free_mb >= settings.DUDAO_HEALTH_MIN_FREE_MB, "free_mb": free_mb}


CHECKS = {
    "database": check_database,
    "replica": check_replica,
    "queue": check_queue,
    "media_disk": lambda: _check_disk(settings.MEDIA_ROOT),
    "var_disk": lambda: _check_disk(settings.VAR_DIR),
}


def run_checks(names=None) -> dict[str, dict]:
    names = [n for n in (names or CHECKS) if (n != "replica" or replica.configured())
             and (n != "media_disk" or media_on_disk())]
    results = {}
    for name in names:
        if name == "queue" and results.get("database", {}).get("ok") is False:
            results[name] = {"ok": False}  # no database, no queue to read
            continue
        results[name] = CHECKS[name]()
    return results


@never_cache
@require_GET
@transaction.non_atomic_requests
def health(request):
    names = request.GET.getlist("check")
    unknown = sorted(set(names) - set(CHECKS))
    if unknown:
        return JsonResponse({"error": "unknown check", "known": sorted(CHECKS)}, status=400)
    results = run_checks(names)
    failing = [name for name, result in results.items() if not result["ok"]]
    return JsonResponse({"status": "failing" if failing else "ok", "failing": failing, "checks": results},
                        status=503 if failing else 200)
