"""The job runner records every outcome as data, and a job is seen only by whoever started it."""

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.testing.xlsx import sheet_rows, workbook_bytes
from dudao.jobs.models import Job
from dudao.jobs.services import UNEXPECTED_FAILURE, job_run, job_start

pytestmark = pytest.mark.django_db
SCHOOL_IMPORT = "organizations.import_schools"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def admin(world):
    return fresh(world.a.users["office_admin"])


def school_workbook(client, rows) -> bytes:
    headers = list(sheet_rows(client.get(reverse("organizations:school_import") + "?template=1").content)[0])
    plain = [h.rstrip("*") for h in headers]
    return workbook_bytes(headers, [[r.get(h) for h in plain] for r in rows])


def start(actor, data: bytes | None, kind=SCHOOL_IMPORT) -> Job:
    return job_start(actor=actor, kind=kind, title="导入学校",
                     input_file=ContentFile(data, name="schools.xlsx") if data is not None else None)


def test_unknown_kind_is_refused(admin):
    with pytest.raises(ValueError):
        job_start(actor=admin, kind="nothing.here", title="x")
    assert Job.objects.count() == 0


def test_failed_validation_is_recorded_with_every_error(world, client, admin):
    # given a queued import whose second row lacks its region
    client.force_login(admin)
    data = school_workbook(client, [
        {"学校代码": "3601017001", "学校名称": "甲县七一小学", "学校类型": "小学", "所在区域代码": "360101", "小学在校生数": 300},
        {"学校代码": "3601017002", "学校名称": "甲县七二小学", "学校类型": "小学", "小学在校生数": 300},
    ])
    job = start(admin, data)
    School = apps.get_model("organizations", "School")
    before = School.objects.count()

    # when the runner runs it
    job = job_run(job.pk)

    # then it failed with the report as data, and wrote nothing
    assert job.status == Job.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "所在区域代码")]
    assert job.finished_at is not None
    assert School.objects.count() == before
    page = client.get(job.get_absolute_url()).content.decode()
    assert "所在区域代码" in text_by_testid(page, "import-errors")


def test_an_unexpected_error_shows_a_sentence_and_keeps_the_detail_for_administrators(world, client, admin):
    # given an import job without its file (its handler raises ValueError)
    job = start(admin, None)
    # when it runs
    job = job_run(job.pk)
    # then it failed with a sentence in the starter's language; the exception is the detail
    assert job.status == Job.Status.FAILED
    with translation.override("zh-hans"):
        sentence = str(UNEXPECTED_FAILURE)
    assert job.message == sentence and job.detail.startswith("ValueError")
    # and the office user's page and API answer say the sentence, never the exception
    client.force_login(admin)
    page = client.get(job.get_absolute_url()).content.decode()
    assert text_by_testid(page, "job-message") == sentence
    assert "ValueError" not in page and text_by_testid(page, "job-detail") is None
    answer = client.get(reverse("api:jobs-job-detail", args=[job.uuid])).json()
    assert answer["message"] == sentence and "ValueError" not in str(answer)
    # while a system administrator can read the detail
    client.force_login(fresh(world.sysadmin))
    assert "ValueError" in text_by_testid(client.get(job.get_absolute_url()).content.decode(), "job-detail")


def test_a_failure_speaks_the_language_the_job_was_started_in(admin):
    job = job_start(actor=admin, kind=SCHOOL_IMPORT, title="import", params={"language": "en"})
    job = job_run(job.pk)
    with translation.override("en"):
        assert job.message == str(UNEXPECTED_FAILURE)
    assert job.message.startswith("The job could not be finished")


def test_successful_job_reports_progress(world, client, admin):
    client.force_login(admin)
    data = school_workbook(client, [
        {"学校代码": f"36010172{i:02d}", "学校名称": f"甲县七{i}小学", "学校类型": "小学", "所在区域代码": "360101",
         "小学在校生数": 100 + i} for i in range(3)
    ])
    job = job_run(start(admin, data).pk)
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress, job.total, job.percent) == (3, 3, 100)
    assert job.started_at <= job.finished_at


def test_only_queued_jobs_run(admin):
    job = start(admin, None)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED)  # as if another worker had it
    assert job_run(job.pk).status == Job.Status.SUCCEEDED
    assert Job.objects.get(pk=job.pk).message == ""


@pytest.mark.parametrize(("viewer", "status"), [("a_office_admin", 200), ("b_office_admin", 404),
                                                ("a_office_staff", 404), ("sysadmin", 200)])
def test_a_job_is_seen_by_its_starter(world, client, admin, viewer, status):
    job = start(admin, None)
    user = world.sysadmin if viewer == "sysadmin" else getattr(world, viewer[0]).users[viewer[2:]]
    client.force_login(fresh(user))
    assert client.get(job.get_absolute_url()).status_code == status
    listed = job.get_absolute_url() in client.get(reverse("jobs:job_list")).content.decode()
    assert listed == (status == 200)
