"""A document downloads under its own name: a 整改回执及核查记录 quotes the number of the notice it
answers, so it is named by its kind and that number, never by the number alone (the notice's name);
the name is RFC 5987 encoded with an ASCII fallback."""

import re
from urllib.parse import unquote

import pytest

from dudao.inspections.services.documents import rectification_document_generate, visit_document_generate
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.document_fixtures import criticised_notice, submitted_visit, user

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root

ATTR_CHAR = re.compile(r"^[A-Za-z0-9!#$&+\-.^_`|~%]*$")  # RFC 5987 attr-char, plus the %XX escapes


def download_name(response) -> tuple[str, str]:
    """The (ASCII fallback, UTF-8 name) of an attachment's Content-Disposition."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment;")
    fallback = re.search(r'filename="([^"]*)"', header).group(1)
    encoded = re.search(r"filename\*=UTF-8''(\S+)", header).group(1)
    assert ATTR_CHAR.match(encoded), encoded
    return fallback, unquote(encoded)


def test_office_downloads_the_receipt_under_its_own_name_not_the_notice_s(world, client):
    # given a notice and its 整改回执及核查记录, both filed (the receipt quotes the notice's number)
    _visit, notice, _escalation = criticised_notice(world)
    inspector = user(world, "inspector")
    notice_doc = rectification_document_generate(actor=inspector, rectification_id=notice.pk,
                                                 kind="rectification_notice", pdf=False)
    receipt = rectification_document_generate(actor=inspector, rectification_id=notice.pk,
                                              kind="rectification_reply", pdf=False)
    assert receipt.number == notice_doc.number == notice.number
    client.force_login(user(world, "office_admin"))
    # when the office downloads both
    receipt_name = download_name(client.get(f"/documents/{receipt.pk}/download/docx/"))
    notice_name = download_name(client.get(f"/documents/{notice_doc.pk}/download/docx/"))
    # then each has its own name: kind and number, and an ASCII name for old clients
    assert receipt_name[1] == f"整改回执及核查记录-{notice.number}.docx"
    assert notice_name[1] == f"整改通知书-{notice.number}.docx"
    assert receipt_name[0] == f"rectification_reply-{receipt.pk}.docx"
    assert receipt_name[0].isascii()


def test_a_document_without_a_number_downloads_under_its_title(world, client):
    visit = submitted_visit(world)
    record = visit_document_generate(actor=user(world, "inspector"), visit_id=visit.pk, kind="visit_record",
                                     pdf=False)
    assert not record.number
    client.force_login(user(world, "inspector"))
    assert download_name(client.get(f"/documents/{record.pk}/download/docx/"))[1] == f"{record.title}.docx"


def test_a_template_downloads_under_its_kind_and_version(world, client):
    client.force_login(user(world, "office_admin"))
    response = client.get("/documents/templates/default/rectification_reply.docx")
    assert download_name(response)[1] == "整改回执及核查记录（默认模板）.docx"
