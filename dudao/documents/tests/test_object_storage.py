"""With ``DUDAO_MEDIA_STORAGE=s3`` a generated document's Word file (and its PDF, made by the
background job from the stored Word file) are objects in the bucket of a real S3-compatible server,
downloaded back through the checked download byte for byte."""

import pytest
from django.urls import reverse

from dudao.core.testing.downloads import TokenClient, body
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.documents import services
from dudao.documents.tests.kind_fixtures import letter_sample
from dudao.documents.tests.pdf_jobs import run_pdf_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def test_a_generated_document_is_stored_in_the_bucket_and_downloads_byte_for_byte(world, letter_kind, s3_media):
    c = world.a
    document = services.document_generate(
        actor=fresh(c.users["inspector"]), kind="test_letter", context=letter_sample(), office=c.office,
        title="督导检查情况通报", school=c.schools[0], pdf=True)
    run_pdf_jobs()
    document.refresh_from_db()
    assert s3_media.keys() == sorted([document.docx.name, document.pdf.name])
    stored_word = s3_media.read(document.docx.name)
    assert stored_word.startswith(b"PK") and s3_media.read(document.pdf.name).startswith(b"%PDF")

    api = TokenClient(c.users["office_admin"])
    listed = api.get(reverse("api:documents-document-detail", args=[document.pk])).json()
    word, pdf = api.get(listed["docx_url"]), api.get(listed["pdf_url"])
    assert word.status_code == 200 and body(word) == stored_word
    assert pdf.status_code == 200 and body(pdf) == s3_media.read(document.pdf.name)
    assert services.document_read_verified(document, "docx") == stored_word
