"""Load through nginx on the cluster of ``scripts/cluster.sh``: the public and the staff, with failures.

    scripts/cluster.sh up                      # CLUSTER_DURABLE=1 keeps PostgreSQL's durable defaults
    python bench/cluster_load.py prepare       # the demo county, an open parents' survey, the accounts
    python bench/cluster_load.py public --seconds 300 --clients 8 [--kill-app app2 --kill-at 60]
                                               [--restart-db-at 120] [--markdown FILE]
    python bench/cluster_load.py staff --users 50 --seconds 600 [--markdown FILE]

    CLUSTER_DATABASE_URL=postgres://…/dudao_bench scripts/cluster.sh up   # bench/generate.py's province
    python bench/cluster_load.py prepare --province    # its five bench accounts, signed in by password
    python bench/cluster_load.py baseline --runs 20    # each page alone, one request at a time
    python bench/cluster_load.py staff --users 50 --seconds 600 --markdown FILE

``public``: parents answering the survey through its links (GET the page, POST the answers) and, one
in ten, a complaint through a school's signboard page; each from its own loopback address
(127.x.y.z), so the rate limits count every parent apart as they do behind the documented nginx
(``DUDAO_TRUSTED_PROXY_COUNT=1``). ``staff``: every demo role signed in (office, city, zone leader,
inspectors, school), reading its pages and lists with a think time, and the inspectors saving draft
visits through the API; with ``prepare --province``, the province's inspector, zone leader, county,
city and province offices instead. ``baseline``: each account's pages one request at a time, whose
p95 the ``staff`` report then sets beside each page's p95 under load. Each run ends by reading the database: every acknowledged answer, complaint
(by its tracking code) and visit (by its client UUID) must be there ("lost" counts those that are not).

``--kill-app NAME --kill-at S`` kills that app server (SIGKILL to its gunicorn master and workers) S
seconds into the run; ``--restart-db-at S`` restarts the PostgreSQL primary (``pg_ctl restart -m
immediate``: a crash, not a clean stop) S seconds in. The cluster's folder is CLUSTER_DIR
(default /tmp/dudao-cluster). The load generator runs on the same machine as everything else.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import random
import re
import signal
import ssl
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
DIR = Path(os.environ.get("CLUSTER_DIR", "/tmp/dudao-cluster"))
PASSWORD = "dudao-demo"
IDLE_SECONDS = 30  # a connection idle this long is not reused (nginx closes them after 75 s by default)
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE_RE = re.compile(r'data-testid="tracking-code">([^<]+)<')
STAFF_PAGES = {  # role -> pages it reads (its loop picks one at random, then thinks)
    "office": ["/", "/inspections/visits/", "/inspections/coverage/", "/inspections/rectifications/",
               "/inspections/findings/", "/plans/tasks/", "/complaints/", "/api/v1/inspections/visits/"],
    "city": ["/", "/inspections/coverage/", "/inspections/rectifications/overdue/", "/plans/tasks/"],
    "inspector": ["/", "/inspections/visits/", "/inspections/visits/add/", "/plans/tasks/",
                  "/inspections/rectifications/", "/api/v1/inspections/visits/"],
    "school": ["/", "/inspections/rectifications/"],
    "zone": ["/", "/inspections/visits/", "/inspections/coverage/", "/inspections/rectifications/overdue/",
             "/plans/tasks/"],
    "province": ["/", "/inspections/coverage/", "/plans/tasks/completion/", "/inspections/rectifications/overdue/",
                 "/inspections/findings/", "/plans/tasks/", "/api/v1/inspections/visits/"],
}
PROVINCE_ACCOUNTS = {"inspector": ["bench_inspector"], "zone": ["bench_zone_leader"], "office": ["bench_county_admin"],
                     "city": ["bench_city_admin"], "province": ["bench_province_admin"]}


def cluster_env() -> dict:
    path = DIR / "cluster.env"
    if not path.exists():
        sys.exit(f"no cluster at {DIR}: run scripts/cluster.sh up first")
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def in_django(code: str) -> str:
    """Runs ``code`` with the cluster's settings in a fresh process; returns what it printed."""
    env = {**os.environ, **cluster_env()}
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "dudao"), "shell", "-c", code], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode:
        sys.exit(done.stdout + done.stderr)
    return done.stdout


