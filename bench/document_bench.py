"""Times one document as a user makes it: a school's signboard (挂牌公示牌) and a 整改通知书.

    python bench/document_bench.py                 # 5 runs of each, medians
    python bench/document_bench.py --profile       # and cProfile's top functions of one signboard

Builds, in a throwaway SQLite database of its own (a temporary ``DUDAO_VAR_DIR`` unless one is set),
the two-county test world; the listed inspector gets a phone photo (4000 × 3000 JPEG, about 3 MB)
and county A's notices are issued through the services. Then:

1. **steps** of a signboard: the inspector's photo (crop, scale, JPEG), the QR code, the built-in
   template, rendering the .docx, and LibreOffice converting it, cold (a new profile, as the first
   document of a new process) and warm;
2. **page**: the button as the user presses it, through Django's test ``Client`` (POST, redirect to the
   document's page): the time until the page answers, then until the PDF is on file (a PDF left to
   the background job is made by running that job here, as ``dudao worker`` does);
3. the same for one 整改通知书 of a notice.

Every run makes a new document (another school, another notice), so nothing is answered from the
archive. Figures go to stdout (and ``--markdown FILE``); the last run is in docs/performance.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
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
    os.environ["DUDAO_VAR_DIR"] = tempfile.mkdtemp(prefix="dudao-document-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

settings.DEBUG = False
settings.ALLOWED_HOSTS = ["testserver", "localhost"]


def phone_photo() -> bytes:
    """A 12-megapixel JPEG with some texture, as a phone takes it."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (4000, 3000), (180, 190, 200))
    draw = ImageDraw.Draw(picture)
    for i in range(0, 4000, 40):
        draw.line((i, 0, 4000 - i, 3000), fill=(i % 255, 120, 255 - i % 255), width=9)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=92)
    return out.getvalue()


def build(runs: int):
    from django.core.files.base import ContentFile

    from dudao.core.testing.factories import ListingFactory, SchoolFactory
    from dudao.core.testing.world import build_world, fresh
    from dudao.inspections.services.findings import finding_record
    from dudao.inspections.services.rectifications import rectification_issue

    world = build_world()
    county = world.a
    inspector = county.inspectors[0]
    inspector.photo.save("photo.jpg", ContentFile(phone_photo()), save=True)
    schools = [SchoolFactory(code=f"B{i:06d}", name=f"甲县实验学校{i + 1}校区", region=county.township)
               for i in range(2 * runs + 2)]
    for school in schools:
        ListingFactory(inspector=inspector, school=school)
    issuer = fresh(county.users["inspector"])
    notices = []
    for i, school in enumerate(schools[: runs + 1]):
        finding = finding_record(actor=issuer, school_id=school.pk, severity="serious",
                                 description=f"食堂留样记录不全，第{i + 1}次检查发现")
        notices.append(rectification_issue(actor=issuer, finding_id=finding.pk,
                                           requirements="一、补齐食品留样记录。\n二、指定专人每日登记。"))
    return world, schools, notices


def median(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def steps(photo: bytes, url: str, runs: int) -> list[tuple[str, str]]:
    from dudao.documents.render import _profiles, docx_to_pdf, render_docx
    from dudao.documents.services import default_template_bytes
    from dudao.inspectors.documents import KIND, photo_image, qr_image

    def timed(fn):
        times, result = [], None
        for _ in range(runs):
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        return times, result

    photo_t, picture = timed(lambda: photo_image(photo))
    qr_t, qr = timed(lambda: qr_image(url))
    template_t, source = timed(lambda: default_template_bytes(KIND))
    context = {"boards": [{
        "school": {"name": "甲县第1小学", "code": "3601010001", "kind": "小学"},
        "inspector": {"name": "张明", "phone": "13800000000", "email": "zm@example.cn", "certificate_no": "督学证 1"},
        "photo": picture, "office": {"name": "甲县人民政府教育督导室", "hotline": "0799-1234567", "email": "d@example.cn"},
        "url": url, "qr": qr, **_texts(),
    }], "date": "2026年12月5日"}
    render_t, docx = timed(lambda: render_docx(source, context))
    for path in _profiles.paths:  # a cold LibreOffice: a new profile, as the first PDF of a new process
        shutil.rmtree(path, ignore_errors=True)
    start = time.perf_counter()
    docx_to_pdf([docx])
    cold = time.perf_counter() - start
    warm_t, _pdf = timed(lambda: docx_to_pdf([docx]))
    return [
        ("inspector's photo (3 MB JPEG: crop, scale, JPEG)", median(photo_t)),
        ("QR code (PNG)", median(qr_t)),
        ("built-in template (python-docx)", median(template_t)),
        (f"render the .docx ({len(docx) // 1024} KB)", median(render_t)),
        ("PDF by LibreOffice, cold (new profile)", f"{cold * 1000:.0f} ms"),
        ("PDF by LibreOffice, warm", median(warm_t)),
    ]


def _texts() -> dict:
    from dudao.inspectors.documents import board_texts
    from dudao.organizations.models import School

    return board_texts(School(kind="primary", name="甲县第1小学"))


def press(client, url: str) -> tuple[float, float, object]:
    """POSTs the button; returns (seconds until the page answered, until the PDF is on file, document)."""
    from dudao.documents.models import Document
    from dudao.jobs.models import Job
    from dudao.jobs.services import job_run

    start = time.perf_counter()
    response = client.post(url)
    page = client.get(response.url)
    answered = time.perf_counter() - start
    assert page.status_code == 200, page.status_code
    document = Document.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))
    for job in Job.objects.filter(status=Job.Status.QUEUED).order_by("pk"):  # what ``dudao worker`` would run
        job_run(job.pk)
    document.refresh_from_db()
    ready = time.perf_counter() - start
    assert document.pdf, "no PDF"
    return answered, ready, document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile one signboard pressed on the page")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.urls import reverse

    from dudao.core.testing.world import fresh
    from dudao.documents.render import soffice_path

    print(f"LibreOffice {soffice_path()}", flush=True)
    world, schools, notices = build(args.runs)
    office_admin = fresh(world.a.users["office_admin"])
    client = Client()
    client.force_login(office_admin)
    with world.a.inspectors[0].photo.open("rb") as handle:
        photo = handle.read()

    rows = steps(photo, "http://testserver/p/1-abcdefabcdefabcd/", args.runs)
    board_first = press(client, reverse("inspectors:school_signboard", args=[schools[-1].pk]))  # the process's first
    boards = [press(client, reverse("inspectors:school_signboard", args=[s.pk])) for s in schools[: args.runs]]
    notice_url = "inspections:rectification_document"
    notice_runs = [press(client, reverse(notice_url, args=[n.pk, "rectification_notice"])) for n in notices[: args.runs]]
    rows += [
        ("signboard: page answers, first of the process", f"{board_first[0] * 1000:.0f} ms"),
        ("signboard: page answers", median([b[0] for b in boards])),
        ("signboard: PDF on file", median([b[1] for b in boards])),
        ("整改通知书: page answers", median([n[0] for n in notice_runs])),
        ("整改通知书: PDF on file", median([n[1] for n in notice_runs])),
    ]
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        press(client, reverse("inspectors:school_signboard", args=[schools[args.runs].pk]))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>10}")
    if args.markdown:
        lines = ["| step | time |", "|---|---:|", *[f"| {n} | {v} |" for n, v in rows]]
        Path(args.markdown).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    try:
        main()
    finally:
        if OWN_VAR_DIR:
            shutil.rmtree(os.environ["DUDAO_VAR_DIR"], ignore_errors=True)
