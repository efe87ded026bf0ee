"""``dudao worker`` outlives a database restart: while the database cannot be reached it waits and
tries again, longer each time, instead of exiting and leaving the queue unserved. (The real restart
of a real PostgreSQL under a running worker is in ``dudao/ops/tests/test_cluster.py``.)"""

import pytest
from django.core.management import call_command
from django.db import OperationalError

from dudao.jobs.management.commands import worker


@pytest.fixture
def outage(monkeypatch):
    """The queue runner fails as if the database were down, ``failures`` times, then stops normally."""
    calls, waits = [], []

    def db_worker(name, *argv):
        calls.append((name, argv))
        if len(calls) <= outage.failures:
            raise OperationalError("connection failed: FATAL:  the database system is starting up")

    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker.time, "sleep", waits.append)
    outage.calls, outage.waits = calls, waits
    return outage


def test_worker_waits_and_tries_again_while_the_database_is_down(outage, capsys):
    outage.failures = 6
    call_command("worker")
    assert len(outage.calls) == 7 and all(name == "db_worker" for name, _ in outage.calls)
    assert outage.waits == [1, 2, 5, 10, 30, 30]  # longer each time, at most 30 s
    assert "the database cannot be reached" in capsys.readouterr().err


def test_batch_worker_reports_the_failure(outage):
    outage.failures = 1
    with pytest.raises(OperationalError):
        call_command("worker", "--batch")
    assert outage.waits == []
