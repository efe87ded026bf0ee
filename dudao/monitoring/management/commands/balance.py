"""``dudao balance analyze FILE.xlsx|FILE.csv --method basic-2012|quality-2017 --json``

The command-line twin of the monitoring analysis, for analysts who check the numbers outside the
web UI. It reads the same template (``dudao balance template OUT.xlsx`` writes it) and prints the
same results.
"""

import json
import math

from django.core.management.base import BaseCommand, CommandError

from dudao.monitoring.analysis import SchoolTableError, analyze, read_school_table, write_template


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


class Command(BaseCommand):
    help = "Balanced-development analysis of a county school table (basic-2012 or quality-2017)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("analyze", help="Analyse a school table (.xlsx or .csv).")
        run.add_argument("path")
        run.add_argument("--method", choices=["basic-2012", "quality-2017"], required=True)
        run.add_argument("--json", action="store_true", help="Print the full result as JSON.")
        tpl = sub.add_parser("template", help="Write the blank school-table template.")
        tpl.add_argument("path")

    def handle(self, *args, action, path, **options):
        if action == "template":
            write_template(path)
            self.stdout.write(path)
            return
        try:
            rows = read_school_table(path, method=options["method"])
        except SchoolTableError as failure:
            for e in failure.errors:
                self.stderr.write(f"row {e.row}, {e.column}: {e.reason}")
            raise CommandError(f"{len(failure.errors)} problem(s) in {path}; nothing analysed")
        except FileNotFoundError:
            raise CommandError(f"no such file: {path}")
        result = _clean(analyze(rows, options["method"]))
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        verdict = {True: "PASS", False: "FAIL", None: "—"}
        for data in (result.get("levels") or {}).values():
            self.stdout.write(f"== {data['label']} ({data['n_schools']}) {verdict[data.get('passed')]} ==")
            for ind in data.get("indicators", []):
                cv = (ind.get("cv") or {}).get("published")
                shown = f"{cv:.3f}" if isinstance(cv, (int, float)) else "—"
                self.stdout.write(f"  {ind['name']}: CV={shown} {verdict[ind.get('passed')]}")
            for alarm in data.get("alarms", []):
                self.stdout.write(f"  ! {alarm if isinstance(alarm, str) else alarm.get('message', alarm)}")
