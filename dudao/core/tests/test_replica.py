"""Reads marked ``use_replica()`` go to a real streaming replica, and back to the primary when it lags
or is down. PostgreSQL only: the replica is ``pg_basebackup -R`` of the suite's throwaway server."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dudao.core.replica import LAG_SQL, REPLICA, forget_replica_state, replica_lag, use_replica
from dudao.core.testing import pgplugin

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True, databases=["default", REPLICA])]
User = get_user_model()


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    """The standby, and the ``replica`` database pointing at it. Marked a test mirror of ``default``
    so that the tests' tear-down empties only the primary (the standby follows; it refuses writes)."""
    server = pgplugin.start_standby()
    connections.settings[REPLICA] = {**connections.settings["default"], "PORT": str(server.port),
                                     "ATOMIC_REQUESTS": False, "TEST": {"MIRROR": "default"}}
    yield server
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    server.stop()


@pytest.fixture
def replica(standby, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    forget_replica_state()
    yield standby
    connections[REPLICA].close()
    forget_replica_state()


def on_replica(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with use_replica():
            if check():
                return
        forget_replica_state()
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def data_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"] != LAG_SQL]


def signed_in(client, username):
    user = User.objects.create_superuser(username=username, password="Secret-pass-1")
    on_replica(lambda: User.objects.filter(pk=user.pk).exists())
    client.force_login(user)
    return user


def test_the_dashboard_reads_from_the_replica_and_writes_stay_on_the_primary(client, replica):
    signed_in(client, "province")
    forget_replica_state()
    with CaptureQueriesContext(connections[REPLICA]) as from_replica, CaptureQueriesContext(connection) as primary:
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert any(q["sql"] == LAG_SQL for q in from_replica.captured_queries)  # the lag was checked there
    assert len(data_reads(from_replica.captured_queries)) >= 3  # and the page's reads went there
    assert not [q for q in primary.captured_queries if "organizations_school" in q["sql"]]
    # a write inside use_replica() goes to the primary (the standby would refuse it)
    with use_replica():
        User.objects.create_user(username="written-inside", password="x")
        assert User.objects.db_manager("default").filter(username="written-inside").exists()


def test_a_page_not_marked_reads_from_the_primary(client, replica):
    signed_in(client, "county")
    with CaptureQueriesContext(connections[REPLICA]) as from_replica:
        assert client.get(reverse("accounts:profile")).status_code == 200
    assert from_replica.captured_queries == []


def test_a_lagging_replica_is_left_for_the_primary(replica, settings):
    settings.DUDAO_REPLICA_MAX_LAG = 30
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        User.objects.create_user(username="newer-than-the-replica", password="x")
        deadline = time.monotonic() + 30  # the replica has received the change, not applied it
        while replica_lag() == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.1)
        lag = replica_lag()
        assert lag > 1
        with use_replica():  # within the allowed lag: the replica answers, without the new row
            assert not User.objects.filter(username="newer-than-the-replica").exists()
        settings.DUDAO_REPLICA_MAX_LAG = 0.5
        forget_replica_state()
        with use_replica():  # past it: the primary answers
            assert User.objects.filter(username="newer-than-the-replica").exists()
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


def test_a_stopped_replica_is_left_for_the_primary_and_fails_the_health_check(client, replica, settings):
    settings.MEDIA_ROOT = settings.VAR_DIR  # a folder that exists: only the replica may fail
    signed_in(client, "city")
    replica._run("pg_ctl", "-D", replica.datadir, "-w", "-t", "30", "-m", "fast", "stop")
    replica.running = False
    connections[REPLICA].close()
    forget_replica_state()
    with CaptureQueriesContext(connection) as primary:
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert any("organizations_school" in q["sql"] for q in primary.captured_queries)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["replica"]
    assert response.json()["checks"]["replica"] == {"ok": False, "reachable": False}
    assert replica.tmpdir not in response.content.decode()
