"""An API client downloads the evidence files the API lists — a visit's, a finding's, a school's
answer's — with its token alone, in its scope, checked against their SHA-256."""

import pytest
from django.test import Client
from django.urls import reverse

from dudao.core.testing.downloads import TokenClient, sha256_of, tamper
from dudao.core.testing.world import world_rolled_back
from dudao.inspections.models import Attachment
from dudao.inspections.services.visits import visit_attachment_add
from dudao.inspections.tests.rectification_fixtures import answer, issue_notice, png_file, record_finding, user
from dudao.inspections.tests.visit_fixtures import png_bytes, record_visit, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def _finding_file_url(api, finding) -> tuple[str, dict]:
    listed = api.get(reverse("api:inspections-finding-detail", args=[finding.pk])).json()["attachments"][0]
    return listed["url"], listed


def test_an_api_client_downloads_a_finding_photo_the_api_lists(world):
    finding = record_finding(world, files=[png_file()])
    api = TokenClient(world.a.users["inspector"])
    url, listed = _finding_file_url(api, finding)
    response = api.get(url)
    assert response.status_code == 200
    assert sha256_of(response) == listed["sha256"] == finding.attachments.get().sha256


def test_an_api_client_downloads_the_files_of_a_school_answer(world):
    notice = issue_notice(world)
    answer(world, notice, files=[png_file("整改后.png", colour=(10, 200, 10))])
    api = TokenClient(world.a.users["zone_leader"])  # zone 1 holds school 0
    notice_json = api.get(reverse("api:inspections-rectification-detail", args=[notice.pk])).json()
    listed = notice_json["responses"][0]["attachments"][0]
    response = api.get(listed["url"])
    assert response.status_code == 200 and sha256_of(response) == listed["sha256"]


def test_an_api_client_downloads_a_visit_photo_by_its_download_url(world):
    inspector = user(world, "inspector")
    visit = record_visit(inspector, world.a.schools[0])
    attachment, _ = visit_attachment_add(actor=inspector, visit_id=visit.pk,
                                         uploaded_file=upload("校门.png", png_bytes()))
    api = TokenClient(world.a.users["inspector"])
    listed = api.get(reverse("api:inspections-attachment-detail", args=[attachment.pk])).json()
    response = api.get(listed["download_url"])
    assert response.status_code == 200 and sha256_of(response) == attachment.sha256 == listed["sha256"]


def test_a_token_out_of_scope_does_not_find_the_evidence(world):
    finding = record_finding(world, files=[png_file()])
    url, _listed = _finding_file_url(TokenClient(world.a.users["inspector"]), finding)
    assert TokenClient(world.b.users["office_admin"]).get(url).status_code == 404
    assert TokenClient(world.a.users["principal"]).get(url).status_code == 404  # school 1, not school 0


def test_evidence_without_a_session_or_with_a_wrong_token_is_refused(world):
    finding = record_finding(world, files=[png_file()])
    url = Attachment.objects.get(finding=finding).get_absolute_url()
    assert Client().get(url).status_code == 302
    assert Client().get(url, HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_an_altered_evidence_file_is_refused_to_a_token_client(world):
    finding = record_finding(world, files=[png_file()])
    api = TokenClient(world.a.users["inspector"])
    url, _listed = _finding_file_url(api, finding)
    tamper(finding.attachments.get().file)
    assert api.get(url).status_code == 409
