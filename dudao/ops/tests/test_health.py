"""/health/ answers the load balancer and monitoring from real checks, without signing in."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.jobs.models import Job

pytestmark = pytest.mark.django_db
URL = "/health/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Folders of the test's own: the checkout's ``var/`` exists only after ``make setup``."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()


def queued_job(age: timedelta) -> Job:
    user = get_user_model().objects.create_user(username=f"starter-{Job.objects.count()}", password="x")
    job = Job.objects.create(kind="organizations.import_schools", title="import", created_by=user)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - age)
    return job


def test_healthy_site_answers_200_with_every_check(client, settings):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "queue", "media_disk", "var_disk"}  # no replica configured
    assert body["checks"]["queue"] == {"ok": True, "length": 0, "oldest_seconds": 0.0}
    assert body["checks"]["media_disk"]["free_mb"] > 0
    text = response.content.decode()
    assert str(settings.MEDIA_ROOT) not in text and str(settings.VAR_DIR) not in text
    assert "no-cache" in response["Cache-Control"]


def test_with_an_object_store_there_is_no_media_disk_to_check(client, settings, s3_media):
    settings.DUDAO_HEALTH_MIN_FREE_MB = 10**12  # no folder could pass: the media one is not asked
    settings.MEDIA_ROOT = "/nonexistent-media-folder"
    body = client.get(URL, {"check": ["database", "media_disk"]}).json()
    assert set(body["checks"]) == {"database"} and body["status"] == "ok"
    assert "media_disk" not in client.get(URL).json()["checks"]


def test_queue_older_than_the_threshold_answers_503_naming_it(client, settings):
    settings.DUDAO_HEALTH_MAX_QUEUE_AGE = 900
    queued_job(timedelta(hours=2))
    queued_job(timedelta(minutes=1))
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and body["failing"] == ["queue"]
    assert body["checks"]["queue"]["length"] == 2
    assert body["checks"]["queue"]["oldest_seconds"] >= 7200
    assert body["checks"]["database"] == {"ok": True}


def test_finished_jobs_are_not_queued(client, settings):
    settings.DUDAO_HEALTH_MAX_QUEUE_AGE = 900
    job = queued_job(timedelta(hours=2))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED)
    assert client.get(URL).status_code == 200


def test_too_long_a_queue_answers_503(client, settings):
    settings.DUDAO_HEALTH_MAX_QUEUE_LENGTH = 1
    queued_job(timedelta(seconds=5))
    assert client.get(URL).status_code == 200
    queued_job(timedelta(seconds=5))
    response = client.get(URL)
    assert response.status_code == 503 and response.json()["failing"] == ["queue"]


def test_too_little_free_disk_answers_503(client, settings):
    settings.DUDAO_HEALTH_MIN_FREE_MB = 10**12
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["failing"] == ["media_disk", "var_disk"]


def test_a_missing_media_folder_fails_without_saying_where(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "not-mounted")
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["media_disk"] == {"ok": False}
    assert "not-mounted" not in response.content.decode()


def test_only_the_named_checks_run(client, settings):
    settings.DUDAO_HEALTH_MAX_QUEUE_AGE = 900
    queued_job(timedelta(hours=2))
    response = client.get(URL, {"check": "database"})
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database"}
    assert client.get(URL, {"check": ["database", "queue"]}).status_code == 503


def test_an_unknown_check_is_a_400(client):
    response = client.get(URL, {"check": "everything"})
    assert response.status_code == 400
    assert "database" in response.json()["known"]


def test_only_get(client):
    assert client.post(URL).status_code == 405