PREPARE = r'''
import json
from django.utils import timezone
from dudao.accounts.models import User
from dudao.complaints.views.public import public_school_path
from dudao.inspectors.models import Listing
from dudao.instruments.models import Instrument
from dudao.organizations.models import School
from dudao.surveys import answering, services
from dudao.surveys.models import Survey, SurveyLink
from dudao.instruments.selectors import version_items
admin = User.objects.get(username="office_admin")
from dudao.organizations.models import Office
office = Office.objects.get(pk=min(admin.scope.office_ids))
version = Instrument.objects.get(code="survey-parents-satisfaction").versions.order_by("-number").first()
schools = list(School.objects.for_user(admin).values_list("pk", flat=True))
survey = Survey.objects.filter(office=office, title="负载测试家长满意度调查").first()
if survey is None:
    today = timezone.localdate()
    survey = services.survey_create(actor=admin, office_id=office.pk, title="负载测试家长满意度调查",
                                    year=today.year, version_id=version.pk, groups=["parents"],
                                    closes_on=today.replace(year=today.year + 1), school_ids=schools)
    services.survey_open(actor=admin, survey_id=survey.pk)
fields = {}
for item in version_items(version=version):
    if item.response_type == "rating":
        fields[answering.field_name(item.code)] = item.options[-1]
links = list(SurveyLink.objects.filter(survey=survey).values_list("token", flat=True))
listed = {}
for row in Listing.objects.filter(valid_to__isnull=True, inspector__user__isnull=False).values(
        "inspector__user__username", "school_id"):
    listed.setdefault(row["inspector__user__username"], row["school_id"])
print(json.dumps({"survey": survey.pk, "links": links, "fields": fields,
                  "schools": [public_school_path(pk) for pk in schools], "listed": listed,
                  "accounts": {"office": ["office_admin", "office_staff"], "city": ["city_admin"],
                               "inspector": sorted(listed), "school": ["principal", "liaison"]}}))
'''


PREPARE_PROVINCE = r'''
import json
from dudao.accounts.models import User
from dudao.inspectors.models import Listing
accounts = %s
for name in (n for names in accounts.values() for n in names):
    user = User.objects.get(username=name)
    user.set_password(%r)
    user.save(update_fields=["password"])
listed = {}
for row in Listing.objects.filter(valid_to__isnull=True, inspector__user__username__in=accounts["inspector"]).values(
        "inspector__user__username", "school_id"):
    listed.setdefault(row["inspector__user__username"], row["school_id"])
print(json.dumps({"survey": None, "links": [], "fields": {}, "schools": [], "listed": listed, "accounts": accounts}))
'''


def prepare(args) -> None:
    if args.province:
        data = json.loads(in_django(PREPARE_PROVINCE % (json.dumps(PROVINCE_ACCOUNTS), PASSWORD)).strip().splitlines()[-1])
        (DIR / "load.json").write_text(json.dumps(data, ensure_ascii=False))
        print(f"the province's accounts {sorted(n for names in data['accounts'].values() for n in names)} sign in "
              f"by password; written to {DIR / 'load.json'}")
        return
    if "yes" not in in_django("from dudao.accounts.models import User; "
                              "print('yes' if User.objects.filter(username='office_admin').exists() else 'no')"):
        print("loading the demo county", flush=True)
        env = {**os.environ, **cluster_env()}
        subprocess.run([str(ROOT / ".venv" / "bin" / "dudao"), "demo"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    data = json.loads(in_django(PREPARE).strip().splitlines()[-1])
    (DIR / "load.json").write_text(json.dumps(data, ensure_ascii=False))
    print(f"survey {data['survey']} with {len(data['links'])} links, {len(data['schools'])} signboards, "
          f"{len(data['listed'])} inspectors with a school; written to {DIR / 'load.json'}")


class Client:
    """One browser: its own connection from its own address, its cookies, and the timings it saw."""

    context = ssl._create_unverified_context()  # the certificate `up` made; nothing leaves the machine

    def __init__(self, url: str, address: str = "127.0.0.1"):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port, self.address = parsed.hostname, parsed.port, address
        self.origin = f"https://{parsed.hostname}:{parsed.port}"
        self.cookies: dict[str, str] = {}
        self.connection = None
        self.used = 0.0

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "dudao-bench", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.connection is not None and time.monotonic() - self.used > IDLE_SECONDS:
            self.close()  # as a browser does: never reuse a connection nginx may be closing (keepalive_timeout)
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=60,
                                                              source_address=(self.address, 0))
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ssl.SSLEOFError):
                self.close()  # a kept-alive connection nginx closed meanwhile: once more on a new one
                if attempt == 2 or method != "GET":
                    raise
        self.used = time.monotonic()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, response.getheader("Location", ""), data.decode("utf-8", "replace")

    def form(self, path: str, fields: dict):
        page = path
        status, _, html = self.request("GET", page)
        if status != 200:
            return status, "", html
        token = TOKEN_RE.search(html)
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token.group(1) if token else ""},
                                      doseq=True).encode()
        return self.request("POST", page, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                 "Referer": self.origin + page, "Origin": self.origin})

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = {}
        self.status: Counter = Counter()
        self.acknowledged: dict[str, list[str]] = {"answers": [], "complaints": [], "visits": []}
        self.errors: list[str] = []
        self.timeline: list[tuple[float, str, bool]] = []

    def add(self, kind: str, seconds: float, status, at: float, ok: bool, detail: str = ""):
        with self.lock:
            self.latency.setdefault(kind, []).append(seconds)
            self.status[(kind, status)] += 1
            self.timeline.append((at, kind, ok))
            if not ok and len(self.errors) < 40:
                self.errors.append(f"{at:6.1f}s {kind}: {status} {detail}"[:300])


