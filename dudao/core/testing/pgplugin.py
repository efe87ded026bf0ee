"""pytest plugin: with ``DUDAO_TEST_DB=postgres`` the run starts its own throwaway PostgreSQL.

Loaded with ``-p dudao.core.testing.pgplugin`` (pyproject ``addopts``). The server must be up and
``DATABASE_URL`` set before ``dudao.settings`` is imported, and pytest-django imports the settings in
its own ``pytest_load_initial_conftests``. This plugin therefore wraps that hook: the code before
``yield`` runs before every plain implementation of it, pytest-django's included.

* ``initdb`` into a temporary directory (as the ``postgres`` user when running as root), trust
  authentication, UTF-8, durability off (fsync, synchronous_commit, full_page_writes): test data
  need not survive a crash.
* ``pg_ctl -w start`` on a free loopback port, with the unix socket inside the temporary directory.
* ``DATABASE_URL=postgres://postgres@127.0.0.1:PORT/dudao``; pytest-django creates the test databases.
* Only the xdist controller starts a server; workers inherit ``DATABASE_URL`` from its environment.
* The server is stopped and the directory removed when pytest unconfigures, at interpreter exit, and on
  SIGTERM.

Without PostgreSQL binaries the run fails with a message saying how to install them; it never skips.
Any other value of ``DUDAO_TEST_DB`` (or none) leaves the settings' default, SQLite, alone.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

import pytest

ENV_SWITCH = "DUDAO_TEST_DB"
BIN_GLOB = "/usr/lib/postgresql/*/bin"


class PostgresUnavailable(pytest.UsageError):
    pass


def find_bindir() -> str:
    """The bin directory of the highest PostgreSQL version installed (Debian layout)."""

    def version(path: str) -> tuple[int, ...]:
        name = os.path.basename(os.path.dirname(path))
        return tuple(int(p) for p in re.findall(r"\d+", name)) or (0,)

    candidates = [d for d in glob.glob(BIN_GLOB) if os.path.isfile(os.path.join(d, "initdb"))]
    if not candidates:
        raise PostgresUnavailable(
            f"{ENV_SWITCH}=postgres, but no PostgreSQL server binaries were found under {BIN_GLOB}.\n"
            "Install them with `make system` (as root), or "
            "`apt-get install --no-install-recommends postgresql`."
        )
    return max(candidates, key=version)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """One PostgreSQL server in a temporary directory, for the length of a test run."""

    def __init__(self, bindir: str):
        self.bindir = bindir
        self.tmpdir: str | None = None
        self.port: int | None = None
        self.running = False
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0

    # -- helpers ---------------------------------------------------------------------------------
    @property
    def datadir(self) -> str:
        return os.path.join(self.tmpdir, "data")

    @property
    def logfile(self) -> str:
        return os.path.join(self.tmpdir, "server.log")

    def _cmd(self, name: str, *args: str) -> list[str]:
        cmd = [os.path.join(self.bindir, name), *args]
        if self.as_root:  # initdb and postgres refuse to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return cmd

    def _run(self, name: str, *args: str, timeout: float = 120) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8")
        proc = subprocess.run(self._cmd(name, *args), env=env, cwd=self.tmpdir, capture_output=True,
                              text=True, timeout=timeout)
        if proc.returncode != 0:
            log = ""
            with contextlib.suppress(OSError), open(self.logfile, encoding="utf-8", errors="replace") as f:
                log = f.read()[-4000:]
            raise PostgresUnavailable(
                f"PostgreSQL `{name} {' '.join(args)}` failed with exit code {proc.returncode}:\n"
                f"{proc.stdout}{proc.stderr}{log}"
            )

    # -- life cycle ------------------------------------------------------------------------------
    def _make_tmpdir(self) -> None:
        self.tmpdir = tempfile.mkdtemp(prefix="dudao-pgtest-")
        if self.as_root:
            try:
                shutil.chown(self.tmpdir, user="postgres")
            except LookupError as exc:
                raise PostgresUnavailable(
                    "Running as root, but there is no `postgres` user to run the server as "
                    "(the Debian postgresql package creates it)."
                ) from exc

    def _serve(self) -> None:
        last_error = None
        for _attempt in range(3):  # the port can be taken between choosing and binding it
            self.port = free_port()
            options = " ".join(
                [
                    f"-p {self.port}",
                    f"-k {self.tmpdir}",
                    "-c listen_addresses=127.0.0.1",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c autovacuum=off",
                    "-c max_connections=200",
                ]
            )
            try:
                self._run("pg_ctl", "-D", self.datadir, "-l", self.logfile, "-w", "-t", "60", "-o", options, "start")
            except PostgresUnavailable as exc:
                last_error = exc
                continue
            self.running = True
            return
        raise last_error

    def start(self) -> str:
        self._make_tmpdir()
        # initdb's defaults already allow streaming replication from loopback (wal_level=replica,
        # max_wal_senders, a ``host replication`` line in pg_hba.conf): see ``Standby``
        self._run("initdb", "-D", self.datadir, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        self._serve()
        return f"postgres://postgres@127.0.0.1:{self.port}/dudao"

    def stop(self) -> None:
        if self.running:
            self.running = False
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", self.datadir, "-w", "-t", "30", "-m", "immediate", "stop", timeout=60)
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None


class Standby(ThrowawayPostgres):
    """A streaming replica of the running throwaway server: ``pg_basebackup -R`` of it, started on a
    port of its own (hot standby, read-only). For the tests of reads from a replica."""

    def __init__(self, primary: ThrowawayPostgres):
        super().__init__(primary.bindir)
        self.primary = primary

    def start(self) -> int:
        self._make_tmpdir()
        self._run("pg_basebackup", "-D", self.datadir, "-R", "-X", "stream", "--no-sync", "-c", "fast",
                  "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres")
        self._serve()
        return self.port


def _run_server() -> ThrowawayPostgres | None:
    """This run's server: the one this process started, or, in an xdist worker, the controller's
    (known by the ``DATABASE_URL`` the worker inherited)."""
    if _server is not None and _server.running:
        return _server
    if not (wanted() and os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("DATABASE_URL")):
        return None
    inherited = ThrowawayPostgres(find_bindir())
    inherited.port = urllib.parse.urlsplit(os.environ["DATABASE_URL"]).port
    inherited.running = True  # the controller's to stop, never this handle's (it has no tmpdir)
    return inherited


def start_standby() -> Standby:
    """A replica of this run's server (``DUDAO_TEST_DB=postgres`` only); the caller stops it."""
    primary = _run_server()
    if primary is None:
        raise PostgresUnavailable(f"a replica needs the throwaway server of {ENV_SWITCH}=postgres")
    standby = Standby(primary)
    try:
        standby.start()
    except BaseException:
        standby.stop()
        raise
    return standby


