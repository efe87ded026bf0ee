"""The tested topology of a province on one machine: ``scripts/cluster.sh up`` (PostgreSQL primary and
replica, two gunicorn app servers, a worker, nginx in front), then through nginx only: the health check,
a sign-in and the dashboard, and the same answers after one app server is killed.

Runs on the PostgreSQL run of the suite (marked ``postgres``: deselected on SQLite). Without nginx it
fails saying to run ``make system``; ``DUDAO_SKIP_CLUSTER=1`` skips it on purpose."""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from dudao.core.testing.pgplugin import find_bindir

pytestmark = [pytest.mark.cluster, pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "cluster.sh"
PASSWORD = "Cluster-test-2x"


def run_script(command: str, env: dict, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), command], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


def read_env(path: Path) -> dict:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def refuses(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def cluster():
    if os.environ.get("DUDAO_SKIP_CLUSTER") == "1":
        pytest.skip("DUDAO_SKIP_CLUSTER=1")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.fail("nginx is not installed: run `make system` (as root), which installs nginx-light "
                    "(or set DUDAO_SKIP_CLUSTER=1 to leave this test out)")
    parent = Path(tempfile.mkdtemp(prefix="dudao-cluster-test-"))
    parent.chmod(0o755)  # PostgreSQL runs as the postgres user when the suite runs as root
    directory = parent / "cluster"
    # the cluster gets its settings from its own cluster.env, nothing from the test run's
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DUDAO_", "DATABASE_URL", "PROMETHEUS_", "PG"))}
    env["CLUSTER_DIR"] = str(directory)
    try:
        up = run_script("up", env, timeout=300)
        assert up.returncode == 0, f"cluster.sh up failed:\n{up.stdout}{up.stderr}"
        yield directory, env
    finally:
        down = run_script("down", env, timeout=120)
        assert down.returncode == 0, down.stderr
        assert not directory.exists()
        parent.rmdir()


def sign_in(session: requests.Session, url: str) -> None:
    page = session.get(url + "accounts/login/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(url + "accounts/login/", data={"username": "province", "password": PASSWORD,
                                                         "csrfmiddlewaretoken": token},
                          headers={"Referer": url + "accounts/login/"}, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:2000]


class FromAddress(requests.adapters.HTTPAdapter):
    """Connects from another loopback address (127.x.y.z): another client, as nginx sees it."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_from(address: str, certificate: Path) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy, and no CA bundle from the environment replacing the next line
    session.verify = str(certificate)  # the certificate `up` made for nginx
    session.mount("https://", FromAddress(address))
    return session


def token(session: requests.Session, url: str, username: str, password: str) -> int:
    return session.post(url + "api/v1/auth/token/", json={"username": username, "password": password}).status_code


def test_two_app_servers_behind_nginx_survive_losing_one(cluster):
    directory, env = cluster
    url = (directory / "url").read_text().strip()
    assert url.startswith("https://")
    settings = read_env(directory / "cluster.env")
    assert settings["DUDAO_DEBUG"] == "0" and settings["DUDAO_TRUSTED_PROXY_COUNT"] == "1"
    assert settings["DUDAO_REPLICA_URL"].startswith("postgres://")

    status = run_script("status", env, timeout=60)
    assert status.returncode == 0, status.stdout + status.stderr

    session = client_from("127.0.0.1", directory / "nginx" / "tls.crt")
    health = session.get(url + "health/")
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "ok"

    made = subprocess.run([str(ROOT / ".venv" / "bin" / "dudao"), "createsuperuser", "--noinput",
                           "--username", "province", "--email", "province@example.org"],
                          env={**env, **settings, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    sign_in(session, url)
    for _ in range(4):  # nginx spreads these over both app servers: the session is in the database
        dashboard = session.get(url, allow_redirects=False)
        assert dashboard.status_code == 200
        assert "province" in dashboard.text
    static = session.get(url + "static/" + re.search(r'/static/([^"]+\.css)"', dashboard.text).group(1))
    assert static.status_code == 200  # served by nginx from the collected files
    for app in ("app1", "app2"):
        assert " 200 " in (directory / "log" / f"{app}.access.log").read_text(), f"{app} answered nothing"

    # behind nginx (DUDAO_TRUSTED_PROXY_COUNT=1) each client has its own sign-in failure count: one
    # guessing passwords is refused, the next client signs in
    guesser = client_from("127.0.0.2", directory / "nginx" / "tls.crt")
    allowed = int(settings.get("DUDAO_LOGIN_CLIENT_FAILURES_ALLOWED", 20))
    answers = [token(guesser, url, f"guess{n}", "wrong") for n in range(allowed)]
    assert answers == [400] * (allowed - 1) + [429]  # the failure that reaches the limit is refused at once
    assert token(guesser, url, "province", PASSWORD) == 429
    assert token(client_from("127.0.0.3", directory / "nginx" / "tls.crt"), url, "province", PASSWORD) == 200

    # one app server dies without warning
    run = directory / "run"
    pid, port = int((run / "app1.pid").read_text()), int((run / "app1.port").read_text())
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not refuses(port):  # its worker notices the master is gone and exits
        assert time.monotonic() < deadline, "app1's worker still answers 30 s after its master was killed"
        time.sleep(0.2)

    for _ in range(8):
        assert session.get(url + "health/").status_code == 200
        dashboard = session.get(url, allow_redirects=False)
        assert dashboard.status_code == 200 and "province" in dashboard.text

    status = run_script("status", env, timeout=60)
    assert status.returncode == 3 and "app1: stopped" in status.stdout

    # PostgreSQL crashes and comes back: the app servers and the worker carry on without a restart
    bindir = find_bindir()
    pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    restart = subprocess.run([*pg, f"{bindir}/pg_ctl", "-D", str(directory / "pg" / "primary"), "-m", "immediate",
                              "-w", "-t", "60", "-l", str(directory / "log" / "primary.log"), "restart"],
                             capture_output=True, text=True, timeout=90)
    assert restart.returncode == 0, restart.stdout + restart.stderr
    deadline = time.monotonic() + 30
    while session.get(url + "health/?check=database").status_code != 200:
        assert time.monotonic() < deadline, "the app did not reach the database again within 30 s"
        time.sleep(0.5)
    dashboard = session.get(url, allow_redirects=False)
    assert dashboard.status_code == 200 and "province" in dashboard.text  # the session survived in the database
    time.sleep(3)  # the worker's next poll meets the restarted server
    status = run_script("status", env, timeout=60)
    assert "worker: running" in status.stdout, status.stdout + (directory / "log" / "worker.log").read_text()[-3000:]
