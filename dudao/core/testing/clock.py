"""pytest plugin: run the suite on a moved clock, and mark the tests whose outcome depends on the date.

With ``DUDAO_TEST_TODAY=YYYY-MM-DD`` every process of the run (the xdist workers included) lives on
that day from the start: ``time-machine`` moves ``datetime``, ``date.today()`` and ``time.time()`` to
09:30 of that day in the project's time zone, and the clock ticks on from there. ``make test`` runs
the ``clock`` part of the suite this way on several days (``scripts/run-tests.sh``), so that a suite
green today is green next month, on 29 February and on 31 December.

A test module belongs to the ``clock`` part when it reads the date (``localdate()``, ``now()``,
``date.today()``, a frozen ``travel``) or when it covers an area where the date decides the outcome
(the demo, dashboards, reports and assessment; plans, terms and tasks; visits, deadlines and overdue
notices; campaigns; complaints and working days; reminders; evaluations, surveys and listings;
directives). Tests that need one particular "today" freeze it
themselves with ``time_machine.travel``; the moved clock is the default they start from.
"""

from __future__ import annotations

import datetime
import os
import re
import zoneinfo
from pathlib import Path

import pytest

ENV_SWITCH = "DUDAO_TEST_TODAY"
READS_THE_DATE = re.compile(r"localdate\(|date\.today\(|timezone\.now\(|datetime\.now\(|time_machine|travel\(")
DATED_AREAS = re.compile(
    r"/(reports|plans|campaigns|complaints|notifications|inspections)/|"
    r"demo|dashboard|deadline|overdue|working|term|remind|evaluation|survey|assessment|listing|directive"
)

_traveller = None


def moved_today() -> datetime.date | None:
    value = os.environ.get(ENV_SWITCH, "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{ENV_SWITCH}={value!r} is not a date (YYYY-MM-DD)") from None


def pytest_configure(config):
    config.addinivalue_line("markers", "clock: the outcome depends on today's date; run again on moved clocks")
    day = moved_today()
    if day is None:
        return
    import time_machine

    zone = zoneinfo.ZoneInfo(os.environ.get("DUDAO_TIME_ZONE", "Asia/Shanghai"))
    global _traveller
    _traveller = time_machine.travel(datetime.datetime.combine(day, datetime.time(9, 30), tzinfo=zone), tick=True)
    _traveller.start()


def pytest_unconfigure(config):
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_report_header(config):
    day = moved_today()
    return f"clock moved to {day.isoformat()} ({ENV_SWITCH})" if day else None


_module_is_dated: dict[Path, bool] = {}


def _dated(path: Path, root: Path) -> bool:
    if path not in _module_is_dated:
        try:
            source = path.read_text(encoding="utf-8")
        except OSError:
            source = ""
        _module_is_dated[path] = bool(READS_THE_DATE.search(source) or DATED_AREAS.search('/' + _relative(path, root)))
    return _module_is_dated[path]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _dated(Path(item.fspath), config.rootpath):
            item.add_marker(pytest.mark.clock)


def moved_clocks(today: datetime.date) -> list[datetime.date]:
    """The days ``make test`` moves the clock to, counted from ``today`` so that none of them passes:
    the next 31 December, 1 January, 29 February of a leap year and 10 August (the summer holiday), and
    the same day three years ahead."""

    def next_on(month: int, day: int) -> datetime.date:
        year = today.year
        while True:
            try:
                candidate = datetime.date(year, month, day)
            except ValueError:  # 29 February of a common year
                candidate = None
            if candidate is not None and candidate > today:
                return candidate
            year += 1

    try:
        ahead = today.replace(year=today.year + 3)
    except ValueError:
        ahead = today.replace(year=today.year + 3, day=28)
    return [next_on(12, 31), next_on(2, 29), next_on(1, 1), next_on(8, 10), ahead]


if __name__ == "__main__":  # the moved clocks of scripts/run-tests.sh, one a line
    print("\n".join(day.isoformat() for day in moved_clocks(datetime.date.today())))
