"""Importing schools from the downloadable template (STYLE §7.8): every row is checked first, every
problem is reported with its spreadsheet row and column, and nothing is written unless all pass.
Large files become a background job with progress."""

import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.testing.xlsx import damaged_sheet, sheet_rows, workbook_bytes, zip_bomb
from dudao.jobs.models import Job
from dudao.organizations.models import School, ZoneMembership

pytestmark = pytest.mark.django_db
IMPORT = "organizations:school_import"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def admin_client(world, client):
    client.force_login(fresh(world.a.users["office_admin"]))
    return client


@pytest.fixture
def headers(admin_client):
    """The header row of the template the page offers for download."""
    response = admin_client.get(reverse(IMPORT) + "?template=1")
    assert response.status_code == 200
    return list(sheet_rows(response.content)[0])


def row(headers, **values):
    """One spreadsheet row in the template's column order; keys are the headers without the '*'."""
    plain = [h.rstrip("*") for h in headers]
    unknown = set(values) - set(plain)
    assert not unknown, unknown
    return [values.get(h) for h in plain]


def school_row(headers, code, name, **extra):
    values = {"学校代码": code, "学校名称": name, "学校类型": "小学", "所在区域代码": "360101", "小学在校生数": 600}
    values.update(extra)
    return row(headers, **values)


def upload(client, data: bytes, name="学校.xlsx"):
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile(name, data)})


def test_template_marks_required_columns_and_explains_them(headers, admin_client):
    assert headers[:4] == ["学校代码*", "学校名称*", "学校类型*", "办学性质"]
    assert "所在区域代码*" in headers and "小学在校生数" in headers
    notes = sheet_rows(admin_client.get(reverse(IMPORT) + "?template=1").content, sheet=1)
    assert any("全角数字" in (line[0] or "") for line in notes)


def test_bad_workbook_reports_every_problem_and_writes_nothing(world, admin_client, headers):
    # given a workbook whose rows 3, 4, 8, 9, 10 and 11 are wrong, and whose row 7 is empty
    rows = [
        school_row(headers, "3601019001", "甲县一小", 督学责任区="甲县第1责任区"),  # row 2: fine
        school_row(headers, "3601019002", "甲县二小", 小学在校生数=None),  # 3: enrolment missing
        school_row(headers, "3601019003", "甲县三小", 督学责任区="不存在的责任区"),  # 4: unknown zone
        school_row(headers, "3601019004", "甲县四小", 小学在校生数="１２００"),  # 5: full width, fine
        school_row(headers, "3601019005 ", "  甲县五小  ", 督学责任区=" 甲县第1责任区 "),  # 6: spaces, fine
        None,  # 7: empty, skipped
        school_row(headers, "3601019001", "甲县一小重复"),  # 8: duplicate of row 2
        school_row(headers, "3601019009", "甲县九小", 学校类型="大学"),  # 9: unknown kind
        school_row(headers, "3601019010", "甲县十小", 所在区域代码="360102"),  # 10: county B's region
        school_row(headers, world.b.schools[0].code, "乙县学校"),  # 11: a code of county B
    ]
    counts = (School.objects.count(), AuditEvent.objects.count(), ZoneMembership.objects.count())

    # when it is uploaded
    response = upload(admin_client, workbook_bytes(headers, rows))

    # then the full report comes back, with true spreadsheet row numbers and the column headers
    assert response.status_code == 400
    errors = response.context["errors"]
    assert {(e.row, e.column) for e in errors} == {
        (3, "小学在校生数"), (4, "督学责任区"), (8, "学校代码"), (9, "学校类型"), (10, "所在区域代码"), (11, "学校代码"),
    }
    assert all(str(e.message).strip() for e in errors)
    duplicate = next(e for e in errors if e.row == 8)
    assert "2" in str(duplicate.message)  # names the row it repeats
    report = text_by_testid(response.content.decode(), "import-errors")
    assert "不存在的责任区" in report and "大学" in report

    # and nothing at all was written
    assert (School.objects.count(), AuditEvent.objects.count(), ZoneMembership.objects.count()) == counts


def test_clean_workbook_is_normalised_and_written_with_audit(world, admin_client, headers):
    # given full-width digits and stray spaces, which are accepted after normalisation
    rows = [
        school_row(headers, "３６０１０１９１０１", "  甲县实验小学  ", 小学在校生数="１２００", 督学责任区="甲县第1责任区 ",
                   办学性质="民办", 城乡类别="乡村"),
        None,
        school_row(headers, "3601019102", "甲县实验中学", 学校类型="初中", 初中在校生数=900, 小学在校生数=None),
    ]
    before = list(AuditEvent.objects.values_list("pk", flat=True))

    # when the workbook is uploaded
    response = upload(admin_client, workbook_bytes(headers, rows))

    # then both schools exist with clean values, in their zone, each with an audit event
    assert response.status_code == 302
    first = School.objects.get(code="3601019101")
    assert (first.name, first.enrolment_primary, first.ownership, first.location) == ("甲县实验小学", 1200, "private", "rural")
    assert ZoneMembership.objects.current().get(school=first).zone == world.a.zones[0]
    second = School.objects.get(code="3601019102")
    assert (second.kind, second.enrolment_junior, second.enrolment_primary) == ("junior", 900, 0)
    created = AuditEvent.objects.filter(action="organizations.school.create").exclude(pk__in=before)
    assert {e.target_id for e in created} == {str(first.pk), str(second.pk)}
    assert verify_chain() == []


