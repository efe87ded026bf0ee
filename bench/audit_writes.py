"""Times audited writes of many offices at once against the same writes without the audit trail.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/dudao_bench python bench/audit_writes.py --clients 50

On the province of ``bench/generate.py`` (PostgreSQL): ``--clients`` threads, each signed in as the
administrator of a different county office (``admin_<region code>``), all started together, each
setting ``--writes`` days of its office's calendar through ``calendar_day_set`` (the calendar
page's service: the checks, the row saved, its audit event appended to the office's chain, one
transaction each). Then the same writes with the audit trail switched off (``record`` replaced by
nothing), on other dates. It prints the writes per second of each and their ratio, then checks that
``verify_chain`` finds every chain intact, and that it finds an altered event and a removed one
(both made inside a transaction that is rolled back).

Every run writes with a note of its own, so that a second run changes the rows again instead of
finding them as they are. The rows stay in the database (offices' own days after 2031).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402

from dudao.accounts.models import User  # noqa: E402
from dudao.audit import services as audit_services  # noqa: E402
from dudao.audit.models import AuditEvent  # noqa: E402
from dudao.organizations.models import CalendarDay, Office, Region  # noqa: E402
from dudao.organizations.services import calendar_day_set  # noqa: E402

FIRST_DAY = datetime.date(2031, 1, 1)


def offices(count: int) -> list[tuple[User, Office]]:
    found = []
    for office in Office.objects.filter(region__level=Region.Level.COUNTY).select_related("region").order_by("region__code"):
        user = User.objects.filter(username=f"admin_{office.region.code}").first()
        if user is not None:
            found.append((user, office))
        if len(found) == count:
            return found
    raise SystemExit(f"only {len(found)} county offices with an administrator: generate the province first")


def run(clients: list[tuple[User, Office]], writes: int, first: datetime.date, note: str) -> tuple[float, int]:
    """All clients at once; returns the wall time and the number of failed writes."""
    barrier = threading.Barrier(len(clients) + 1)
    failures = []

    def client(user, office):
        user = User.objects.get(pk=user.pk)  # a fresh user: its scope is computed in this thread
        barrier.wait()
        try:
            for i in range(writes):
                try:
                    calendar_day_set(actor=user, office_id=office.pk, date=first + datetime.timedelta(days=i),
                                     kind=CalendarDay.Kind.HOLIDAY, name="测试", note=note)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if failures:
        print(f"  {len(failures)} failed, for example {failures[0]}")
    return time.perf_counter() - started, len(failures)


def tamper_is_found() -> tuple[bool, bool]:
    """Whether ``verify_chain`` reports an event altered in place and an event removed."""
    found = []
    for change in ("alter", "remove"):
        try:
            with transaction.atomic():
                event = AuditEvent.objects.filter(action__startswith="organizations.calendarday").order_by("-seq")[1]
                with connection.cursor() as cursor:
                    if change == "alter":
                        cursor.execute("UPDATE audit_auditevent SET reason = 'altered' WHERE id = %s", [event.pk])
                    else:
                        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
                found.append(bool(audit_services.verify_chain()))
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    return found[0], found[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--writes", type=int, default=40, help="writes per client")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only: set DATABASE_URL to the province of bench/generate.py")
    clients = offices(args.clients)
    note = f"bench {time.time():.0f}"
    total = args.clients * args.writes
    events_before = AuditEvent.objects.count()

    audited_s, audited_failed = run(clients, args.writes, FIRST_DAY, note)
    events = AuditEvent.objects.count() - events_before
    record = audit_services.record
    audit_services.record = lambda **kwargs: None  # the same writes, no audit event
    try:
        plain_s, plain_failed = run(clients, args.writes, FIRST_DAY + datetime.timedelta(days=366), note)
    finally:
        audit_services.record = record
    problems = audit_services.verify_chain()
    altered, removed = tamper_is_found()

    rows = [
        ("clients (county offices) × writes", f"{args.clients} × {args.writes}", ""),
        ("audited: writes/s", f"{total / audited_s:.0f}", f"{audited_s:.1f} s, {audited_failed} failed, {events} events"),
        ("without audit: writes/s", f"{total / plain_s:.0f}", f"{plain_s:.1f} s, {plain_failed} failed"),
        ("audited / without", f"{audited_s / plain_s:.2f}× the time", "goal: within 2×"),
        ("verify_chain on the whole log", "intact" if not problems else f"{len(problems)} problems", ""),
        ("an altered event, a removed event", f"found: {altered}, {removed}", "inside a rolled-back transaction"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note_ in rows:
        print(f"{name:<{width}}  {value:>16}  {note_}")


if __name__ == "__main__":
    main()
