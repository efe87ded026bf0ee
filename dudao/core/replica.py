"""Reads of read-only pages and exports from a streaming replica, when one is configured.

``DUDAO_REPLICA_URL`` adds the ``replica`` database. Nothing reads from it unless asked: only code
inside ``use_replica()`` (a context manager and a decorator) does, and even there

* only reads go to the replica; every write goes to the primary;
* a view decorated with it uses the replica only for GET and HEAD requests;
* the replica is used only while it is reachable and its lag (``replica_lag()``) is at most
  ``DUDAO_REPLICA_MAX_LAG`` seconds; the answer is kept ``DUDAO_REPLICA_CHECK_SECONDS`` per process.
  Otherwise the reads stay on the primary.

Mark only code that reads and never reads back what it wrote: the replica may be seconds behind.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
logger = logging.getLogger(__name__)

_reading = contextvars.ContextVar("dudao_replica_reads", default=False)
_checked: dict[str, float | bool] = {"at": float("-inf"), "usable": False}

# 0 when the replica has replayed all it received (an idle primary leaves the replay timestamp
# old, which is no lag); otherwise the age of the last transaction it replayed
LAG_SQL = (
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def configured() -> bool:
    return REPLICA in connections.settings


def replica_lag() -> float:
    """The replica's lag in seconds; raises ``DatabaseError`` when it cannot be reached."""
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0] or 0)
    except DatabaseError:
        connection.close()  # a broken connection is opened afresh next time
        raise


def replica_usable() -> bool:
    """Whether reads may go to the replica now (cached briefly per process)."""
    if not configured():
        return False
    now = time.monotonic()
    if now - _checked["at"] < settings.DUDAO_REPLICA_CHECK_SECONDS:
        return bool(_checked["usable"])
    try:
        lag = replica_lag()
        usable = lag <= settings.DUDAO_REPLICA_MAX_LAG
        if not usable:
            logger.warning("replica lags %.1f s: reading from the primary", lag)
    except DatabaseError as exc:
        logger.warning("replica unreachable, reading from the primary: %s", exc)
        usable = False
    _checked.update(at=now, usable=usable)
    return usable


def forget_replica_state() -> None:
    """Check the replica again at the next read (after a failover, and in tests)."""
    _checked.update(at=float("-inf"), usable=False)


@contextlib.contextmanager
def _replica_reads():
    token = _reading.set(replica_usable())
    try:
        yield
    finally:
        _reading.reset(token)


def use_replica(func=None):
    """``with use_replica():`` reads inside go to the replica when it is usable. As a decorator of
    a view function (``@use_replica``) only its GET and HEAD requests do; on a class-based view
    decorate ``get`` with ``method_decorator(use_replica)``."""
    if func is None:
        return _replica_reads()

    @functools.wraps(func)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "method", None) not in ("GET", "HEAD"):
            return func(request, *args, **kwargs)
        with _replica_reads():
            response = func(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response.render()  # a template response reads its lazy querysets while rendering
            return response

    return wrapper


def reading_from_replica() -> bool:
    return _reading.get()


class ReplicaRouter:
    """Sends reads inside ``use_replica()`` to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA
