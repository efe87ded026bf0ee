"""API twins of the report pages: draft, submit (multipart .docx), return, accept, the status table."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dudao.audit.models import AuditEvent
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.xlsx import with_part
from dudao.workreports.models import Report
from dudao.workreports.tests import report_fixtures
from dudao.workreports.tests.report_fixtures import user

pytestmark = pytest.mark.django_db

world = report_fixtures.world
october = report_fixtures.october


@pytest.fixture(autouse=True)
def no_pdf(settings):
    # LibreOffice is exercised by the service tests; here a converter that makes nothing keeps the API
    # fast and shows that a report is still drafted and submitted as .docx when no PDF can be made
    settings.DUDAO_SOFFICE = "/bin/false"


def api(world, role="inspector", county="a"):
    client = APIClient()
    client.force_authenticate(user(world, role, county))
    return client


def draft_october(client, **extra):
    return client.post(reverse("api:reports-report-list"), {"level": "inspector", "period_kind": "month",
                                                             "period_start": "2026-10-01", **extra}, format="json")


def docx_upload(report_id) -> SimpleUploadedFile:
    report = Report.objects.get(pk=report_id)
    with report.draft.docx.open("rb") as handle:
        return SimpleUploadedFile("报告.docx", handle.read())


def test_draft_submit_return_accept(october):
    client = api(october)
    # when the inspector drafts October through the API
    response = draft_october(client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["period"], body["due_on"]) == ("draft", "2026年10月", "2026-11-05")
    assert body["draft_files"]["docx"].endswith("/file/draft.docx")
    assert "pdf" not in body["draft_files"]  # no converter: the editable .docx is drafted alone
    rid = body["id"]
    # and submits the finished .docx
    response = client.post(reverse("api:reports-report-submit", args=[rid]), {"file": docx_upload(rid)},
                           format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted" and response.json()["late"] is True
    # then submitting again is a conflict
    again = client.post(reverse("api:reports-report-submit", args=[rid]), {"file": docx_upload(rid)},
                        format="multipart")
    assert again.status_code == 409
    # the inspector cannot accept; the office returns without a reason: 400, with one: returned
    assert client.post(reverse("api:reports-report-accept", args=[rid])).status_code == 403
    office = api(october, "office_admin")
    assert office.post(reverse("api:reports-report-return", args=[rid]), {}, format="json").status_code == 400
    response = office.post(reverse("api:reports-report-return", args=[rid]), {"reason": "补充数据"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert AuditEvent.objects.filter(action="reports.report.return", target_id=str(rid)).exists()
    # a returned report cannot be accepted
    assert office.post(reverse("api:reports-report-accept", args=[rid])).status_code == 409


def test_upload_of_a_non_docx_is_400(october):
    client = api(october)
    rid = draft_october(client).json()["id"]
    response = client.post(reverse("api:reports-report-submit", args=[rid]),
                           {"file": SimpleUploadedFile("报告.docx", b"GIF89a not word")}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    assert Report.objects.get(pk=rid).status == "draft"


def test_out_of_scope_is_404_and_liaison_403(october):
    rid = draft_october(api(october)).json()["id"]
    other = api(october, "office_admin", "b")
    assert other.get(reverse("api:reports-report-detail", args=[rid])).status_code == 404
    assert other.post(reverse("api:reports-report-accept", args=[rid])).status_code == 404
    liaison = api(october, "school_liaison")
    assert liaison.get(reverse("api:reports-report-list")).status_code == 403
    assert draft_october(liaison).status_code == 403


def test_draft_with_bad_input_is_400(october):
    client = api(october)
    assert draft_october(client, level="school").status_code == 400
    assert draft_october(client, period_kind="week").status_code == 400
    future = (timezone.localdate() + datetime.timedelta(days=62)).isoformat()
    assert draft_october(client, period_start=future).status_code == 400


def test_status_table(october):
    rid = draft_october(api(october)).json()["id"]
    response = api(october, "office_admin").get(reverse("api:reports-report-status") + "?year=2026&term=autumn")
    assert response.status_code == 200
    body = response.json()
    assert [c["start"] for c in body["columns"]][:2] == ["2026-09-01", "2026-10-01"]
    [mine] = [r for r in body["rows"] if r["level"] == "inspector" and r["id"] == october.a.inspectors[0].pk]
    assert mine["cells"][1]["report"] == rid
    assert sum(body["counts"].values()) == 4 * 6
    assert api(october, "inspector").get(reverse("api:reports-report-status")).status_code == 403


def test_a_year_outside_2000_to_2100_answers_400(october):
    client = api(october, "office_admin")
    for year in (1999, 2101):
        table = client.get(reverse("api:reports-report-status"), {"year": year})
        assert table.status_code == 400 and table.json()["year"] == "请填写 2000 至 2100 之间的年份。"
        listed = client.get(reverse("api:reports-report-list"), {"year": year})
        assert listed.status_code == 400 and listed.json()["year"] == ["请填写 2000 至 2100 之间的年份。"]
    assert client.get(reverse("api:reports-report-list"), {"year": 2100}).status_code == 200


def test_list_queries_do_not_grow(october):
    client = api(october, "office_admin")
    office = user(october, "office_admin")
    made = []

    def grow(k):
        for _ in range(k):
            n = len(made)
            made.append(Report.objects.create(
                level="office", office=october.a.office, period_kind="month",
                period_start=datetime.date(2020 + n // 12, n % 12 + 1, 1),
                period_end=datetime.date(2020 + n // 12, n % 12 + 1, 28), due_on=datetime.date(2030, 1, 1),
                title=f"报告{n}", author=office))

    def fetch():
        assert client.get(reverse("api:reports-report-list")).status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=20)


@pytest.mark.parametrize("year", ["0", "99999"])
def test_filtering_reports_by_an_impossible_year_is_refused_not_a_server_error(world, client, year):
    client.force_login(user(world, "office_admin"))
    response = client.get(reverse("api:reports-report-list"), {"year": year})
    assert response.status_code == 400 and "year" in response.json()
    page = client.get(reverse("workreports:report_list"), {"year": year})
    assert page.status_code == 200
    assert "请填写 2000 至 2100 之间的年份。" in page.content.decode()


def test_a_finished_report_that_unpacks_to_too_much_is_400_with_the_limit(october):
    # given the drafted report padded to unpack to 60 MB from a small file
    client = api(october)
    rid = draft_october(client).json()["id"]
    source = docx_upload(rid).read()
    body = zipfile.ZipFile(io.BytesIO(source)).read("word/document.xml")
    bomb = with_part(source, "word/document.xml", body + b" " * (60 * 1024 * 1024))
    # when it is submitted
    response = client.post(reverse("api:reports-report-submit", args=[rid]),
                           {"file": SimpleUploadedFile("报告.docx", bomb)}, format="multipart")
    # then it is refused with the limit, and the report is still a draft
    assert response.status_code == 400
    assert response.json()["file"] == ["文件解压后超过 50 MB，请拆分为较小的文件后再上传。"]
    assert Report.objects.get(pk=rid).status == "draft"
