"""Large exports become background jobs holding exactly the rows the user saw."""

import io

import pytest
from openpyxl import load_workbook

from dudao.core.testing.factories import SchoolFactory
from dudao.core.testing.world import build_world
from dudao.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DUDAO_EXPORT_JOB_THRESHOLD = 5


def test_large_filtered_export_runs_as_a_job_with_the_same_rows(client, immediate_tasks, django_capture_on_commit_callbacks):
    # given county A with 4 schools + 8 kindergartens and county B with its own schools
    world = build_world()
    for i in range(8):
        SchoolFactory(code=f"K{i:04d}", name=f"甲县第{i}幼儿园", kind="kindergarten", region=world.a.region,
                      enrolment_primary=0, enrolment_kindergarten=120)
    client.force_login(world.a.users["office_admin"])
    # when the office exports the kindergartens (8 rows, above the threshold of 5)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/organizations/schools/?kind=kindergarten&export=xlsx")
    # then a job was started and finished, and its file holds exactly the 8 kindergartens
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert (job.progress, job.total) == (8, 8)
    ws = load_workbook(io.BytesIO(job.result_file.read())).active
    names = sorted(row[1] for row in ws.iter_rows(min_row=2, values_only=True))
    assert names == sorted(f"甲县第{i}幼儿园" for i in range(8))
    # and the download link answers the starter only
    assert client.get(f"/jobs/{job.uuid}/result/").status_code == 200
    client.force_login(world.b.users["office_admin"])
    assert client.get(f"/jobs/{job.uuid}/result/").status_code == 404


def test_small_export_is_immediate(client, immediate_tasks):
    world = build_world()
    client.force_login(world.a.users["office_admin"])
    response = client.get("/organizations/schools/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Job.objects.count() == 0


def test_an_export_queued_before_its_list_moved_still_runs(immediate_tasks, django_capture_on_commit_callbacks):
    # given an export of the visit list queued under the module the list had before the upgrade
    from dudao.jobs.services import job_start

    world = build_world()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=world.a.users["office_admin"], kind="core.export", title="visits",
                        params={"view": "dudao.inspections.views_visits.VisitListView", "query": "", "kwargs": {}})
    # then the worker finds the list where it lives now and writes the file
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result_file


def test_moved_list_views_resolve_to_list_views():
    from importlib import import_module

    from dudao.core.views import ObjectListView
    from dudao.jobs.exports import MOVED_VIEWS, view_path

    assert view_path("dudao.reports.views_reports.ReportListView") == "dudao.workreports.views.ReportListView"
    assert view_path("dudao.organizations.views.SchoolListView") == "dudao.organizations.views.SchoolListView"
    for new in MOVED_VIEWS.values():
        module = import_module(new.rstrip("."))
        assert any(isinstance(v, type) and issubclass(v, ObjectListView) for v in vars(module).values())
