"""``dudao remind_terms``: tells each office (and the inspector) about part-time terms ending soon.

Run it daily. It is idempotent: a term is reported once (``Term.reminded_on``), when it is within
the office's reminder lead time (default 60 days) of its end.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from dudao.inspectors.services.development import term_reminders_send


class Command(BaseCommand):
    help = "Remind offices of part-time inspectors' terms ending soon (once per term)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Check as of this date (YYYY-MM-DD) instead of today.")

    def handle(self, *args, date=None, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"Not a date: {date!r} (use YYYY-MM-DD).")
        terms = term_reminders_send(on=on)
        self.stdout.write(f"{len(terms)} term(s) ending soon reported.")