def address(n: int) -> str:
    return f"127.{1 + n // 65536 % 250}.{n // 256 % 256}.{n % 256 or 1}"


def public_worker(url, data, tally, stop, start, counter, lock, rng):
    links, schools, fields = data["links"], data["schools"], data["fields"]
    while not stop.is_set():
        with lock:
            counter[0] += 1
            n = counter[0]
        client = Client(url, address(n))  # a new parent: a new address, a new connection
        complaint = n % 10 == 0
        began = time.monotonic()
        try:
            if complaint:
                status, location, html = client.form(rng.choice(schools), {
                    "kind": "complaint", "text": f"负载测试第 {n} 条：校门口早晚接送时段拥堵，请督学关注。"})
                code = CODE_RE.search(html) if status == 200 else None
                ok = code is not None
                if ok:
                    tally.acknowledged["complaints"].append(code.group(1))
                kind = "complaint"
            else:
                status, location, html = client.form(f"/s/{rng.choice(links)}/", fields)
                ok = status == 302 and "/thanks/" in location
                if ok:
                    tally.acknowledged["answers"].append(location)
                kind = "answer"
            tally.add(kind, time.monotonic() - began, status, began - start, ok, "" if ok else html[:200])
        except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
            tally.add("complaint" if complaint else "answer", time.monotonic() - began, type(exc).__name__,
                      began - start, False, str(exc))
        finally:
            client.close()


def staff_worker(url, data, tally, stop, start, role, username, rng, think):
    try:
        client, api, token = signed_in(url, username)
    except Exception as exc:  # noqa: BLE001
        tally.add("sign-in", 0, type(exc).__name__, time.monotonic() - start, False, str(exc))
        return
    school = data["listed"].get(username)
    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # the site's day
    while not stop.wait(rng.uniform(*think)):
        began = time.monotonic()
        write = role == "inspector" and school and rng.random() < 0.15
        try:
            if write:
                key = str(uuid.uuid4())
                body = json.dumps({"client_uuid": key, "school": school, "kind": "routine", "date": today,
                                   "purpose": "负载测试：草稿"}).encode()
                status, _, text = api.request("POST", "/api/v1/inspections/visits/", body, {
                    "Content-Type": "application/json", "Authorization": f"Token {token}"})
                ok = status == 201
                if ok:
                    tally.acknowledged["visits"].append(key)
                kind = "visit draft (API)"
            else:
                path = rng.choice(STAFF_PAGES[role])
                headers = {"Authorization": f"Token {token}"} if path.startswith("/api/") else {}
                status, _, text = (api if headers else client).request("GET", path, headers=headers)
                ok = status == 200
                kind = f"{role} {path}"
            tally.add(kind, time.monotonic() - began, status, began - start, ok, "" if ok else text[:200])
        except Exception as exc:  # noqa: BLE001
            tally.add("visit draft (API)" if write else role, time.monotonic() - began, type(exc).__name__,
                      began - start, False, str(exc))
            client.close()
            api.close()


def pids_of(app: str) -> list[int]:
    master = int((DIR / "run" / f"{app}.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [master, *map(int, children)]


def restart_db() -> float:
    bindir = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c",
                             "from dudao.core.testing.pgplugin import find_bindir; print(find_bindir())"],
                            capture_output=True, text=True, cwd=ROOT).stdout.strip()
    command = [f"{bindir}/pg_ctl", "-D", str(DIR / "pg" / "primary"), "-w", "-t", "60", "-m", "immediate",
               "restart", "-l", str(DIR / "log" / "primary.log")]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    began = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    return time.monotonic() - began


