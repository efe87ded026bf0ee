"""The county workbook template an office downloads for a statistics year lists its own schools (code,
name, type, one row per compulsory stage), so the office fills only the figures."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dudao.core.testing.factories import SchoolFactory
from dudao.core.testing.world import build_world, fresh
from dudao.monitoring import analysis
from dudao.monitoring.models import SchoolReturn, StatisticsYear

pytestmark = pytest.mark.django_db

HEADERS = [analysis.template_header(c) for c in analysis.COLUMNS]


@pytest.fixture
def world():
    world = build_world()
    a = world.a
    SchoolFactory(code="3601010100", name="=甲县九年一贯制学校", kind="nine_year", region=a.township)  # text stays text
    SchoolFactory(code="3601010101", name="甲县第一中学", kind="complete_secondary", region=a.region)
    SchoolFactory(code="3601010102", name="甲县实验幼儿园", kind="kindergarten", region=a.township)
    SchoolFactory(code="3601010103", name="甲县已撤并小学", region=a.township, is_active=False)
    return world


def sheet_rows(data: bytes) -> tuple[list, list[list]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return rows[0], [r for r in rows[1:] if any(v not in (None, "") for v in r)]


def test_office_downloads_the_template_with_its_schools_and_fills_only_the_figures(world, client):
    # given an open statistics year of county A
    year = StatisticsYear.objects.create(office=world.a.office, year=2026)
    client.force_login(fresh(world.a.users["office_admin"]))
    # when the office downloads the template from the import page
    response = client.get(reverse("monitoring:year_import", args=[year.pk]) + "?template=1")
    # then it lists the county's active schools with compulsory stages, one row per stage, no example row
    assert response.status_code == 200
    headers, rows = sheet_rows(response.content)
    assert headers == HEADERS
    code, name, kind, stage = (HEADERS.index(analysis.template_header(c)) for c in analysis.COLUMNS[:4])
    listed = [(r[code], r[name], r[kind], r[stage]) for r in rows]
    primaries = [(s.code, s.name, "小学", "小学") for s in sorted(world.a.schools, key=lambda s: s.code)]
    assert listed == [*primaries,
                      ("3601010100", "=甲县九年一贯制学校", "九年一贯制", "小学"),
                      ("3601010100", "=甲县九年一贯制学校", "九年一贯制", "初中"),
                      ("3601010101", "甲县第一中学", "完全中学", "初中")]
    assert all(v in (None, "") for r in rows for i, v in enumerate(r) if i not in (code, name, kind, stage))
    # when the office types the figures into the same workbook and imports it
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    students = HEADERS.index(analysis.template_header(analysis.COLUMNS[4])) + 1
    senior = HEADERS.index("高中在校生数") + 1
    teachers = HEADERS.index("专任教师数") + 1
    for number in range(2, len(rows) + 2):
        sheet.cell(number, students, 300 + number)
        sheet.cell(number, teachers, 20)
        if sheet.cell(number, kind + 1).value == "完全中学":
            sheet.cell(number, senior, 400)
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "county.xlsx"
    response = client.post(reverse("monitoring:year_import", args=[year.pk]), {"file": upload})
    # then every row becomes a return of its school and stage
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert SchoolReturn.objects.filter(statistics_year=year).count() == len(rows)
    assert SchoolReturn.objects.get(statistics_year=year, school__code="3601010100", stage="junior").school_type == \
        "nine_year"


def test_api_client_downloads_the_template_of_its_own_schools(world):
    year = StatisticsYear.objects.create(office=world.a.office, year=2026)
    api = APIClient()
    api.force_authenticate(fresh(world.a.users["office_admin"]))
    response = api.get(f"/api/v1/monitoring/years/{year.pk}/template/")
    assert response.status_code == 200
    _headers, rows = sheet_rows(response.content)
    assert {r[0] for r in rows} == {s.code for s in world.a.schools} | {"3601010100", "3601010101"}
    # the neighbouring county does not reach the year at all
    api.force_authenticate(fresh(world.b.users["office_admin"]))
    assert api.get(f"/api/v1/monitoring/years/{year.pk}/template/").status_code == 404
