"""``dudao remind_terms``: tells each office (and the inspector) about part-time terms ending soon.

Run it daily. It is idempotent: a term is reported once (``Term.reminded_on``), when it is within
the office's reminder lead time (default 60 days) of its end.
"""

from dudao.core.commands import DailyCommand
from dudao.inspectors.services.development import term_reminders_send


class Command(DailyCommand):
    help = "Remind offices of part-time inspectors' terms ending soon (once per term)."

    def run(self, on):
        terms = term_reminders_send(on=on)
        return f"{len(terms)} term(s) ending soon reported."
