"""Query counts: a list must run no more queries for 200 rows than for 2 (STYLE §7.9, §7.10);
fewer is fine (past ``DUDAO_PICKER_THRESHOLD`` a filter stops reading its drop-down's rows)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def captured(fetch) -> list[str]:
    """The SQL statements ``fetch()`` runs."""
    with CaptureQueriesContext(connection) as ctx:
        fetch()
    return [q["sql"] for q in ctx.captured_queries]


def assert_constant_queries(fetch, grow, *, n: int = 2, m: int = 200) -> int:
    """Grows the data to ``n`` rows, counts ``fetch()``'s queries, grows to ``m`` and counts again.

    ``grow(k)`` adds ``k`` rows; ``fetch()`` makes the request (and checks its answer). A first,
    uncounted fetch warms per-process caches (content types, translations). Returns the count.
    """
    grow(n)
    fetch()
    small = captured(fetch)
    grow(m - n)
    large = captured(fetch)
    if len(large) > len(small):
        extra = [sql for sql in large if sql not in small] or large
        raise AssertionError(
            f"{len(small)} queries with {n} rows but {len(large)} with {m}; e.g.:\n" + "\n".join(extra[:5])
        )
    return len(large)