_server: ThrowawayPostgres | None = None


def _stop_server() -> None:
    global _server
    if _server is not None:
        server, _server = _server, None
        server.stop()


def _on_sigterm(signum, frame):
    """SIGTERM (a CI timeout, ``kill``): stop the server, then end the run as Ctrl-C would."""
    _stop_server()
    raise KeyboardInterrupt


def wanted() -> bool:
    return os.environ.get(ENV_SWITCH, "").strip().lower() in {"postgres", "postgresql", "pg"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _server
    if wanted() and not os.environ.get("PYTEST_XDIST_WORKER") and _server is None:
        server = ThrowawayPostgres(find_bindir())
        _server = server
        atexit.register(_stop_server)
        early_config.add_cleanup(_stop_server)
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_sigterm)
        started = time.monotonic()
        try:
            os.environ["DATABASE_URL"] = server.start()
        except BaseException:
            _stop_server()
            raise
        early_config.stash[_elapsed_key] = time.monotonic() - started
    return (yield)


_elapsed_key = pytest.StashKey[float]()


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs the throwaway PostgreSQL server (not run on SQLite)")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` are deselected (not skipped) when the run is on SQLite."""
    if wanted():
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config):
    if _server is not None and _server.running:
        elapsed = config.stash.get(_elapsed_key, 0.0)
        return [f"throwaway PostgreSQL on 127.0.0.1:{_server.port} from {_server.bindir} (started in {elapsed:.1f}s)"]
    return None
