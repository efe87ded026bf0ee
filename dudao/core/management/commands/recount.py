"""``dudao recount``: recounts every summary the dashboards and coverage read (visits per school and
month, findings per month and checklist item, notices per status and deadline, tasks per day) from
the rows themselves. The upgrade that adds a summary counts it once; run it again after loading
rows in bulk outside Dudao's services."""

from django.core.management.base import BaseCommand

from dudao.core.tally import recount, summary_models


class Command(BaseCommand):
    help = "Recount the summaries the dashboards read from the rows they count."

    def handle(self, *args, **options):
        for model in summary_models():
            lines = recount(model)
            self.stdout.write(f"{model._meta.label}: {lines} line(s) counted.")
