"""The notices of a whole filtered list as one background job: Word and PDF of each in one zip with
an index (number, school, deadline, SHA-256), only the notices the user saw."""

import csv
import hashlib
import io
import zipfile

import pytest

from dudao.documents.models import Document
from dudao.documents.render import docx_text
from dudao.inspections.selectors.rectifications import RECTIFICATION_SORTS
from dudao.inspections.services.documents import listed_notices
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.rectification_fixtures import days_ago, issue_notice
from dudao.inspections.views.rectifications import RectificationListView
from dudao.jobs.models import Job

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_batch_zips_every_listed_notice_with_an_index(world, client, immediate_tasks,
                                                      django_capture_on_commit_callbacks):
    # given three notices in county A (schools 0 and 2) and one in county B
    notices = [issue_notice(world, school=s, issued_on=days_ago(20), deadline=days_ago(5 - s)) for s in (0, 2, 0)]
    other = issue_notice(world, county="b", issued_on=days_ago(20))
    client.force_login(world.a.users["office_admin"])
    # when county A's office starts the batch from its list (no filter)
    assert 'data-testid="notices-batch"' in client.get("/inspections/rectifications/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/inspections/rectifications/documents/notices/", {"query": ""})
    # then a job ran to its end with one notice per listed row
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert (job.progress, job.total) == (3, 3)
    # and its zip holds the Word and PDF of each and an index that matches them
    archive = zipfile.ZipFile(io.BytesIO(job.result_file.read()))
    names = archive.namelist()
    assert sum(n.endswith(".docx") for n in names) == 3 and sum(n.endswith(".pdf") for n in names) == 3
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert sorted(r["通知书编号"] for r in rows) == sorted(n.number for n in notices)
    assert other.number not in {r["通知书编号"] for r in rows}
    for row in rows:
        notice = next(n for n in notices if n.number == row["通知书编号"])
        assert row["学校"] == notice.school.name and row["整改期限"] == notice.deadline.isoformat()
        docx = archive.read(row["Word 文件"])
        assert hashlib.sha256(docx).hexdigest() == row["Word SHA-256"]
        assert hashlib.sha256(archive.read(row["PDF 文件"])).hexdigest() == row["PDF SHA-256"]
        assert archive.read(row["PDF 文件"]).startswith(b"%PDF")
        assert notice.number in docx_text(docx) and notice.school.name in docx_text(docx)
    # and the notices are filed in the archive, and only the starter downloads the zip
    assert Document.objects.filter(kind="rectification_notice").count() == 3
    assert client.get(f"/jobs/{job.uuid}/result/").status_code == 200
    client.force_login(world.b.users["office_admin"])
    assert client.get(f"/jobs/{job.uuid}/result/").status_code == 404


def test_batch_follows_the_list_s_filters(world, client, immediate_tasks, django_capture_on_commit_callbacks):
    # given notices at schools 0 and 2 of county A
    issue_notice(world, school=0, issued_on=days_ago(20))
    kept = issue_notice(world, school=2, issued_on=days_ago(20))
    client.force_login(world.a.users["office_admin"])
    # when the list is filtered to school 2 and the batch started from it, without PDFs being read here
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/inspections/rectifications/documents/notices/", {"query": f"school={kept.school_id}"})
    # then only school 2's notice is in the zip
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.message
    rows = list(csv.DictReader(io.StringIO(
        zipfile.ZipFile(io.BytesIO(job.result_file.read())).read("index.csv").decode("utf-8-sig"))))
    assert [r["通知书编号"] for r in rows] == [kept.number]


def test_empty_list_starts_no_job(world, client):
    client.force_login(world.a.users["office_admin"])
    response = client.post("/inspections/rectifications/documents/notices/", {"query": "status=closed"})
    assert response.status_code == 302 and response["Location"].startswith("/inspections/rectifications/")
    assert not Job.objects.exists()


def test_batch_lists_the_notices_in_the_order_the_page_shows(world, client):
    # given three notices of county A with deadlines in another order than their numbers
    notices = [issue_notice(world, school=s, issued_on=days_ago(20), deadline=days_ago(d)) for s, d in
               ((0, 1), (2, 9), (0, 5))]
    user = world.a.users["office_admin"]
    client.force_login(user)
    for query in ("", "sort=-number", "sort=school.name", "sort=-deadline&status=issued"):
        # when the list page is sorted (and filtered) by the query
        page = client.get(f"/inspections/rectifications/?{query}").content.decode()
        shown = sorted((n.number for n in notices), key=page.index)
        # then the batch started from it lists the same notices in the same order
        assert [n.number for n in listed_notices(user=user, query=query)] == shown, query


def test_sort_links_of_the_list_are_the_sorts_the_batch_follows():
    assert {c.key: c.order_by for c in RectificationListView.columns if c.order_by} == RECTIFICATION_SORTS
