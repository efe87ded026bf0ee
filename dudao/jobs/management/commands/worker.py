import contextlib
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections

RETRY_SECONDS = (1, 2, 5, 10, 30)  # waits between tries while the database cannot be reached


class Command(BaseCommand):
    help = ("Runs background jobs (imports, exports, batch documents) from the database queue. "
            "Outlives a database restart: while the database cannot be reached it waits and tries again.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, batch=False, **options):
        argv = ["--no-startup-delay", "--interval", "0.5"]
        if batch:
            argv.append("--batch")
        failures, last_failure = 0, 0.0
        while True:
            try:
                call_command("db_worker", *argv)
                return
            except (OperationalError, InterfaceError) as exc:
                if batch:
                    raise
                now = time.monotonic()
                failures = failures + 1 if now - last_failure < 60 else 0  # a new outage starts the waits again
                last_failure = now
                wait = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                with contextlib.suppress(OperationalError, InterfaceError):
                    connections.close_all()  # the next try opens new connections
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                self.stderr.write(f"worker: the database cannot be reached ({message}); trying again in {wait} s")
                time.sleep(wait)
