from django.core.management.base import BaseCommand, CommandError

from dudao.audit.models import AuditEvent, ChainHead
from dudao.audit.services import checkpoint, verify_chain


class Command(BaseCommand):
    help = ("Audit log tools. `audit verify [--checkpoints FILE]` checks every chain's seals (and that the "
            "chains still match the checkpoints in FILE) and reports altered, inserted or removed events; "
            "`audit checkpoint --out FILE` appends a signed checkpoint of every chain to FILE.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument("--checkpoints", metavar="FILE", help="verify: checkpoint file to compare with")
        parser.add_argument("--out", metavar="FILE", help="checkpoint: file to append to (default: print it)")

    def handle(self, *args, action, checkpoints=None, out=None, **options):
        if action == "checkpoint":
            line = checkpoint()
            if out:
                with open(out, "a", encoding="utf-8") as f:
                    f.write(line + "\n")
                self.stdout.write(f"checkpoint of {ChainHead.objects.count()} chains appended to {out}")
            else:
                self.stdout.write(line)
            return
        lines = None
        if checkpoints:
            try:
                with open(checkpoints, encoding="utf-8") as f:
                    lines = f.read().splitlines()
            except OSError as e:
                raise CommandError(f"cannot read the checkpoint file: {e}") from e
        problems = verify_chain(checkpoints=lines)
        count = AuditEvent.objects.count()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"audit log verification FAILED: {len(problems)} problem(s) in {count} events")
        matched = f", {len([x for x in lines if x.strip()])} checkpoint(s) matched" if lines is not None else ""
        self.stdout.write(f"audit log OK: {count} events, every chain intact{matched}")
