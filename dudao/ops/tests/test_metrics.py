"""/metrics: Prometheus text of requests and jobs, off unless protected, summed over workers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from prometheus_client.parser import text_string_to_metric_families

from dudao.jobs.models import Job

pytestmark = pytest.mark.django_db
URL = "/metrics"
TOKEN = "scraper-token-for-the-tests"


def samples(body: bytes) -> dict:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body.decode()) for s in family.samples}


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def token(settings):
    settings.DUDAO_METRICS_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def test_off_by_default(client):
    assert client.get(URL).status_code == 404


def test_a_wrong_or_missing_token_is_refused(client, token):
    assert client.get(URL).status_code == 403
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer guess").status_code == 403


def test_an_allowed_address_needs_no_token(client, settings):
    settings.DUDAO_METRICS_ALLOW = ["127.0.0.1"]
    assert client.get(URL).status_code == 200
    settings.DUDAO_METRICS_ALLOW = ["10.0.0.9"]
    assert client.get(URL).status_code == 403


def test_requests_are_counted_by_view_and_status_class(client, token):
    before = samples(client.get(URL, **token).content)
    client.get("/health/")
    client.get("/accounts/login/")
    client.get("/no-such-page/at-all/")
    response = client.get(URL, **token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    after = samples(response.content)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("dudao_http_requests_total", view="accounts:login", status="2xx") == 1
    assert grew("dudao_http_requests_total", view="unresolved", status="4xx") == 1
    assert grew("dudao_http_request_duration_seconds_count", view="accounts:login", status="2xx") == 1
    assert grew("dudao_http_request_duration_seconds_bucket", view="accounts:login", status="2xx", le="+Inf") == 1
    assert grew("dudao_http_requests_total", view="ops:health", status="2xx") + grew(
        "dudao_http_requests_total", view="ops:health", status="5xx") == 1


def test_jobs_by_state_and_the_queue(client, token):
    user = get_user_model().objects.create_user(username="starter", password="x")
    for status in (Job.Status.QUEUED, Job.Status.QUEUED, Job.Status.FAILED):
        Job.objects.create(kind="organizations.import_schools", title="import", created_by=user, status=status)
    found = samples(client.get(URL, **token).content)
    assert value(found, "dudao_jobs", state="queued") == 2
    assert value(found, "dudao_jobs", state="failed") == 1
    assert value(found, "dudao_jobs", state="running") == 0
    assert value(found, "dudao_job_queue_length") == 2
    assert 0 <= value(found, "dudao_job_queue_oldest_seconds") < 60


WORKER = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "dudao.settings"
django.setup()
from dudao.ops import metrics
if sys.argv[1] == "serve":
    metrics.observe("surveys:answer", 200, 0.03)
    metrics.observe("surveys:answer", 302, 0.2)
else:
    from prometheus_client import generate_latest
    sys.stdout.write(generate_latest(metrics.http_registry()).decode())
"""


def test_several_worker_processes_are_summed_in_one_scrape(tmp_path):
    """gunicorn's workers are separate processes: with PROMETHEUS_MULTIPROC_DIR each writes its own
    file and whichever answers the scrape reports the sum."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    root = Path(__file__).resolve().parents[3]

    def run(mode):
        return subprocess.run([sys.executable, "-c", WORKER, mode], env=env, cwd=root, capture_output=True,
                              text=True, timeout=120, check=True).stdout

    run("serve")
    run("serve")
    assert len(list(tmp_path.glob("*.db"))) >= 2  # one file per worker process at least
    found = samples(run("scrape").encode())
    assert value(found, "dudao_http_requests_total", view="surveys:answer", status="2xx") == 2
    assert value(found, "dudao_http_requests_total", view="surveys:answer", status="3xx") == 2
    assert value(found, "dudao_http_request_duration_seconds_bucket", view="surveys:answer", status="2xx",
                 le="0.05") == 2
    assert value(found, "dudao_http_request_duration_seconds_bucket", view="surveys:answer", status="3xx",
                 le="0.1") == 0
