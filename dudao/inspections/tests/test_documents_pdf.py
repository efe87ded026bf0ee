"""The PDF of a notice, converted by the real LibreOffice and read back with pypdf: Chinese text,
A4 pages and embedded fonts (GB/T 9704-2012: A4; fonts must travel with the file to print right)."""

import io
import shutil

import pytest
from pypdf import PdfReader

from dudao.documents.models import Document
from dudao.documents.render import cn_date
from dudao.documents.tests.pdf_jobs import run_pdf_jobs
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.document_fixtures import FINDING, user, visit_with_notice

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")]

world = visit_fixtures.world
media_root = visit_fixtures.media_root


def embedded_fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """(font name, has an embedded font file) of every font used on every page."""
    found = []
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")]
            descriptors += [d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
            descriptors = [d.get_object() for d in descriptors if d is not None]
            embedded = any(key in d for d in descriptors for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font.get("/BaseFont")), embedded))
    return found


def test_notice_pdf_is_a4_with_chinese_text_and_embedded_fonts(world, client):
    # given a notice of county A, and its office on the notice page
    _visit, notice = visit_with_notice(world)
    client.force_login(user(world, "office_admin"))
    # when the office presses the notice's Word/PDF button
    response = client.post(f"/inspections/rectifications/{notice.pk}/documents/rectification_notice/")
    assert response.status_code == 302
    run_pdf_jobs()  # the worker makes the PDF
    document = Document.objects.get(kind="rectification_notice")
    with document.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # then every page is A4 (595 × 842 pt)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) <= 1 and abs(height - 841.9) <= 1
    # and the Chinese text can be extracted: school, number, finding, deadline
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    for expected in (world.a.schools[0].name, notice.number, FINDING, cn_date(notice.deadline), "整改通知书"):
        assert expected in text
    # and every font is embedded, a CJK one among them
    fonts = embedded_fonts(reader)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert any("CJK" in name or "Noto" in name or "Song" in name or "Fang" in name for name, _e in fonts), fonts