def events(args, stop, start, log):
    plan = []
    if args.kill_app and args.kill_at is not None:
        plan.append((args.kill_at, "kill"))
    if args.restart_db_at is not None:
        plan.append((args.restart_db_at, "restart"))
    for at, what in sorted(plan):
        if stop.wait(max(0, start + at - time.monotonic())):
            return
        if what == "kill":
            for pid in pids_of(args.kill_app):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            log.append(f"{time.monotonic() - start:.1f} s: {args.kill_app} killed (SIGKILL, master and workers)")
        else:
            took = restart_db()
            log.append(f"{time.monotonic() - start:.1f} s: PostgreSQL primary restarted after a crash "
                       f"(pg_ctl -m immediate), up again after {took:.1f} s")


CHECK = r'''
import json, sys
from dudao.complaints.models import Complaint
from dudao.inspections.models import Visit
from dudao.surveys.models import SurveyResponse
acknowledged = json.load(open(sys.argv[-1]))
from dudao.complaints.services import code_hash, normalise_code
hashes = {code_hash(normalise_code(c)) for c in acknowledged["complaints"]}
stored_codes = set(Complaint.objects.filter(code_hash__in=hashes).values_list("code_hash", flat=True))
visits = set(str(u) for u in Visit.objects.filter(client_uuid__in=acknowledged["visits"]).values_list("client_uuid", flat=True))
print(json.dumps({"answers_stored": SurveyResponse.objects.filter(survey_id=acknowledged["survey"]).count(),
                  "complaints_stored": len(stored_codes), "visits_stored": len(visits)}))
'''


