"""The archive pages, downloads, template pages and the year bundle: in scope only, checked
against the fingerprints, and a broken template refused with its placeholder named."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.testing.xlsx import with_part
from dudao.documents import services
from dudao.documents.models import Document, DocumentTemplate
from dudao.documents.tests.kind_fixtures import letter_sample
from dudao.documents.tests.test_layout_and_render import _replace_in_docx
from dudao.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _doc(world, county="a", school=0, title="督导检查情况通报", **context):
    c = getattr(world, county)
    return services.document_generate(
        actor=fresh(c.users["inspector"]), kind="test_letter", context=letter_sample() | context, office=c.office,
        title=title, school=c.schools[school] if school is not None else None, pdf=False)


def test_the_archive_lists_and_finds_documents_by_their_text(world, client, letter_kind):
    # given
    _doc(world, problems=[{"no": 1, "text": "食堂留样记录不全", "deadline": "2026年4月5日"}], title="食堂通报")
    _doc(world, title="安全通报")
    client.force_login(world.a.users["office_admin"])
    # when
    page = client.get(reverse("documents:document_list"), {"q": "留样"}).content.decode()
    # then
    assert "食堂通报" in page and "安全通报" not in page


def test_a_school_user_sees_their_school_documents_only(world, client, letter_kind):
    own = _doc(world, school=0, title="本校通报")
    other = _doc(world, school=1, title="他校通报")
    client.force_login(world.a.users["school_liaison"])  # liaison of school 0
    page = client.get(reverse("documents:document_list")).content.decode()
    assert "本校通报" in page and "他校通报" not in page
    assert client.get(reverse("documents:document_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("documents:document_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[other.pk, "docx"])).status_code == 404


def test_another_county_never_gets_a_document(world, client, letter_kind):
    doc = _doc(world, county="b")
    client.force_login(world.a.users["office_admin"])
    assert client.get(reverse("documents:document_detail", args=[doc.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[doc.pk, "docx"])).status_code == 404
    assert doc.pk not in [d["id"] for d in client.get(
        reverse("api:documents-document-list") + "?page_size=500").json()["results"]]


def test_a_download_is_the_filed_file_with_its_fingerprint(world, client, letter_kind):
    doc = _doc(world)
    client.force_login(world.a.users["office_admin"])
    response = client.get(reverse("documents:download", args=[doc.pk, "docx"]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert services.sha256(data) == doc.docx_sha256 and response["Digest"] == f"sha-256={doc.docx_sha256}"
    # an altered file is refused with a page that says so
    with open(doc.docx.path, "wb") as handle:
        handle.write(b"tampered")
    refused = client.get(reverse("documents:download", args=[doc.pk, "docx"]))
    assert refused.status_code == 409 and "data-testid=\"integrity-error\"" in refused.content.decode()


def test_the_template_page_offers_the_built_in_and_an_upload_names_a_broken_placeholder(world, client, letter_kind):
    client.force_login(world.a.users["office_admin"])
    page = client.get(reverse("documents:template_list")).content.decode()
    assert 'data-kind="test_letter"' in page
    default = client.get(reverse("documents:template_default", args=["test_letter"]))
    assert default.status_code == 200
    broken = _replace_in_docx(default.content, "{{ inspector }}", "{{ inspector }")
    upload = io.BytesIO(broken)
    upload.name = "模板.docx"
    response = client.post(reverse("documents:template_upload"), {
        "office": world.a.office.pk, "kind": "test_letter", "file": upload})
    assert response.status_code == 400
    assert "{{ inspector }" in response.content.decode()
    assert not DocumentTemplate.objects.filter(office=world.a.office).exists()
    good = io.BytesIO(default.content)
    good.name = "模板.docx"
    response = client.post(reverse("documents:template_upload"), {
        "office": world.a.office.pk, "kind": "test_letter", "file": good, "note": "换了版头"})
    assert response.status_code == 302
    assert DocumentTemplate.objects.get(office=world.a.office, is_active=True).note == "换了版头"


@pytest.mark.parametrize("role", ["inspector", "school_liaison"])
def test_school_bound_roles_cannot_open_the_template_pages(world, client, letter_kind, role):
    client.force_login(world.a.users[role])
    assert client.get(reverse("documents:template_list")).status_code == 403
    assert client.get(reverse("documents:template_upload")).status_code == 403


def test_the_api_uploads_a_template_and_refuses_a_broken_one(world, client, letter_kind):
    client.force_login(world.a.users["office_admin"])
    source = services.default_template_bytes("test_letter")
    bad = io.BytesIO(_replace_in_docx(source, "{{ school.name }}", "{{ school.nme }}"))
    bad.name = "t.docx"
    response = client.post(reverse("api:documents-documenttemplate-list"),
                           {"office": world.a.office.pk, "kind": "test_letter", "file": bad})
    assert response.status_code == 400 and "{{ school.nme }}" in str(response.json())
    good = io.BytesIO(source)
    good.name = "t.docx"
    response = client.post(reverse("api:documents-documenttemplate-list"),
                           {"office": world.a.office.pk, "kind": "test_letter", "file": good})
    assert response.status_code == 201 and response.json()["version"] == 1


def test_the_archive_runs_the_same_queries_for_2_and_200_documents(world, client, letter_kind):
    template = _doc(world)
    client.force_login(world.a.users["office_admin"])

    def grow(k):
        Document.objects.bulk_create([Document(
            kind="test_letter", title=f"通报{i}", office=world.a.office, school=world.a.schools[i % 4], year=2026,
            date=template.date, data={}, data_sha256="0" * 64, docx=template.docx.name, docx_sha256="0" * 64,
            created_by=template.created_by) for i in range(k)])

    def fetch():
        assert client.get(reverse("documents:document_list"), {"page_size": 500}).status_code == 200
        assert client.get(reverse("api:documents-document-list"), {"page_size": 500}).status_code == 200

    assert_constant_queries(fetch, grow)


def test_a_school_year_bundle_packs_documents_and_an_index(world, client, letter_kind, immediate_tasks,
                                                           django_capture_on_commit_callbacks):
    # given two documents of school 0 and one of school 1, one of them altered on disk
    kept = _doc(world, school=0, title="本校通报")
    altered = _doc(world, school=0, title="被改通报", inspector="赵督学")
    _doc(world, school=1, title="他校通报")
    with open(altered.docx.path, "wb") as handle:
        handle.write(b"tampered")
    client.force_login(world.a.users["office_admin"])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:bundle_start"), {"school": world.a.schools[0].pk,
                                                                    "year": kept.year})
    # then
    job = Job.objects.get(kind="documents.bundle")
    assert response.status_code == 302 and job.status == Job.Status.SUCCEEDED, job.message
    with job.result_file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = archive.namelist()
    packed = [n for n in names if n.endswith(".docx")]
    assert len(packed) == 1 and services.sha256(archive.read(packed[0])) == kept.docx_sha256
    sums = archive.read("SHA256SUMS").decode()
    assert f"{kept.docx_sha256}  {packed[0]}" in sums
    index = next(n for n in names if n.endswith(".html"))
    html = archive.read(index).decode()
    assert "本校通报" in html and "被改通报" in html and "他校通报" not in html
    sheet = load_workbook(io.BytesIO(archive.read(next(n for n in names if n.endswith(".xlsx"))))).active
    statuses = [row[7] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(statuses) == 2 and len(set(statuses)) == 2  # one packed, one refused as altered


def test_a_bundle_of_a_school_out_of_scope_is_not_found(world, client, letter_kind):
    client.force_login(world.a.users["office_admin"])
    response = client.post(reverse("documents:bundle_start"), {"school": world.b.schools[0].pk, "year": 2026})
    assert response.status_code == 404
    assert not Job.objects.filter(kind="documents.bundle").exists()


def test_a_template_that_unpacks_to_too_much_is_refused_by_the_page_and_the_api(world, client, letter_kind):
    # given the default template whose document part is padded to unpack to 60 MB (from some 100 KB)
    client.force_login(world.a.users["office_admin"])
    source = services.default_template_bytes("test_letter")
    bomb = with_part(source, "word/document.xml", zipfile.ZipFile(io.BytesIO(source)).read("word/document.xml")
                     + b" " * (60 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024

    def upload():
        file = io.BytesIO(bomb)
        file.name = "模板.docx"
        return {"office": world.a.office.pk, "kind": "test_letter", "file": file}

    # when it is uploaded through the page and the API
    page = client.post(reverse("documents:template_upload"), upload())
    api = client.post(reverse("api:documents-documenttemplate-list"), upload())
    # then both refuse it with the limit, and no template is filed
    refusal = "文件解压后超过 50 MB，请拆分为较小的文件后再上传。"
    assert page.status_code == 400 and refusal in page.content.decode()
    assert api.status_code == 400 and api.json()["file"] == [refusal]
    assert not DocumentTemplate.objects.filter(office=world.a.office).exists()
