"""``dudao calendar load`` and ``dudao calendar years``

``load`` copies the State Council's holidays and 调休 working days from the installed statutory
calendar package into the database (as ``migrate`` does after every run): after upgrading the
package for the next year's arrangement, run it once. ``years`` prints the years the calendar
covers; a year outside them counts weekends only until it is loaded or its days are entered by hand.
"""

from django.core.management.base import BaseCommand

from dudao.organizations.working_days import covered_years, load_statutory


class Command(BaseCommand):
    help = "The statutory calendar of holidays and working days (法定节假日与调休)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Load the statutory days from the installed package (idempotent).")
        sub.add_parser("years", help="Print the years the statutory calendar covers.")

    def handle(self, *args, action, **options):
        if action == "load":
            counts = load_statutory()
            self.stdout.write("added {added}, changed {changed}, removed {removed}".format(**counts))
        years = covered_years()
        self.stdout.write(f"years covered: {years[0]}–{years[-1]}" if years else "years covered: none")
