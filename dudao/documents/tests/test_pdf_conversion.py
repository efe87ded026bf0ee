"""Many documents to PDF at once: one LibreOffice run per core, each with a profile of its own, the
PDFs in the order of the documents; a batch files its Word files first and its PDFs as they come,
so that a run that stops is finished by the next."""

import io
import stat
import sys
import textwrap

import pytest
from pypdf import PdfReader

from dudao.audit.models import AuditEvent
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.documents import services
from dudao.documents.models import Document
from dudao.documents.render import PdfUnavailable, docx_to_pdf, render_docx
from dudao.documents.tests.kind_fixtures import build_letter, letter_sample

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def letter(school: str) -> bytes:
    out = io.BytesIO()
    build_letter().save(out)
    return render_docx(out.getvalue(), letter_sample() | {"school": {"name": school}})


@pytest.fixture
def stand_in(tmp_path, settings):
    """A LibreOffice stand-in that logs when each run starts and ends and with which profile, takes a
    moment, and writes each input back as its "PDF" (or fails on an input holding FAIL)."""
    log = tmp_path / "runs.log"
    script = tmp_path / "soffice"
    fails = ("import sys, zipfile; f = sys.argv[1]; "
             "sys.exit(zipfile.is_zipfile(f) and 'FAIL' in zipfile.ZipFile(f).read('word/document.xml').decode())")
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        FAILS="{fails}"
        profile=""; out=""
        while [ $# -gt 0 ]; do
          case "$1" in
            -env:UserInstallation=*) profile="${{1#-env:UserInstallation=}}";;
            --outdir) shift; out="$1";;
            *.docx) files="$files $1";;
          esac
          shift
        done
        echo "start $profile $(date +%s.%N)" >> {log}
        sleep 0.4
        mkdir -p "$out"
        for f in $files; do
          {sys.executable} -c "$FAILS" "$f" || exit 1
          cp "$f" "$out/$(basename "$f" .docx).pdf"
        done
        echo "end $profile $(date +%s.%N)" >> {log}
        """))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    settings.DUDAO_SOFFICE = str(script)
    return log


def runs(log) -> tuple[set[str], int]:
    """The profiles the runs used and the most runs that were under way at once."""
    events = sorted((float(at), kind, profile) for kind, profile, at in (line.split() for line in log.read_text().splitlines()))
    most = under_way = 0
    for _at, kind, _profile in events:
        under_way += 1 if kind == "start" else -1
        most = max(most, under_way)
    return {profile for _at, _kind, profile in events}, most


def test_runs_go_side_by_side_each_with_its_own_profile_and_keep_the_order(stand_in, settings):
    settings.DUDAO_PDF_WORKERS = 2
    documents = [f"document {i}".encode() for i in range(6)]
    assert docx_to_pdf(documents, chunk=2) == documents
    profiles, most = runs(stand_in)
    assert most == 2 and len(profiles) == 2


def test_one_worker_runs_one_conversion_at_a_time(stand_in, settings):
    settings.DUDAO_PDF_WORKERS = 1
    documents = [f"document {i}".encode() for i in range(3)]
    assert docx_to_pdf(documents, chunk=1) == documents
    assert runs(stand_in)[1] == 1


def test_libreoffice_converts_each_document_into_its_own_pdf(settings):
    settings.DUDAO_PDF_WORKERS = 2
    names = ["东山小学", "西山小学", "南山中学", "北山中学"]
    pdfs = docx_to_pdf([letter(name) for name in names], chunk=1)
    texts = ["".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs]
    for name, text in zip(names, texts, strict=True):
        assert name in text and all(other not in text for other in names if other != name)


def test_a_batch_files_its_word_files_first_and_a_second_run_adds_the_missing_pdfs(world, letter_kind, stand_in,
                                                                                    settings):
    settings.DUDAO_PDF_WORKERS = 2
    a = world.a
    actor = fresh(a.users["office_admin"])
    items = [{"kind": "test_letter", "office": a.office, "title": f"通报 {i}", "subject": school,
              "context": letter_sample() | {"school": {"name": name}}}
             for i, (school, name) in enumerate(zip(a.schools[:3], ["甲校", "FAIL", "丙校"], strict=True))]
    seen = []
    # when the second document's conversion fails
    with pytest.raises(PdfUnavailable):
        services.documents_generate_many(actor=actor, items=items, chunk=1, progress=lambda n, total: seen.append(n))
    # then all three Word files are on file, the first with its PDF, and nothing half-filed
    filed = Document.objects.filter(kind="test_letter", subject_id__in=[s.pk for s in a.schools[:3]]).order_by("pk")
    assert [bool(d.docx) for d in filed] == [True, True, True]
    assert [bool(d.pdf) for d in filed] == [True, False, False]
    assert seen == [1]
    # when the cause is mended and the batch runs again
    items[1]["context"] = letter_sample() | {"school": {"name": "乙校"}}
    documents = services.documents_generate_many(actor=actor, items=items, chunk=1)
    # then the documents on file get their PDFs, in the order of the items, each audited once
    assert [d.pk for d in documents[::2]] == [filed[0].pk, filed[2].pk] and documents[1].pk not in {d.pk for d in filed}
    assert all(d.pdf and d.pdf_sha256 == services.sha256(d.pdf.read()) for d in documents)
    for document in documents:
        assert AuditEvent.objects.filter(action="documents.document.pdf", target_id=str(document.pk)).count() == 1
        assert AuditEvent.objects.filter(action="documents.document.generate", target_id=str(document.pk)).count() == 1
