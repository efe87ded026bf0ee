"""Templates an office uploads and documents the platform files: versions, refusal of broken
templates (nothing saved), numbering, idempotent filing, fingerprints, the audit trail and a
real PDF through LibreOffice with Chinese fonts embedded on A4."""

import io
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from dudao.audit.models import AuditEvent
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.documents import services
from dudao.documents.models import DocumentTemplate
from dudao.documents.render import docx_text
from dudao.documents.tests.kind_fixtures import letter_sample
from dudao.documents.tests.pdf_jobs import run_pdf_jobs
from dudao.documents.tests.test_layout_and_render import _replace_in_docx
from dudao.organizations.models import Office

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def _generate(world, *, county="a", user="inspector", pdf=False, **extra):
    c = getattr(world, county)
    document = services.document_generate(
        actor=fresh(c.users[user]), kind="test_letter", context=letter_sample() | extra.pop("context", {}),
        office=c.office, title="督导检查情况通报", school=c.schools[0], pdf=pdf, **extra)
    if pdf:  # the PDF comes from the background job, which the worker runs
        run_pdf_jobs()
        document.refresh_from_db()
    return document


def _upload(world, data, *, county="a", **extra):
    c = getattr(world, county)
    return services.template_upload(actor=fresh(c.users["office_admin"]), office_id=c.office.pk, kind="test_letter",
                                    data=data, filename="通报模板.docx", **extra)


def test_a_document_is_filed_with_its_template_version_data_and_fingerprint(world, letter_kind):
    # when
    doc = _generate(world)
    # then
    assert doc.template is None and doc.template_version == 0  # the built-in template
    assert doc.data["school"] == {"name": "示范小学"} and doc.year == doc.date.year
    with doc.docx.open("rb") as handle:
        data = handle.read()
    assert services.sha256(data) == doc.docx_sha256
    assert "值班记录缺失" in docx_text(data) and "值班记录缺失" in doc.text
    event = AuditEvent.objects.get(action="documents.document.generate", target_id=str(doc.pk))
    assert event.changes["docx_sha256"] == [None, doc.docx_sha256]


def test_the_same_data_gives_the_document_on_file_and_new_data_a_new_one(world, letter_kind):
    subject = world.a.schools[0]
    first = _generate(world, subject=subject)
    again = _generate(world, subject=subject)
    changed = _generate(world, subject=subject, context={"inspector": "李督学"})
    assert again.pk == first.pk
    assert changed.pk != first.pk and "李督学" in changed.text


def test_numbered_kinds_take_the_next_number_of_the_office_and_year(world, letter_kind):
    # given the built-in pattern {office}教督〔{year}〕{seq}号 and a county named 甲县
    first = _generate(world, number=None)
    second = _generate(world, number=None)
    year = first.date.year
    assert (first.number, second.number) == (f"甲教督〔{year}〕1号", f"甲教督〔{year}〕2号")
    assert f"甲教督〔{year}〕2号" in second.text
    other = _generate(world, county="b", user="inspector", number=None)
    assert other.number == f"乙教督〔{year}〕1号"  # each office counts its own


def test_an_office_template_version_changes_the_wording_and_its_number_pattern(world, letter_kind):
    # given the office rewrites the letterhead and its number pattern
    source = _replace_in_docx(services.default_template_bytes("test_letter"), "督导检查情况通报", "甲县督导检查通报（修订）")
    template = _upload(world, source, number_pattern="{office}督通〔{year}〕{seq}号", note="新版式")
    # when
    doc = _generate(world, number=None)
    # then
    assert (template.version, template.is_active) == (1, True)
    assert doc.template_id == template.pk and doc.template_version == 1
    assert "甲县督导检查通报（修订）" in doc.text and doc.number.startswith("甲督通〔")
    # a second version replaces it; the first stays on file and can come back
    second = _upload(world, services.default_template_bytes("test_letter"))
    assert second.version == 2 and second.number_pattern == "{office}督通〔{year}〕{seq}号"
    assert list(DocumentTemplate.objects.filter(office=world.a.office, is_active=True)) == [second]
    services.template_activate(actor=fresh(world.a.users["office_admin"]), template_id=template.pk)
    assert DocumentTemplate.objects.get(office=world.a.office, is_active=True) == template
    services.template_use_default(actor=fresh(world.a.users["office_admin"]), office_id=world.a.office.pk,
                                  kind="test_letter")
    assert not DocumentTemplate.objects.filter(office=world.a.office, is_active=True).exists()
    assert _generate(world, context={"inspector": "新督学"}).template_version == 0


