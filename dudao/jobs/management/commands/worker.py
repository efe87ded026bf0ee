from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs background jobs (imports, exports, batch documents) from the database queue."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, batch=False, **options):
        argv = ["--no-startup-delay", "--interval", "0.5"]
        if batch:
            argv.append("--batch")
        call_command("db_worker", *argv)
