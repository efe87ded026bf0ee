"""``dudao notify digest``: sends each person who chose the digest one message per channel with the
day's low-priority messages. Run it daily (cron or a systemd timer, docs/notifications.md); running it
twice sends nothing new."""

from django.core.management.base import BaseCommand

from dudao.notifications.services import digest_send


class Command(BaseCommand):
    help = "Message channels: 'digest' bundles the held low-priority messages into one message per person and channel."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["digest"])

    def handle(self, *args, action, **options):
        sent = digest_send()
        self.stdout.write(f"{len(sent)} held message(s) sent in digests.")
