"""An API client downloads a work report's drafted and submitted files from the addresses the reports
API lists, with its token alone, in its scope, checked against their SHA-256."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dudao.core.testing.downloads import TokenClient, sha256_of, tamper
from dudao.workreports import services
from dudao.workreports.tests import report_fixtures
from dudao.workreports.tests.report_fixtures import OCTOBER, user

pytestmark = pytest.mark.django_db

world = report_fixtures.world


@pytest.fixture(autouse=True)
def december():
    """Today is in December 2026: October's report may be drafted."""
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))):
        yield


def _drafted(world):
    return services.report_draft(actor=user(world, "inspector"), level="inspector", period_kind="month",
                                 period_start=OCTOBER[0], pdf=False)


def _listed(api, report) -> dict:
    answer = api.get(reverse("api:reports-report-detail", args=[report.pk]))
    assert answer.status_code == 200
    return answer.json()


def test_an_api_client_downloads_the_draft_and_the_submitted_report(world):
    report = _drafted(world)
    with report.draft.docx.open("rb") as handle:
        services.report_submit(actor=user(world, "inspector"), report_id=report.pk,
                               uploaded_file=SimpleUploadedFile("报告.docx", handle.read()), pdf=False)
    report.refresh_from_db()
    api = TokenClient(world.a.users["office_admin"])
    listed = _listed(api, report)
    draft = api.get(listed["draft_files"]["docx"])
    submitted = api.get(listed["submitted_files"]["docx"])
    assert draft.status_code == 200 and sha256_of(draft) == report.draft.docx_sha256
    assert submitted.status_code == 200 and sha256_of(submitted) == report.submitted.docx_sha256


def test_a_token_of_another_county_does_not_find_the_report_file(world):
    report = _drafted(world)
    url = _listed(TokenClient(world.a.users["inspector"]), report)["draft_files"]["docx"]
    assert TokenClient(world.b.users["office_admin"]).get(url).status_code == 404


def test_a_report_file_without_a_session_or_with_a_wrong_token_is_refused(world):
    report = _drafted(world)
    url = reverse("workreports:report_file", args=[report.pk, "draft", "docx"])
    assert Client().get(url).status_code == 302
    assert Client().get(url, HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_an_altered_report_file_is_refused_to_a_token_client(world):
    report = _drafted(world)
    api = TokenClient(world.a.users["inspector"])
    url = _listed(api, report)["draft_files"]["docx"]
    tamper(report.draft.docx)
    assert api.get(url).status_code == 409
