"""An API client downloads the documents the API lists with its token alone, in its scope, checked
against the SHA-256 filed with them."""

import pytest
from django.test import Client
from django.urls import reverse

from dudao.core.testing.downloads import TokenClient, sha256_of, tamper
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.documents import services
from dudao.documents.tests.kind_fixtures import letter_sample
from dudao.documents.tests.pdf_jobs import run_pdf_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def _doc(world, *, pdf=False):
    c = world.a
    document = services.document_generate(
        actor=fresh(c.users["inspector"]), kind="test_letter", context=letter_sample(), office=c.office,
        title="督导检查情况通报", school=c.schools[0], pdf=pdf)
    if pdf:  # made by the background job, as the worker runs it
        run_pdf_jobs()
        document.refresh_from_db()
    return document


def _listed(api, doc) -> dict:
    answer = api.get(reverse("api:documents-document-detail", args=[doc.pk]))
    assert answer.status_code == 200
    return answer.json()


def test_an_api_client_downloads_the_word_and_pdf_files_the_archive_api_lists(world, letter_kind):
    doc = _doc(world, pdf=True)
    api = TokenClient(world.a.users["office_admin"])
    listed = _listed(api, doc)
    word = api.get(listed["docx_url"])
    pdf = api.get(listed["pdf_url"])
    assert word.status_code == 200 and sha256_of(word) == doc.docx_sha256 == listed["docx_sha256"]
    assert pdf.status_code == 200 and sha256_of(pdf) == doc.pdf_sha256 == listed["pdf_sha256"]
    assert pdf["Content-Type"] == "application/pdf"


def test_a_token_of_another_county_does_not_find_the_document(world, letter_kind):
    doc = _doc(world)
    url = _listed(TokenClient(world.a.users["office_admin"]), doc)["docx_url"]
    assert TokenClient(world.b.users["office_admin"]).get(url).status_code == 404
    assert TokenClient(world.a.users["principal"]).get(url).status_code == 404  # another school of county A


def test_a_download_without_a_session_or_with_a_wrong_token_is_refused(world, letter_kind):
    doc = _doc(world)
    url = reverse("documents:download", args=[doc.pk, "docx"])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    wrong = Client().get(url, HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"] == "Token"


def test_an_altered_document_is_refused_to_a_token_client_as_to_the_page(world, letter_kind):
    doc = _doc(world)
    api = TokenClient(world.a.users["office_admin"])
    url = _listed(api, doc)["docx_url"]
    tamper(doc.docx)
    assert api.get(url).status_code == 409
