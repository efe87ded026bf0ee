"""``dudao recount_visits``: recounts the submitted visits per school and month that coverage and
the dashboards read, from the visits themselves. The upgrade that adds the counts runs it once;
run it again after loading visits in bulk outside Dudao's services."""

from django.core.management.base import BaseCommand

from dudao.inspections.services.coverage import visit_months_rebuild


class Command(BaseCommand):
    help = "Recount the submitted visits per school and month from the visits."

    def handle(self, *args, **options):
        self.stdout.write(f"{visit_months_rebuild()} school month(s) with visits counted.")
