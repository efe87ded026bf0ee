"""Times one 督导报告: the office's term summary of the demo county drafted from its records as
.docx and PDF, and an inspector's monthly report.

    python bench/report_bench.py

Loads the demo county (``dudao demo``: about 50 schools, a year of visits, lessons, findings and
notices) into a throwaway SQLite database of its own, then drafts through ``report_draft``, the
service behind the page's "Draft" button:

1. **summary**: ``period_summary`` reads the records of the period (the same selectors as the pages);
2. **charts**: ``report_charts`` draws the report's charts with matplotlib;
3. **render**: the built-in ``work_report`` template filled (docxtpl, strict);
4. **PDF**: the .docx converted by LibreOffice headless (warm profile: the second conversion);
5. **draft**: ``report_draft`` end to end (all of the above, filed with its SHA-256 and audit record).

Figures go to stdout; the last run is in docs/performance.md.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OWN_VAR_DIR = "DUDAO_VAR_DIR" not in os.environ
if OWN_VAR_DIR:  # removed at the end
    os.environ["DUDAO_VAR_DIR"] = tempfile.mkdtemp(prefix="dudao-report-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402


def timed(fn, runs: int = 3):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    from dudao.accounts.models import User
    from dudao.demo.loader import build_demo
    from dudao.documents.render import docx_to_pdf, render_docx
    from dudao.documents.services import default_template_bytes
    from dudao.workreports import charts, drafting
    from dudao.workreports.documents import KIND, report_context
    from dudao.workreports.models import period_bounds, period_label
    from dudao.workreports.services import report_draft

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build_demo()
    print(f"demo county loaded in {time.perf_counter() - started:.1f} s")
    admin = User.objects.get(username="office_admin")
    office = admin.memberships.first().office
    today = timezone.localdate()
    start, end = period_bounds("term", today)
    rows = []

    t, summary = timed(lambda: drafting.period_summary(user=admin, level="office", office=office, zone=None,
                                                       inspector=None, start=start, end=end, on=today))
    rows.append(("period summary (office, term)", t))
    t, pictures = timed(lambda: charts.report_charts(summary))
    rows.append(("charts (matplotlib)", t))
    context = report_context(summary, title="督导工作学期总结", period_kind="term",
                             period_label=period_label("term", start), date=today, charts=pictures)
    template = default_template_bytes(KIND)
    t, docx = timed(lambda: render_docx(template, context))
    rows.append(("render .docx", t))
    t, pdf = timed(lambda: docx_to_pdf([docx])[0])
    rows.append(("PDF by LibreOffice", t))
    t, report = timed(lambda: report_draft(actor=admin, level="office", period_kind="term", period_start=today,
                                           office_id=office.pk, pdf=True), runs=2)
    rows.append(("report_draft end to end (.docx + PDF, filed)", t))
    inspector_user = User.objects.get(username="inspector")
    t, _monthly = timed(lambda: report_draft(actor=inspector_user, level="inspector", period_kind="month",
                                             period_start=today, pdf=True), runs=2)
    rows.append(("inspector's monthly report end to end", t))

    print(f"\nterm {start} – {end}: {len(docx) / 1024:.0f} KB .docx, {len(pdf) / 1024:.0f} KB PDF")
    print("| step | median |\n|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1000:.0f} ms |")
    if OWN_VAR_DIR:
        shutil.rmtree(os.environ["DUDAO_VAR_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
