from django.core.management.base import BaseCommand

from dudao.complaints.services import complaints_close_unrated


class Command(BaseCommand):
    help = "Closes answered complaints left unrated for the office's number of days (run daily)."

    def handle(self, *args, **options):
        closed = complaints_close_unrated()
        self.stdout.write(f"{len(closed)} complaints closed.")
