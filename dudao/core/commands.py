"""What the daily jobs run from cron share: a day to run as of (``--date``, today without one)."""

import datetime

from django.core.management.base import BaseCommand, CommandError


class DailyCommand(BaseCommand):
    """A daily job: ``run(on)`` does the work as of ``--date`` (``None``: today) and returns the line
    the job prints."""

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Check as of this date (YYYY-MM-DD) instead of today.")

    def handle(self, *args, date=None, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Not a date: {date!r} (use YYYY-MM-DD).")
        self.stdout.write(self.run(on))

    def run(self, on: datetime.date | None) -> str:
        raise NotImplementedError
