"""An API client uploads a unit's evidence and downloads it from the address the API answers, with its
token alone, in its scope, checked against its SHA-256."""

import pytest
from django.test import Client
from django.urls import reverse

from dudao.core.testing.downloads import TokenClient, sha256_of, tamper
from dudao.documents.models import Document
from dudao.evaluations import services
from dudao.evaluations.models import Evidence, Unit
from dudao.evaluations.tests.conftest import new_evaluation, png, run_to, user

pytestmark = pytest.mark.django_db


def _uploaded(world) -> tuple[TokenClient, dict]:
    evaluation = new_evaluation(world)
    services.evaluation_notify(actor=user(world, "office_admin"), evaluation_id=evaluation.pk)
    unit = Unit.objects.get(evaluation=evaluation, school=world.a.schools[0])
    api = TokenClient(world.a.users["school_liaison"])
    answer = api.post(reverse("api:evaluations-unit-evidence", args=[unit.pk]), {"item_code": "A1", "file": png()})
    assert answer.status_code == 201, answer.content
    return api, answer.json()


def test_an_api_client_downloads_the_evidence_it_uploaded(world):
    api, listed = _uploaded(world)
    response = api.get(listed["url"])
    assert response.status_code == 200
    assert sha256_of(response) == listed["sha256"] == Evidence.objects.get(pk=listed["id"]).sha256
    office = TokenClient(world.a.users["office_admin"]).get(listed["url"])
    assert office.status_code == 200 and sha256_of(office) == listed["sha256"]


def test_a_token_out_of_scope_does_not_find_the_evidence(world):
    _api, listed = _uploaded(world)
    assert TokenClient(world.b.users["office_admin"]).get(listed["url"]).status_code == 404
    assert TokenClient(world.a.users["principal"]).get(listed["url"]).status_code == 404  # school 1's principal


def test_evidence_without_a_session_or_with_a_wrong_token_is_refused(world):
    _api, listed = _uploaded(world)
    assert Client().get(listed["url"]).status_code == 302
    assert Client().get(listed["url"], HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_altered_evidence_is_refused_not_served(world):
    api, listed = _uploaded(world)
    tamper(Evidence.objects.get(pk=listed["id"]).file)
    assert api.get(listed["url"]).status_code == 409


def test_an_api_client_downloads_the_evaluation_report_it_files(world):
    evaluation = run_to(world, "published")
    api = TokenClient(world.a.users["office_admin"])
    answer = api.post(reverse("api:evaluations-evaluation-report", args=[evaluation.pk]), {})
    assert answer.status_code == 201, answer.content
    response = api.get(answer.json()["docx_url"])
    assert response.status_code == 200 and sha256_of(response) == Document.objects.get(
        pk=answer.json()["document"]).docx_sha256
