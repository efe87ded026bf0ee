"""Times the Excel school import (``SchoolImporter``): validating a workbook, then writing it.

    DATABASE_URL=sqlite:////tmp/bench-var/import.sqlite3 python bench/import_schools.py --rows 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/dudao_import python bench/import_schools.py --rows 20000

Run it on a freshly migrated database. It creates a small county of its own (region 98/9801/980101
with 10 townships, an office, 10 zones and an office administrator), writes a workbook of
``--rows`` new schools with openpyxl, then measures, as the import job does (``run_import_job``):

1. *create*: ``validate`` (read the workbook, look up regions, zones, codes and zone periods,
   check each row), then ``write`` in one transaction (bulk insert of schools and zone memberships,
   one audit event per school);
2. *update*: the same codes again, a month later (the zone memberships just created are dated 30
   days back first, untimed): three rows in four get another address, one in seven another pupil
   count, one in ten another zone; the rest are unchanged. The write updates the changed fields of
   the changed schools in bulk, one audit event each, and moves the schools whose zone differs
   (the current period ends yesterday, a new one opens today).

Rows/s is the rows of the workbook over validate + write.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from dudao.accounts.models import Membership, Role, User  # noqa: E402
from dudao.audit.models import AuditEvent  # noqa: E402
from dudao.organizations.imports import SchoolImporter  # noqa: E402
from dudao.organizations.models import Office, Region, School, Zone, ZoneMembership  # noqa: E402

KINDS = ["小学", "初中", "幼儿园", "九年一贯制学校", "高中"]
# the pupil columns (0-based: 8 kindergarten, 9 primary, 10 junior, 11 senior) each kind must fill
ENROLMENT = {"小学": [9], "初中": [10], "幼儿园": [8], "九年一贯制学校": [9, 10], "高中": [11]}


def county():
    """The county the imported schools go to, with its office, zones and administrator."""
    province, _ = Region.objects.get_or_create(code="98", defaults={"name": "导入省", "level": Region.Level.PROVINCE})
    city, _ = Region.objects.get_or_create(code="9801", defaults={"name": "导入市", "level": Region.Level.CITY,
                                                                 "parent": province})
    region, _ = Region.objects.get_or_create(code="980101", defaults={"name": "导入县", "level": Region.Level.COUNTY,
                                                                     "parent": city})
    for t in range(10):
        Region.objects.get_or_create(code=f"980101{t + 1:03d}", defaults={
            "name": f"第{t + 1}镇", "level": Region.Level.TOWNSHIP, "parent": region})
    office, _ = Office.objects.get_or_create(region=region, defaults={"name": "导入县教育督导室"})
    for z in range(10):
        Zone.objects.get_or_create(office=office, name=f"第{z + 1}责任区", defaults={"number": z + 1})
    admin, created = User.objects.get_or_create(username="bench_import_admin", defaults={"full_name": "导入管理员"})
    if created:
        admin.set_password("dudao-demo")
        admin.save()
        Membership.objects.create(user=admin, role=Role.OFFICE_ADMIN, office=office)
    return admin


def workbook(rows: int, *, changed: bool) -> bytes:
    """The county's list; ``changed``: a month later (other addresses, pupil counts and zones on
    some rows, as the module says)."""
    headers = [f"{h}*" if h in SchoolImporter.required else h for h in SchoolImporter.columns]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学校")
    ws.append(headers)
    for i in range(rows):
        kind = KINDS[i % len(KINDS)]
        address = "解放路" if changed and i % 4 else "人民路"
        zone = (i + 1) % 10 + 1 if changed and i % 10 == 3 else i % 10 + 1
        row = [f"IMP{i:07d}", f"导入县第{i + 1}{kind}", kind, "公办" if i % 10 else "民办", ["城区", "镇区", "乡村"][i % 3],
               f"980101{i % 10 + 1:03d}", f"第{zone}责任区", f"{address}{i + 1}号", 0, 0, 0, 0,
               "王老师", "13800000000", "李校长"]
        for column in ENROLMENT[kind]:
            row[column] = 100 + i % 900 + (1 if changed and i % 7 == 0 else 0)
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timed_import(admin, data: bytes) -> dict:
    importer = SchoolImporter(admin)
    last = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
    with CaptureQueriesContext(connection) as validate_queries:
        started = time.perf_counter()
        report = importer.validate(io.BytesIO(data))
        validated = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"the workbook did not validate: {[e.as_dict() for e in report.errors[:5]]}")
    with CaptureQueriesContext(connection) as write_queries:
        started = time.perf_counter()
        with transaction.atomic():
            written = importer.write(report.rows)
        wrote = time.perf_counter() - started
    new = AuditEvent.objects.order_by().filter(seq__gt=last)
    return {"rows": written, "validate_s": validated, "write_s": wrote, "rows_s": written / (validated + wrote),
            "validate_q": len(validate_queries), "write_q": len(write_queries),
            "changed": new.filter(action__in=["organizations.school.create", "organizations.school.update"]).count(),
            "moved": new.filter(action="organizations.zonemembership.move").count()}


def a_month_later() -> None:
    """Dates the zone memberships of the first pass 30 days back, so that the second pass's moves
    end a period and open one, as a re-import a month later does (not timed)."""
    ZoneMembership.objects.filter(school__code__startswith="IMP").update(  # scope: a bench script
        valid_from=timezone.localdate() - datetime.timedelta(days=30))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args(argv)
    if School.objects.filter(code__startswith="IMP").exists():  # scope: a bench script checks the whole database
        parser.error("the database already holds imported schools: run it on a freshly migrated database")
    admin = county()
    vendor = connection.vendor
    started = time.perf_counter()
    first = workbook(args.rows, changed=False)
    second = workbook(args.rows, changed=True)
    print(f"{vendor}: two workbooks of {args.rows} rows ({len(first) // 1024} KB) in {time.perf_counter() - started:.1f}s")
    print(f"{'pass':8} {'rows':>6} {'changed':>8} {'moved':>6} {'validate s':>11} {'write s':>8} {'rows/s':>7} "
          f"{'validate queries':>17} {'write queries':>14}")
    for label, data in (("create", first), ("update", second)):
        if label == "update":
            a_month_later()
        r = timed_import(admin, data)
        print(f"{label:8} {r['rows']:6d} {r['changed']:8d} {r['moved']:6d} {r['validate_s']:11.1f} {r['write_s']:8.1f} "
              f"{r['rows_s']:7.0f} {r['validate_q']:17d} {r['write_q']:14d}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
