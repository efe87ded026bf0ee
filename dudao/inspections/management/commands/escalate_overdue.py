"""``dudao escalate_overdue``: tells the zone leaders and the office about newly overdue notices.

Run it daily (cron or a systemd timer). It is idempotent: each notice is reported once per
overdue episode (see ``OverdueAlert``), so running it twice sends nothing new.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from dudao.inspections.services.rectifications import overdue_alerts_send


class Command(BaseCommand):
    help = "Notify zone leaders and the office of rectification notices that became overdue (once per episode)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Check as of this date (YYYY-MM-DD) instead of today.")

    def handle(self, *args, date=None, **options):
        on = None
        if date:
            try:
                on = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Not a date: {date!r} (use YYYY-MM-DD).")
        alerts = overdue_alerts_send(on=on)
        people = sum(alert.recipients for alert in alerts)
        self.stdout.write(f"{len(alerts)} overdue notice(s) reported to {people} recipient(s).")
