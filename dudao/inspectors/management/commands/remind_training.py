"""``dudao remind_training``: from October on, tells inspectors below the yearly floor of
centralised training hours (default 40, STANDARDS §6) and their office.

Run it daily or weekly. It is idempotent: each inspector is told once a year (``TrainingAlert``).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from dudao.inspectors.services.development import training_alerts_send


class Command(BaseCommand):
    help = "Alert inspectors below the yearly centralised-training floor and their office (Q4, once a year)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Check as of this date (YYYY-MM-DD) instead of today.")

    def handle(self, *args, date=None, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Not a date: {date!r} (use YYYY-MM-DD).")
        alerts = training_alerts_send(on=on)
        self.stdout.write(f"{len(alerts)} inspector(s) below the training floor alerted.")