def test_a_batch_reads_the_office_template_once_and_files_the_text_of_each_document(world, letter_kind, monkeypatch):
    # given the office's own template and a batch of three schools' letters
    source = _replace_in_docx(services.default_template_bytes("test_letter"), "督导检查情况通报", "甲县督导检查通报（批量）")
    template = _upload(world, source)
    reads = []
    read = services.template_source
    monkeypatch.setattr(services, "template_source", lambda used, kind: reads.append(used) or read(used, kind))
    schools = world.a.schools[:3]
    items = [{"kind": "test_letter", "office": world.a.office, "title": f"通报 {school.name}", "subject": school,
              "context": letter_sample() | {"school": {"name": school.name}, "qr": ""}} for school in schools]
    # when
    documents = services.documents_generate_many(actor=fresh(world.a.users["inspector"]), items=items, pdf=False)
    # then the template was read once, and each document is filed with its own text
    assert reads == [template]
    for school, document in zip(schools, documents, strict=True):
        assert document.template_id == template.pk
        with document.docx.open("rb") as handle:
            assert document.text == docx_text(handle.read())
        assert f"{school.name}：" in document.text and "甲县督导检查通报（批量）" in document.text
    services.template_use_default(actor=fresh(world.a.users["office_admin"]), office_id=world.a.office.pk,
                                  kind="test_letter")


def test_a_template_with_a_broken_placeholder_is_refused_and_nothing_is_saved(world, letter_kind):
    source = _replace_in_docx(services.default_template_bytes("test_letter"), "{{ school.name }}", "{{ school.nme }}")
    with pytest.raises(ValidationError) as raised:
        _upload(world, source)
    assert "{{ school.nme }}" in " ".join(raised.value.message_dict["file"])
    assert not DocumentTemplate.objects.filter(office=world.a.office).exists()
    assert not AuditEvent.objects.filter(action="documents.template.upload").exists()


def test_a_number_pattern_with_unknown_fields_is_refused(world, letter_kind):
    with pytest.raises(ValidationError) as raised:
        _upload(world, services.default_template_bytes("test_letter"), number_pattern="{county}教督〔{year}〕{seq}号")
    assert "number_pattern" in raised.value.message_dict


@pytest.mark.parametrize("role", ["office_staff", "inspector", "school_liaison"])
def test_only_the_office_administrator_changes_templates(world, letter_kind, role):
    with pytest.raises(PermissionDenied):
        services.template_upload(actor=fresh(world.a.users[role]), office_id=world.a.office.pk, kind="test_letter",
                                 data=services.default_template_bytes("test_letter"), filename="x.docx")


def test_another_county_office_is_not_found(world, letter_kind):
    with pytest.raises(Office.DoesNotExist):
        services.template_upload(actor=fresh(world.a.users["office_admin"]), office_id=world.b.office.pk,
                                 kind="test_letter", data=services.default_template_bytes("test_letter"),
                                 filename="x.docx")


def test_a_filed_file_that_was_altered_is_not_served(world, letter_kind):
    doc = _generate(world)
    Path(doc.docx.path).write_bytes(b"altered")
    with pytest.raises(services.DocumentIntegrityError):
        services.document_read_verified(doc, "docx")


def test_the_pdf_is_a4_with_chinese_text_page_numbers_and_embedded_fonts(world, letter_kind):
    # when: the .docx goes through LibreOffice headless, which also proves it is a Word-compatible file
    doc = _generate(world, pdf=True, context={"problems": [
        {"no": n, "text": f"第{n}项问题：校园安全巡查记录不完整", "deadline": "2026年4月5日"} for n in range(1, 41)]})
    with doc.pdf.open("rb") as handle:
        data = handle.read()
    # then
    assert services.sha256(data) == doc.pdf_sha256
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4
    text = "".join(page.extract_text() for page in reader.pages)
    compact = re.sub(r"\s+", "", text)
    assert "督导检查情况通报" in compact and "示范县人民政府教育督导室" in compact and "第40项问题" in compact
    assert "—1—" in compact and "—2—" in compact  # page numbers
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        fonts = subprocess.run(["pdffonts", handle.name], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert any("CJK" in row for row in rows)
    assert all(row.split()[-5] == "yes" for row in rows), fonts  # every font embedded ("emb" column)


def test_a_document_filed_without_its_pdf_gets_it_when_asked_again(world, letter_kind):
    # given a document filed as .docx only (no LibreOffice at the time, or a quick demo)
    first = _generate(world, subject=world.a.schools[2], pdf=False)
    assert not first.pdf
    # when the same record is asked for with its PDF
    again = _generate(world, subject=world.a.schools[2], pdf=True)
    # then the document on file gets the PDF, checked and audited
    assert again.pk == first.pk
    first.refresh_from_db()
    with first.pdf.open("rb") as handle:
        assert services.sha256(handle.read()) == first.pdf_sha256
    assert AuditEvent.objects.filter(action="documents.document.pdf", target_id=str(first.pk)).exists()
