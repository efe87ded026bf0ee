"""``dudao remind_training``: from October on, tells inspectors below the yearly floor of
centralised training hours (default 40, STANDARDS §6) and their office.

Run it daily or weekly. It is idempotent: each inspector is told once a year (``TrainingAlert``).
"""

from dudao.core.commands import DailyCommand
from dudao.inspectors.services.development import training_alerts_send


class Command(DailyCommand):
    help = "Alert inspectors below the yearly centralised-training floor and their office (Q4, once a year)."

    def run(self, on):
        alerts = training_alerts_send(on=on)
        return f"{len(alerts)} inspector(s) below the training floor alerted."