def test_existing_code_updates_the_school(world, admin_client, headers):
    school = world.a.schools[0]
    response = upload(admin_client, workbook_bytes(headers, [
        school_row(headers, school.code, school.name, 小学在校生数=777, 所在区域代码=world.a.township.code),
    ]))
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.enrolment_primary == 777
    event = AuditEvent.objects.filter(action="organizations.school.update").latest("seq")
    assert event.changes["enrolment_primary"] == [600, 777]


def test_missing_required_column_is_reported(admin_client, headers):
    without_region = [h for h in headers if h != "所在区域代码*"]
    response = upload(admin_client, workbook_bytes(without_region, [["3601019201", "甲县某小学", "小学"]]))
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [(1, "所在区域代码")]


def test_not_a_workbook_is_reported(admin_client):
    response = upload(admin_client, b"not an excel file", name="学校.xlsx")
    assert response.status_code == 400
    assert [(e.row, str(e.message)) for e in response.context["errors"]] == [(0, "该文件不是 Excel 工作簿（.xlsx）。")]


@pytest.mark.parametrize(("role", "status"), [("office_staff", 200), ("inspector", 403), ("school_liaison", 403)])
def test_import_page_needs_the_import_permission(world, client, role, status):
    client.force_login(fresh(world.a.users[role]))
    assert client.get(reverse(IMPORT)).status_code == status


# ---- large files run as a job -----------------------------------------------------------------

@pytest.mark.slow
def test_large_workbook_becomes_a_job_that_imports_every_row(
    world, admin_client, headers, settings, tmp_path, django_capture_on_commit_callbacks,
):
    # given the immediate task backend, a throwaway media folder and 5 000 clean rows
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path)
    assert settings.DUDAO_IMPORT_JOB_THRESHOLD == 500
    rows = [
        school_row(headers, f"36010180{i:04d}", f"甲县批量学校{i:04d}", 督学责任区="甲县第2责任区" if i % 2 else None)
        for i in range(5000)
    ]
    before = School.objects.count()

    # when the workbook is uploaded, the page hands it to a job, which runs after the commit
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, workbook_bytes(headers, rows))

    # then the job has run to its end and every school exists
    job = Job.objects.get(kind="organizations.import_schools")
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED, (job.message, job.errors[:5])
    assert job.total == 5000
    assert job.progress == 5000
    assert School.objects.count() == before + 5000
    assert ZoneMembership.objects.current().filter(zone=world.a.zones[1]).count() == 2500 + 2
    assert AuditEvent.objects.filter(action="organizations.school.create").count() == 5000
    assert verify_chain() == []

    # and its page shows it complete
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "5000 / 5000 · 100%" in text_by_testid(page, "job-progress")
    assert 'aria-valuenow="100"' in page


def test_a_zip_bomb_is_refused_with_the_limit_quickly_and_writes_nothing(world, admin_client, headers):
    # given a workbook of 60 KB whose shared strings unpack to 20 MB (some 350 to 1)
    bomb = zip_bomb(workbook_bytes(headers, [school_row(headers, "3601019301", "甲县某小学")]), unpacked_mb=20)
    counts = (School.objects.count(), AuditEvent.objects.count(), Job.objects.count())
    # when it is uploaded
    tracemalloc.start()
    started = time.monotonic()
    try:
        response = upload(admin_client, bomb)
        elapsed, peak = time.monotonic() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # then it is refused at once, in the user's language, with nothing unpacked and nothing written
    assert response.status_code == 400
    report = text_by_testid(response.content.decode(), "import-errors")
    assert "文件的压缩比异常（超过 100 比 1）" in report
    assert elapsed < 2 and peak < 10 * 1024 * 1024
    assert (School.objects.count(), AuditEvent.objects.count(), Job.objects.count()) == counts


def test_a_damaged_sheet_is_reported_not_a_server_error(admin_client, headers):
    # given a valid zip whose sheet XML is cut in the middle
    data = damaged_sheet(workbook_bytes(headers, [school_row(headers, "3601019302", "甲县某小学")] * 20))
    # then the page says it is damaged
    response = upload(admin_client, data)
    assert response.status_code == 400
    assert "工作簿已损坏" in text_by_testid(response.content.decode(), "import-errors")
