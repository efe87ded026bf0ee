"""Times the dashboards, the loop's lists and the list APIs against a generated province.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/dudao_bench python bench/run.py --runs 5

Each page is requested once to warm up, then ``--runs`` times; the table shows the median and the
95th percentile (nearest rank: with 5 runs, the slowest) of the wall time of the whole request
through Django's test ``Client`` (middleware, view, queries, template or serializer), the number of
SQL queries, their total time and the slowest single query (from one more request with the queries
captured). The test environment is not set up (no template instrumentation) and ``DEBUG`` is
turned off, so the times are those of a production request minus the network. Users are the ones ``bench/generate.py`` creates.
``--markdown FILE`` also writes the table as markdown; ``--explain`` prints ``EXPLAIN ANALYZE`` of
the slowest query of each page.

Beside the pages, each role's run times the framework floor (``bench/floor_urls.py``: one query and a
one-line template behind the same middleware, without the menu's context processors) the same way, and each page gets its ratio to the floor's
p95 and a verdict against the goal of its kind: aggregate pages (dashboards, coverage, a school at a
glance, a comparison) p95 ≤ 150 ms; list pages and list APIs p95 ≤ 30× the floor; small pages (the
inbox, a detail page) p95 ≤ 10× the floor; every page at most 300 KB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.ROOT_URLCONF = "bench.floor_urls"

# As in production: no query log on every request, no template debug information. The other
# DEBUG-dependent settings (static files storage, HTTPS redirects) were fixed when the settings
# were read, so the pages render with plain static URLs over http://testserver.
settings.DEBUG = False

# As an app server starts (gunicorn imports dudao.wsgi): the URLs and views loaded, and everything
# loaded handed to the collector's permanent generation; like an app server's process, the run
# freezes what lives on once more after its first 300 requests (``dudao.wsgi.settle_again``).
import dudao.wsgi  # noqa: E402,F401
from dudao.accounts.models import User  # noqa: E402
from dudao.inspections.models import Visit  # noqa: E402
from dudao.organizations.models import School  # noqa: E402

AGGREGATE, LIST, SMALL = "aggregate", "list", "small"
GOAL_AGGREGATE_MS = 150
GOAL_LIST_FLOORS = 30
GOAL_SMALL_FLOORS = 10
GOAL_KB = 300
FLOOR = "/bench-floor/"

ROLES = [
    ("inspector", "bench_inspector"),
    ("zone leader", "bench_zone_leader"),
    ("county office", "bench_county_admin"),
    ("city office", "bench_city_admin"),
    ("province office", "bench_province_admin"),
]
SCHOOL_PAGES = [
    "/",
    "/inspections/coverage/",
    "/inspections/rectifications/",
    "/inspections/visits/",
    "/plans/tasks/",
    "/api/v1/inspections/visits/",
    "/api/v1/inspections/rectifications/",
    "/api/v1/plans/tasks/",
    "/schools/{school}/portrait/",
    "/api/v1/reports/schools/{school}/portrait/",
    "/inspections/visits/{visit}/",
    "/notifications/",
]
OFFICE_PAGES = [
    *SCHOOL_PAGES[:4],
    "/inspections/rectifications/overdue/",
    "/inspections/findings/",
    *SCHOOL_PAGES[4:5],
    "/plans/tasks/completion/",
    "/inspections/rectifications/by-region/",
    *SCHOOL_PAGES[5:8],
    "/api/v1/inspections/rectifications/by-region/",
    "/api/v1/inspections/findings/",
    *SCHOOL_PAGES[8:10],
    "/schools/compare/?schools={schools}",
    *SCHOOL_PAGES[10:],
]
KIND = {"/": AGGREGATE, "/inspections/coverage/": AGGREGATE, "/plans/tasks/completion/": AGGREGATE,
        "/inspections/rectifications/by-region/": AGGREGATE, "/api/v1/inspections/rectifications/by-region/": AGGREGATE,
        "/schools/{school}/portrait/": AGGREGATE,
        "/api/v1/reports/schools/{school}/portrait/": AGGREGATE, "/schools/compare/?schools={schools}": AGGREGATE,
        "/inspections/visits/{visit}/": SMALL, "/notifications/": SMALL}
PAGES = {
    "inspector": SCHOOL_PAGES,
    "zone leader": [*SCHOOL_PAGES, "/inspections/rectifications/overdue/"],
    "county office": OFFICE_PAGES,
    "city office": OFFICE_PAGES,
    "province office": OFFICE_PAGES,
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # nearest rank
    return ordered[int(rank) - 1]


def measure(client: Client, url: str, runs: int) -> dict:
    response = client.get(url)  # warm-up (and the status to report)
    if response.status_code != 200:
        return {"status": response.status_code, "times": [0.0], "queries": 0, "slowest": (0.0, ""), "bytes": 0}
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    captured = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
    captured_sorted = sorted(captured, reverse=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "status": response.status_code, "times": times, "queries": len(captured),
        "slowest": max(captured, default=(0.0, "")), "sql_ms": sum(t for t, _ in captured),
        "explained": max(((t, sql) for t, sql in captured if sql.lstrip().upper().startswith(("SELECT", "WITH"))),
                         default=(0.0, "")),
        "top": captured_sorted[:int(os.environ.get("BENCH_TOP", 3))],
        "bytes": len(response.content),
    }


def verdict(kind: str, p95: float, kb: float, floor_p95: float) -> str:
    """Whether a page meets the goal of its kind (see the module's docstring), and if not, why."""
    missed = []
    if kind == AGGREGATE and p95 > GOAL_AGGREGATE_MS:
        missed.append(f"p95 > {GOAL_AGGREGATE_MS} ms")
    limit = {LIST: GOAL_LIST_FLOORS, SMALL: GOAL_SMALL_FLOORS}.get(kind)
    if limit and p95 > limit * floor_p95:
        missed.append(f"p95 > {limit}× floor")
    if kb > GOAL_KB:
        missed.append(f"> {GOAL_KB} KB")
    return "met" if not missed else "not met: " + ", ".join(missed)


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--role", action="append", help="only these roles (repeatable)")
    parser.add_argument("--page", action="append", help="only these URLs (repeatable)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of each page")
    parser.add_argument("--top", action="store_true", help="print the three slowest queries of each page")
    args = parser.parse_args(argv)
    rows = []
    print(f"{'page':42} {'role':16} {'median ms':>10} {'p95 ms':>9} {'× floor':>8} {'queries':>8} {'SQL ms':>8} "
          f"{'slowest q ms':>12} {'KB':>7}  verdict")
    for role, username in ROLES:
        if args.role and role not in args.role:
            continue
        user = User.objects.get(username=username)  # scope: a bench script signs its users in
        client = Client()
        client.force_login(user)
        schools = list(School.objects.for_user(user).order_by("code").values_list("pk", flat=True)[:5])
        # the school's latest submitted visit (a draft is its author's alone)
        visit = (Visit.objects.for_user(user).filter(school_id=schools[0], status=Visit.Status.SUBMITTED)
                 .order_by("-date").values_list("pk", flat=True)[:1])
        floor = measure(client, FLOOR, args.runs)
        floor_p95 = percentile(floor["times"], 95)
        print(f"{'framework floor':42} {role:16} {statistics.median(floor['times']):10.1f} {floor_p95:9.1f} "
              f"{1:8.0f} {floor['queries']:8d}", flush=True)
        rows.append({"url": "framework floor", "role": role, "status": 200, "median": statistics.median(floor["times"]),
                     "p95": floor_p95, "ratio": 1.0, "queries": floor["queries"], "sql_ms": floor["sql_ms"],
                     "slow_ms": floor["slowest"][0], "kb": floor["bytes"] / 1024, "verdict": ""})
        for page in PAGES[role]:
            if args.page and page not in args.page:
                continue
            # a school's pages: the user's first school by code (its latest visit), and their first
            # five side by side
            url = page.format(school=schools[0], schools=",".join(map(str, schools)), visit=visit[0] if visit else 0)
            result = measure(client, url, args.runs)
            median = statistics.median(result["times"])
            p95 = percentile(result["times"], 95)
            slow_ms, slow_sql = result["slowest"]
            kb = result["bytes"] / 1024
            row = {"url": page, "role": role, "status": result["status"], "median": median, "p95": p95,
                   "ratio": p95 / floor_p95, "queries": result["queries"], "sql_ms": result.get("sql_ms", 0.0),
                   "slow_ms": slow_ms, "slow_sql": slow_sql, "kb": kb,
                   "verdict": verdict(KIND.get(page, LIST), p95, kb, floor_p95) if result["status"] == 200
                   else f"HTTP {result['status']}"}
            rows.append(row)
            print(f"{page:42} {role:16} {median:10.0f} {p95:9.0f} {row['ratio']:8.0f} {row['queries']:8d} "
                  f"{row['sql_ms']:8.0f} {slow_ms:12.0f} {kb:7.0f}  {row['verdict']}", flush=True)
            if args.top:
                for ms, sql in result.get("top", []):
                    print(f"    {ms:8.0f} ms  {sql[:300]}")
            if args.explain and result.get("explained", (0, ""))[1]:  # the slowest query that reads
                print("    slowest read: " + result["explained"][1][:600])
                print("    " + explain(result["explained"][1]).replace("\n", "\n    "))
    judged = [r for r in rows if r["verdict"]]
    met = sum(r["verdict"] == "met" for r in judged)
    print(f"\n{met} of {len(judged)} pages meet their goal")
    if args.markdown:
        lines = [
            f"Runs per page: {args.runs} after one warm-up; times in ms for the whole request; × floor: the "
            "page's p95 over the framework floor's p95 for the same role in the same run.",
            "",
            "| page | role | median ms | p95 ms | × floor | queries | SQL ms | slowest query ms | response KB | verdict |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in rows:
            status = "" if r["status"] == 200 else f" (HTTP {r['status']})"
            url = r["url"] if r["url"] == "framework floor" else f"`{r['url']}`"
            lines.append(f"| {url}{status} | {r['role']} | {r['median']:.1f} | {r['p95']:.1f} | {r['ratio']:.0f} "
                         f"| {r['queries']} | {r['sql_ms']:.0f} | {r['slow_ms']:.0f} | {r['kb']:.0f} | {r['verdict']} |")
        lines += ["", f"{met} of {len(judged)} pages meet their goal."]
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"\nwrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
