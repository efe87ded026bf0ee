from django.core.management.base import BaseCommand, CommandError

from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` checks the hash chain and reports altered or removed events."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        problems = verify_chain()
        count = AuditEvent.objects.count()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"audit log verification FAILED: {len(problems)} problem(s) in {count} events")
        self.stdout.write(f"audit log OK: {count} events, chain intact")
