"""``dudao notify reminders`` and ``dudao notify digest``, run daily in that order (cron or a systemd
timer, docs/notifications.md).

* ``reminders``: the reminders of deadlines at most three calendar days away (a rectification notice's
  deadline, a task's due date, a survey's closing date, a work report's due date), each once per thing
  and deadline; ``--date`` runs them as of another day.
* ``digest``: sends each person who chose the digest one message per channel with the held
  low-priority messages.

Running either twice sends nothing new."""

from dudao.core.commands import DailyCommand
from dudao.notifications.services import digest_send, reminders_send


class Command(DailyCommand):
    help = ("Message channels: 'reminders' sends the reminders of deadlines in 3 days or fewer; 'digest' bundles "
            "the held low-priority messages into one message per person and channel.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["reminders", "digest"])
        super().add_arguments(parser)

    def handle(self, *args, action, **options):
        self.action = action
        super().handle(*args, **options)

    def run(self, on):
        if self.action == "reminders":
            reminders = reminders_send(on=on)
            people = sum(r.recipients for r in reminders)
            return f"{len(reminders)} reminder(s) sent to {people} recipient(s)."
        sent = digest_send()
        return f"{len(sent)} held message(s) sent in digests."