def stored(survey: int, tally: Tally) -> dict:
    path = DIR / "acknowledged.json"
    path.write_text(json.dumps({"survey": survey, **tally.acknowledged}))
    env = {**os.environ, **cluster_env()}
    script = DIR / "check.py"
    script.write_text(CHECK)
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "dudao"), "shell", "-c",
                           f"import sys; sys.argv.append({str(path)!r}); exec(open({str(script)!r}).read())"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode:
        sys.exit(done.stdout + done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def answers_before(survey: int) -> int:
    out = in_django(f"from dudao.surveys.models import SurveyResponse; "
                    f"print(SurveyResponse.objects.filter(survey_id={survey}).count())")
    return int(out.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(args, tally: Tally, seconds: float, log: list[str], check: dict, before: int) -> str:
    lines = [f"## {args.command} load, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
             f"`bench/cluster_load.py {' '.join(sys.argv[1:])}` — {seconds:.0f} s, load average at the end "
             f"{load_average()}", "",
             "| requests | count | per second | median ms | p95 ms | p99 ms | failed | single user p95 ms | × single |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    single = json.loads((DIR / "baseline.json").read_text()) if args.command == "staff" and (
        DIR / "baseline.json").exists() else {}
    for kind in sorted(tally.latency):
        times = tally.latency[kind]
        failed = sum(n for (k, status), n in tally.status.items() if k == kind and not _ok(kind, status))
        p95 = percentile(times, .95)
        alone = f"{single[kind] * 1000:.0f} | {p95 / single[kind]:.1f}" if single.get(kind) else "|"
        lines.append(f"| {kind} | {len(times)} | {len(times) / seconds:.1f} | {statistics.median(times) * 1000:.0f} "
                     f"| {p95 * 1000:.0f} | {percentile(times, .99) * 1000:.0f} | {failed} | {alone} |")
    lines.append("")
    acknowledged = {k: len(v) for k, v in tally.acknowledged.items()}
    answers_new = check["answers_stored"] - before
    lines.append(f"Acknowledged and stored: answers {acknowledged['answers']} / {answers_new} new rows "
                 f"(lost {max(0, acknowledged['answers'] - answers_new)}), complaints {acknowledged['complaints']} "
                 f"/ {check['complaints_stored']} found by tracking code "
                 f"(lost {acknowledged['complaints'] - check['complaints_stored']}), draft visits "
                 f"{acknowledged['visits']} / {check['visits_stored']} found by client UUID "
                 f"(lost {acknowledged['visits'] - check['visits_stored']}).")
    statuses = ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(tally.status.items(), key=str)
                         if not _ok(k, s))
    lines.append(f"Failures by status: {statuses or 'none'}.")
    for entry in log:
        lines.append(f"- {entry}")
    if tally.errors:
        lines += ["", "First failures:", "```", *tally.errors[:15], "```"]
    if log:
        lines += ["", "Successful answers per 10 s (from the start): " + " ".join(
            str(sum(1 for at, _, ok in tally.timeline if ok and int(at // 10) == slot))
            for slot in range(int(seconds // 10) + 1))]
    return "\n".join(lines) + "\n"


def _ok(kind: str, status) -> bool:
    if kind == "answer":
        return status == 302
    if kind == "visit draft (API)":
        return status == 201
    if kind == "sign-in":
        return False
    return status == 200


def signed_in(url: str, username: str) -> tuple[Client, Client, str]:
    """A browser signed in as ``username`` and an API client holding its token."""
    client, api = Client(url), Client(url)
    status, _, html = client.form("/accounts/login/", {"username": username, "password": PASSWORD})
    if status != 302:
        raise RuntimeError(f"{username} could not sign in ({status}): {html[:200]}")
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    status, _, text = api.request("POST", "/api/v1/auth/token/", body, {"Content-Type": "application/json"})
    return client, api, json.loads(text)["token"] if status == 200 else ""


def baseline(args) -> None:
    """Each account's pages, one request at a time in the whole site: the single-user figures."""
    data = json.loads((DIR / "load.json").read_text())
    url = (DIR / "url").read_text().strip()
    tally, start = Tally(), time.monotonic()
    for role, names in data["accounts"].items():
        client, api, token = signed_in(url, names[0])
        for path in STAFF_PAGES[role]:
            for _ in range(args.runs):
                headers = {"Authorization": f"Token {token}"} if path.startswith("/api/") else {}
                began = time.monotonic()
                status, _, text = (api if headers else client).request("GET", path, headers=headers)
                tally.add(f"{role} {path}", time.monotonic() - began, status, began - start, status == 200, text[:200])
        client.close()
        api.close()
    figures = {kind: percentile(times, .95) for kind, times in tally.latency.items()}
    (DIR / "baseline.json").write_text(json.dumps(figures))
    lines = [f"## single user, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
             f"`bench/cluster_load.py {' '.join(sys.argv[1:])}` — load average at the end {load_average()}", "",
             "| page | requests | median ms | p95 ms | failed |", "|---|---:|---:|---:|---:|"]
    for kind in sorted(tally.latency):
        times = tally.latency[kind]
        failed = sum(n for (k, status), n in tally.status.items() if k == kind and status != 200)
        lines.append(f"| {kind} | {len(times)} | {statistics.median(times) * 1000:.0f} "
                     f"| {percentile(times, .95) * 1000:.0f} | {failed} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        with open(args.markdown, "a") as out:
            out.write(text + "\n")


def run(args) -> None:
    data = json.loads((DIR / "load.json").read_text())
    url = (DIR / "url").read_text().strip()
    before = answers_before(data["survey"])
    tally, stop, threads, log = Tally(), threading.Event(), [], []
    start = time.monotonic()
    rng = random.Random(args.seed)
    if args.command == "public":
        counter, lock = [args.seed * 1_000_000], threading.Lock()
        for _ in range(args.clients):
            threads.append(threading.Thread(target=public_worker, daemon=True, args=(
                url, data, tally, stop, start, counter, lock, random.Random(rng.random()))))
    else:
        accounts = [(role, name) for role, names in data["accounts"].items() for name in names]
        for i in range(args.users):
            role, name = accounts[i % len(accounts)]
            threads.append(threading.Thread(target=staff_worker, daemon=True, args=(
                url, data, tally, stop, start, role, name, random.Random(rng.random()), (args.think_min, args.think_max))))
    threads.append(threading.Thread(target=events, args=(args, stop, start, log), daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    seconds = time.monotonic() - start
    check = stored(data["survey"], tally)
    text = report(args, tally, seconds, log, check, before)
    print(text)
    if args.markdown:
        with open(args.markdown, "a") as out:
            out.write(text + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["prepare", "public", "staff", "baseline"])
    parser.add_argument("--province", action="store_true", help="prepare: the accounts of bench/generate.py's province")
    parser.add_argument("--runs", type=int, default=20, help="baseline: requests per page")
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--clients", type=int, default=8, help="public: parents answering at once")
    parser.add_argument("--users", type=int, default=50, help="staff: people signed in at once")
    parser.add_argument("--think-min", type=float, default=3.0)
    parser.add_argument("--think-max", type=float, default=9.0)
    parser.add_argument("--kill-app", choices=["app1", "app2"])
    parser.add_argument("--kill-at", type=float)
    parser.add_argument("--restart-db-at", type=float)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", help="append the result to this file")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args)
    elif args.command == "baseline":
        baseline(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
