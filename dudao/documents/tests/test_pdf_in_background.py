"""One document asked for on a page answers with its Word file at once; the PDF follows from a
background job (LibreOffice takes seconds to start), and the document's page shows it coming, then
the PDF button. The PDF is filed with its own SHA-256 and audited, as a batch files it."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from dudao.audit.models import AuditEvent
from dudao.core.testing.downloads import tamper
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.documents import services
from dudao.documents.models import Document
from dudao.documents.tests.kind_fixtures import letter_sample
from dudao.documents.tests.pdf_jobs import run_pdf_jobs
from dudao.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def office(world) -> Client:
    client = Client()
    client.force_login(fresh(world.a.users["office_admin"]))
    return client


def word_only(world, school=1) -> Document:
    c = world.a
    return services.document_generate(actor=fresh(c.users["inspector"]), kind="test_letter", context=letter_sample(),
                                      office=c.office, title="督导检查情况通报", school=c.schools[school], pdf=False)


def test_office_presses_the_signboard_button_and_gets_the_word_file_at_once_then_the_pdf(world):
    client = office(world)
    # when the office presses a school's signboard button
    response = client.post(f"/inspectors/schools/{world.a.schools[0].pk}/signboard/")
    # then it lands on the filed document with its Word file, while the PDF is being made
    assert response.status_code == 302
    document = Document.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))
    assert document.kind == "signboard" and document.docx_sha256 and not document.pdf
    page = client.get(response.url).content.decode()
    assert 'data-testid="download-docx"' in page and 'data-testid="pdf-in-progress"' in page
    assert 'hx-trigger="every 1s"' in page and 'data-testid="download-pdf"' not in page
    job = Job.objects.get(kind=services.PDF_JOB)
    assert job.params == {"document": document.pk} and job.status == Job.Status.QUEUED
    # when the worker runs the job
    [job] = run_pdf_jobs()
    # then the PDF is filed with its SHA-256, audited, and the page offers it
    assert job.status == Job.Status.SUCCEEDED
    document.refresh_from_db()
    assert services.sha256(services.document_read_verified(document, "pdf")) == document.pdf_sha256
    assert AuditEvent.objects.filter(action="documents.document.pdf", target_id=str(document.pk)).exists()
    page = client.get(response.url).content.decode()
    assert 'data-testid="download-pdf"' in page and "every 1s" not in page
    assert client.get(f"/documents/{document.pk}/download/pdf/")["Content-Type"] == "application/pdf"


def test_asking_again_while_the_pdf_is_made_queues_no_second_job(world, letter_kind):
    document = word_only(world)
    inspector = fresh(world.a.users["inspector"])
    first = services.document_pdf_start(actor=inspector, document=document)
    assert services.document_pdf_start(actor=inspector, document=document) == first
    assert Job.objects.filter(kind=services.PDF_JOB).count() == 1


def test_without_libreoffice_the_page_says_why_and_offers_to_try_again(world, letter_kind, settings):
    # given a document filed as Word only, and a server where LibreOffice cannot run
    document = word_only(world)
    client = office(world)
    assert 'data-testid="make-pdf"' in client.get(f"/documents/{document.pk}/").content.decode()
    settings.DUDAO_SOFFICE = "/nonexistent/soffice"
    # when the office asks for the PDF and the worker tries
    client.post(f"/documents/{document.pk}/pdf/")
    [job] = run_pdf_jobs()
    # then the job failed with the reason, nothing was filed, and the page offers to try again
    assert job.status == Job.Status.FAILED and "LibreOffice" in job.message
    document.refresh_from_db()
    assert not document.pdf
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert 'data-testid="pdf-failed"' in page and 'data-testid="make-pdf"' in page
    # when LibreOffice is back and the office tries again, then the PDF is made
    settings.DUDAO_SOFFICE = None
    client.post(f"/documents/{document.pk}/pdf/")
    assert [j.status for j in run_pdf_jobs()] == [Job.Status.SUCCEEDED]
    document.refresh_from_db()
    assert document.pdf and len(document.pdf_sha256) == 64


def test_an_altered_word_file_gets_no_pdf(world, letter_kind):
    document = word_only(world)
    tamper(document.docx)
    services.document_pdf_start(actor=fresh(world.a.users["inspector"]), document=document)
    [job] = run_pdf_jobs()
    assert job.status == Job.Status.FAILED and "SHA-256" in job.message
    document.refresh_from_db()
    assert not document.pdf


def test_api_client_asks_for_the_pdf_and_follows_the_job(world, letter_kind):
    # given a document filed as Word only, and the county's office on the API
    document = word_only(world)
    api = APIClient()
    api.force_authenticate(fresh(world.a.users["office_admin"]))
    # when it asks for the PDF, then a job to follow is started (202)
    started = api.post(f"/api/v1/documents/documents/{document.pk}/pdf/")
    assert started.status_code == 202 and started.json()["status"] == "queued"
    assert api.get(started.json()["url"]).status_code == 200
    run_pdf_jobs()
    # and the document then lists its PDF; asking again answers the document (200)
    assert api.get(f"/api/v1/documents/documents/{document.pk}/").json()["pdf_url"]
    again = api.post(f"/api/v1/documents/documents/{document.pk}/pdf/")
    assert again.status_code == 200 and again.json()["pdf_url"].endswith(f"/documents/{document.pk}/download/pdf/")
    # neither the neighbouring county nor another school's liaison finds it
    for other in (world.b.users["office_admin"], world.a.users["school_liaison"]):
        api.force_authenticate(fresh(other))
        assert api.post(f"/api/v1/documents/documents/{document.pk}/pdf/").status_code == 404
