"""``dudao balance analyze FILE.xlsx|FILE.csv --method basic-2012|quality-2017 [--office ID --year YEAR] --json``

The command-line twin of the monitoring analysis, for analysts who check the numbers outside the
web UI. It reads the same template (``dudao balance template OUT.xlsx`` writes it) and prints the
same results. With ``--office`` and ``--year`` it applies the thresholds and standards in force for
that office's statistics year (its own, inherited from the office above, or the national defaults),
as the page does; without them, the national defaults.
"""

import json
import math

from django.core.management.base import BaseCommand, CommandError

from dudao.monitoring.analysis import LazyRows, SchoolTableError, analyze, read_school_table, write_template
from dudao.monitoring.selectors import standards_in_force
from dudao.monitoring.texts import localize, localize_errors
from dudao.organizations.models import Office


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, LazyRows)):
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
        run.add_argument("--office", type=int, help="Office id: apply the thresholds and standards it has in force.")
        run.add_argument("--year", type=int, help="Statistics year of those thresholds and standards.")
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
            for e in localize_errors(failure.errors):
                self.stderr.write(f"row {e.row}, {e.column}: {e.message}")
            raise CommandError(f"{len(failure.errors)} problem(s) in {path}; nothing analysed")
        except FileNotFoundError:
            raise CommandError(f"no such file: {path}")
        if (options["office"] is None) != (options["year"] is None):
            raise CommandError("--office and --year go together")
        overrides, source = {}, None
        if options["office"] is not None:
            office = Office.objects.select_related("region").filter(pk=options["office"]).first()  # scope: command
            if office is None:
                raise CommandError(f"no office with id {options['office']}")
            in_force = standards_in_force(office=office, year=options["year"], method=options["method"])
            overrides = {"thresholds": in_force["thresholds"], "standards": in_force["standards"] or None,
                         "floor_ratio": in_force["floor_ratio"]}
            source = in_force["source"]
        result = analyze(rows, options["method"], **overrides)
        if source is not None:
            result["standards_source"] = {**source, "set_at": source["set_at"] and source["set_at"].isoformat()}
        result = _clean(localize(result))
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        verdict = {True: "PASS", False: "FAIL", None: "—"}
        if source is not None:
            who = "national defaults" if source["national"] else f"{source['office']}, {source['set_at']:%Y-%m-%d}"
            self.stdout.write(f"thresholds: {result['thresholds']} ({who})")
        for data in (result.get("levels") or {}).values():
            self.stdout.write(f"== {data['label']} ({data['n_schools']}) {verdict[data.get('passed')]} ==")
            for ind in data.get("indicators", []):
                cv = (ind.get("cv") or {}).get("published")
                shown = f"{cv:.3f}" if isinstance(cv, (int, float)) else "—"
                self.stdout.write(f"  {ind['name']}: CV={shown} {verdict[ind.get('passed')]}")
            for alarm in data.get("alarms", []):
                self.stdout.write(f"  ! {alarm if isinstance(alarm, str) else alarm.get('message', alarm)}")
