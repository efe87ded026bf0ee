"""Times the batch of a county's rectification notices (整改通知书) as one job: render, PDF, zip.

    python bench/notices_bench.py --notices 1000

Builds, in a throwaway SQLite database of its own (a temporary ``DUDAO_VAR_DIR`` unless one is
set), county A of the two-county test world with ``--schools`` more schools and ``--notices``
notices (findings on checklist items, numbered 甲督整〔year〕n号, deadlines spread over a month),
written in bulk: the bench measures the documents, not the issuing. Then:

1. **render**: the built-in 整改通知书 filled with ``--sample`` notices' contexts (read once, strict);
2. **PDF**: the same ``--sample`` .docx converted by LibreOffice headless, 50 per run, one run at a time;
3. **job**: for each ``--workers`` (``DUDAO_PDF_WORKERS``, LibreOffice runs at once; by default 1
   then 2), from an empty archive, the job body ``run_notice_batch_job`` end to end for all notices, as the county office
   starts it from the unfiltered list: read the list, build the contexts, render, convert, file
   every document (with its SHA-256 and audit event), then read every file back (checking its
   SHA-256) into one zip with ``index.csv``. The progress callback's timestamps split the job into
   generating (per chunk of 50) and zipping.

Figures go to stdout (and ``--markdown FILE``); the last run is in docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
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
    os.environ["DUDAO_VAR_DIR"] = tempfile.mkdtemp(prefix="dudao-notices-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
os.environ["DUDAO_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def build(schools: int, notices: int):
    from dudao.core.testing.factories import SchoolFactory, ZoneMembershipFactory
    from dudao.core.testing.world import build_world
    from dudao.inspections.models import Finding, Rectification
    from dudao.inspections.selectors.visits import checklist_for_school
    from dudao.organizations.models import School

    world = build_world()
    county = world.a
    for i in range(schools):
        school = SchoolFactory(code=f"B{i:06d}", name=f"甲县实验学校{i + 1}校区", region=county.township)
        ZoneMembershipFactory(zone=county.zones[i % 2], school=school, valid_from=datetime.date(2025, 9, 1))
    all_schools = list(School.objects.filter(region__path__startswith=county.region.path).order_by("pk"))  # scope: bench set-up
    items = [i for i in checklist_for_school(school=all_schools[0]).items.order_by("position") if not i.is_section]
    inspector = county.users["inspector"]
    today = timezone.localdate()
    issued = today - datetime.timedelta(days=40)
    findings = Finding.objects.bulk_create([
        Finding(school=all_schools[n % len(all_schools)], item=items[n % len(items)], item_code=items[n % len(items)].code,
                severity=("general", "serious", "minor")[n % 3], found_on=issued, created_by=inspector,
                description=f"督导发现问题第{n + 1}条：{items[n % len(items)].text.rstrip('。')}方面存在不足，台账记录不完整")
        for n in range(notices)
    ])
    Rectification.objects.bulk_create([
        Rectification(finding=f, school=f.school, number=f"甲督整〔{issued.year}〕{n + 1}号", issued_on=issued,
                      deadline=issued + datetime.timedelta(days=15 + n % 30), issued_by=inspector,
                      requirements="一、对照问题逐项整改，明确责任人和整改时限。\n二、整改完成后报送整改报告及佐证材料。")
        for n, f in enumerate(findings)
    ])
    return world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--schools", type=int, default=96, help="schools added to county A's 4")
    parser.add_argument("--sample", type=int, default=100, help="notices for the separate render and PDF timings")
    parser.add_argument("--workers", default="1,2",
                        help="the job is run once for each of these DUDAO_PDF_WORKERS (comma-separated)")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    workers = [int(n) for n in args.workers.split(",")]

    print(f"database {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", verbosity=0)
    from django.conf import settings

    from dudao.documents.models import Document
    from dudao.documents.render import docx_to_pdf, render_docx
    from dudao.documents.services import default_template_bytes
    from dudao.inspections import documents as contexts
    from dudao.inspections.services.documents import NOTICE_BATCH_JOB, listed_notices, run_notice_batch_job
    from dudao.jobs.models import Job
    from dudao.organizations.selectors import office_of_school

    started = time.perf_counter()
    world = build(args.schools, args.notices)
    print(f"built {args.notices} notices in {time.perf_counter() - started:.1f} s", flush=True)
    admin = type(world.a.users["office_admin"]).objects.get(pk=world.a.users["office_admin"].pk)

    # 1. render a sample
    notices = list(listed_notices(user=admin, query=""))[: args.sample]
    office = office_of_school(notices[0].school)
    source = default_template_bytes("rectification_notice")
    t0 = time.perf_counter()
    rendered = [render_docx(source, contexts.rectification_notice_context(n, office=office)) for n in notices]
    render_s = time.perf_counter() - t0
    # 2. convert the sample, one LibreOffice run at a time
    settings.DUDAO_PDF_WORKERS = 1
    t0 = time.perf_counter()
    pdfs = docx_to_pdf(rendered)
    pdf_s = time.perf_counter() - t0
    docx_kb = statistics.mean(len(d) for d in rendered) / 1024
    pdf_kb = statistics.mean(len(p) for p in pdfs) / 1024
    rows = [
        ("notices", f"{args.notices}", ""),
        (f"render .docx ({args.sample} notices)", f"{render_s:.2f} s", f"{render_s / args.sample * 1000:.0f} ms per notice"),
        (f"PDF by LibreOffice ({args.sample} notices, 50 per run, one run at a time)", f"{pdf_s:.2f} s",
         f"{pdf_s / args.sample * 1000:.0f} ms per notice"),
        ("mean size", f"{docx_kb:.0f} KB .docx", f"{pdf_kb:.0f} KB .pdf"),
    ]

    # 3. the job body end to end, once per number of LibreOffice runs at once, from an empty archive
    ends: dict[int, float] = {}
    for n in workers:
        Document.objects.all().delete()
        settings.DUDAO_PDF_WORKERS = n
        job = Job.objects.create(kind=NOTICE_BATCH_JOB, title="bench", created_by=admin, params={"query": ""})
        marks: list[tuple[float, int]] = []

        def progress(done, total=None, marks=marks):
            marks.append((time.perf_counter(), done))

        t0 = time.perf_counter()
        run_notice_batch_job(job, progress)
        job_s = ends[n] = time.perf_counter() - t0
        first_chunk = next((t for t, done in marks if done > 0), t0)
        generate_s = [t for t, done in marks if done == args.notices][0] - t0
        zip_s = job_s - generate_s
        zip_mb = job.result_file.size / 1024 / 1024
        label = f"{n} LibreOffice run{'s' if n > 1 else ''} at once"
        rows += [
            (f"job, {label}: list, contexts, render, PDF, file (all notices)", f"{generate_s:.1f} s",
             f"{generate_s / args.notices * 1000:.0f} ms per notice; first chunk of 50 after {first_chunk - t0:.1f} s"),
            (f"job, {label}: read back (SHA-256 checked) and zip", f"{zip_s:.1f} s", f"{zip_mb:.1f} MB zip"),
            (f"job, {label}: end to end", f"{job_s:.1f} s",
             f"{job_s / 60:.1f} min" + (f"; {ends[workers[0]] / job_s:.2f}× the first" if n != workers[0] else "")),
        ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>12}  {note}")
    if args.markdown:
        lines = ["| step | time | note |", "|---|---:|---|", *[f"| {n} | {v} | {note} |" for n, v, note in rows]]
        Path(args.markdown).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    try:
        main()
    finally:
        if OWN_VAR_DIR:
            shutil.rmtree(os.environ["DUDAO_VAR_DIR"], ignore_errors=True)
