"""``dudao escalate_overdue``: tells the zone leaders and the office about newly overdue notices.

Run it daily (cron or a systemd timer). It is idempotent: each notice is reported once per
overdue episode (see ``OverdueAlert``), so running it twice sends nothing new.
"""

from dudao.core.commands import DailyCommand
from dudao.inspections.services.rectifications import overdue_alerts_send


class Command(DailyCommand):
    help = "Notify zone leaders and the office of rectification notices that became overdue (once per episode)."

    def run(self, on):
        alerts = overdue_alerts_send(on=on)
        people = sum(alert.recipients for alert in alerts)
        return f"{len(alerts)} overdue notice(s) reported to {people} recipient(s)."
