"""Pages of balanced-development monitoring: import, lock, analysis, export, scope."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import build_world, fresh
from dudao.core.testing.xlsx import damaged_sheet, zip_bomb
from dudao.monitoring import services
from dudao.monitoring.models import SchoolReturn, StatisticsYear
from dudao.monitoring.tests.return_fixtures import HEADERS, H, fixture_records, signed, upload, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_good_workbook_writes_returns_with_audit(world, client):
    # given an open year of county A and the fixture workbook
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    signed(client, world.a.users["office_admin"])
    # when the office imports it
    response = upload(client, year, fixture_records(world))
    # then five returns are written, audited, and the page redirects to the year
    assert response.status_code == 302
    assert SchoolReturn.objects.filter(statistics_year=year).count() == 5
    from dudao.audit.models import AuditEvent
    assert AuditEvent.objects.filter(action="monitoring.schoolreturn.import").count() == 5


def test_bad_workbook_reports_every_error_and_writes_nothing(world, client):
    # given rows with a negative area, a non-numeric cell, more degree teachers than teachers, an unknown code
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    rows = fixture_records(world)
    rows[0]["teaching_area_m2"] = -5
    rows[1]["books"] = "很多"
    rows[2]["teachers_above_required_degree"] = 9
    rows[3]["school_code"] = "999999"
    signed(client, world.a.users["office_admin"])
    # when the office imports it
    response = upload(client, year, rows)
    # then every problem is listed with row and column, and nothing is written
    assert response.status_code == 400
    errors = {(e.row, e.column.split("(")[0]) for e in response.context["errors"]}
    assert {(2, "教学及辅助用房面积"), (3, "图书册数"), (4, "高于规定学历专任教师数")} <= errors
    assert {e.code for e in response.context["errors"]} >= {"negative", "inconsistent"}
    assert not SchoolReturn.objects.exists()
    # and the unknown code is reported once the sheet itself is clean
    rows = fixture_records(world)
    rows[3]["school_code"] = "999999"
    response = upload(client, year, rows)
    assert [(e.row, e.column) for e in response.context["errors"]] == [(5, H("school_code"))]
    assert not SchoolReturn.objects.exists()


def test_ten_times_last_year_and_teachers_above_pupils_are_warnings(world, client):
    # given last year's returns of the fixture
    signed(client, world.a.users["office_admin"])
    last = StatisticsYear.objects.create(office=world.a.office, year=2023)
    assert upload(client, last, fixture_records(world)).status_code == 302
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    rows = fixture_records(world)
    rows[0]["books"] = 279 * 10  # a unit slip
    rows[1]["teachers"] = 40  # 37 pupils
    # when this year's workbook is imported without confirming
    response = upload(client, year, rows)
    # then both are warnings (not errors) and nothing is written until confirmed
    assert response.status_code == 200
    assert response.context["errors"] == []
    assert {(w.row, w.code) for w in response.context["warnings"]} == {(2, "jump"), (3, "teachers_above_students")}
    assert not SchoolReturn.objects.filter(statistics_year=year).exists()
    response = upload(client, year, rows, confirm="1")
    assert response.status_code == 302
    assert SchoolReturn.objects.get(statistics_year=year, school__code=rows[0]["school_code"]).books == 2790


def test_locked_year_refuses_import_and_edit_until_unlocked(world, client):
    # given a locked year
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    admin = fresh(world.a.users["office_admin"])
    services.statistics_year_lock(actor=admin, statistics_year_id=year.pk)
    signed(client, admin)
    # when the office imports, or the API adds nothing but the page is asked for
    response = upload(client, year, fixture_records(world))
    # then 409, nothing written
    assert response.status_code == 409
    assert client.get(reverse("monitoring:return_add", args=[year.pk])).status_code == 409
    assert not SchoolReturn.objects.exists()
    # when unlocked through the API, the import goes through
    api = client.post(reverse("api:monitoring-statisticsyear-unlock", args=[year.pk]))
    assert api.status_code == 200 and api.json()["status"] == "open"
    assert client.post(reverse("api:monitoring-statisticsyear-unlock", args=[year.pk])).status_code == 409
    assert upload(client, year, fixture_records(world)).status_code == 302


def test_analysis_page_shows_s3_4_books_cv(world, client):
    # given the §3.4 fixture imported (STANDARDS §3.4: enrolment-weighted CV of 生均图书册数 0.515257)
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    signed(client, world.a.users["office_admin"])
    upload(client, year, fixture_records(world))
    # when the analysis page is shown by the 2012 method
    response = client.get(reverse("monitoring:year_analysis", args=[year.pk]) + "?method=basic-2012")
    # then the CV is 0.515 to three decimals, and no NaN appears
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="cv-primary-books">0.515<' in html
    assert "nan" not in html.lower().replace("nanning", "")
    # and the API gives the same figure
    api = client.get(reverse("api:monitoring-statisticsyear-analysis", args=[year.pk]) + "?method=basic-2012").json()
    books = next(i for i in api["levels"]["primary"]["indicators"] if i["key"] == "books")
    assert books["cv"]["published"] == 0.515


def test_export_has_a_sheet_per_table_and_level_with_the_cv(world, client):
    # given the fixture imported
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    signed(client, world.a.users["office_admin"])
    upload(client, year, fixture_records(world))
    # when the analysis is exported
    response = client.get(reverse("monitoring:year_analysis", args=[year.pk]) + "?method=basic-2012&export=xlsx")
    # then the workbook has every table for both levels and the CV value
    book = load_workbook(io.BytesIO(response.content))
    for title in ("小学指标", "小学综合差异系数", "小学学校", "小学预警", "小学差异贡献", "小学调整方案", "初中指标"):
        assert title in book.sheetnames
    rows = list(book["小学指标"].iter_rows(values_only=True))
    books = next(r for r in rows if r[0] == "生均图书册数")
    assert books[1] == 0.515


def test_county_b_year_is_404_for_county_a_office(world, client):
    # given a year of county B
    year = StatisticsYear.objects.create(office=world.b.office, year=2024)
    signed(client, world.a.users["office_admin"])
    # then county A's office cannot reach it anywhere
    assert client.get(reverse("monitoring:year_detail", args=[year.pk])).status_code == 404
    assert client.get(reverse("monitoring:year_analysis", args=[year.pk])).status_code == 404
    assert client.get(reverse("monitoring:year_import", args=[year.pk])).status_code == 404
    assert client.get(reverse("api:monitoring-statisticsyear-analysis", args=[year.pk])).status_code == 404


def test_liaison_sees_only_their_school_returns(world, client):
    # given returns of four schools of county A
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    signed(client, world.a.users["office_admin"])
    upload(client, year, fixture_records(world))
    liaison = world.a.users["school_liaison"]
    own = SchoolReturn.objects.get(school=world.a.schools[0])
    other = SchoolReturn.objects.get(school=world.a.schools[1])
    signed(client, liaison)
    # then the liaison sees their school's return and not the others'
    assert client.get(reverse("monitoring:return_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("monitoring:return_detail", args=[other.pk])).status_code == 404
    ids = {r["id"] for r in client.get(reverse("api:monitoring-schoolreturn-list")).json()["results"]}
    assert ids == {own.pk}
    # and may correct their own return while the year is open, but not import the county workbook
    assert client.get(reverse("monitoring:return_edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("monitoring:year_import", args=[year.pk])).status_code == 403


def test_year_list_query_count_is_constant(world, client):
    # given county A's office and a growing number of years
    from dudao.core.testing.factories import OfficeFactory, RegionFactory

    signed(client, world.a.users["office_admin"])
    counter = iter(range(2000, 2100))

    def grow(k):
        for _ in range(k):
            n = next(counter)
            region = RegionFactory(code=f"360101{n}", name=f"甲县{n}镇", level=4, parent=world.a.region)
            office = OfficeFactory(region=region, name=f"甲县分室{n}")
            StatisticsYear.objects.create(office=office, year=next(counter))

    def fetch():
        assert client.get(reverse("monitoring:year_list")).status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=22)


def test_trends_show_each_year_and_rollup_lists_counties_separately(world, client):
    # given two years of county A with the §3.4 fixture, the second with one school's books doubled
    first = StatisticsYear.objects.create(office=world.a.office, year=2023)
    second = StatisticsYear.objects.create(office=world.a.office, year=2024)
    signed(client, world.a.users["office_admin"])
    assert upload(client, first, fixture_records(world)).status_code == 302
    records = fixture_records(world)
    records[0]["books"] *= 2
    assert upload(client, second, records).status_code == 302
    # when the county's trends page is shown
    trends = client.get(reverse("monitoring:trends", args=[world.a.office.pk]) + "?method=basic-2012")
    # then both years appear, and the 2023 CV of books is the §3.4 figure
    html = trends.content.decode()
    assert trends.status_code == 200
    assert "2023" in html and "2024" in html and "0.515" in html
    # and exports the same table
    sheet = load_workbook(io.BytesIO(client.get(reverse("monitoring:trends", args=[world.a.office.pk])
                                                + "?method=basic-2012&export=xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2:] == ("2023", "2024")
    books = next(r for r in rows if r[1] == "生均图书册数")
    assert books[2] == 0.515
    # and the city office's roll-up lists county A on its own line per level, never pooled
    signed(client, world.city_user)
    rollup = client.get(reverse("monitoring:rollup") + "?method=basic-2012")
    assert rollup.status_code == 200
    assert world.a.region.name in rollup.content.decode()
    sheet = load_workbook(io.BytesIO(client.get(reverse("monitoring:rollup")
                                                + "?method=basic-2012&export=xlsx").content)).active
    lines = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {line[0] for line in lines} == {str(world.a.office)}
    assert [line[2] for line in lines] == ["小学", "初中"]
    # while county B's office cannot read county A's trends
    signed(client, world.b.users["office_admin"])
    assert client.get(reverse("monitoring:trends", args=[world.a.office.pk])).status_code == 404


def test_liaison_fills_the_return_of_their_school(world, client):
    # given an open year and the liaison of school 0
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    signed(client, world.a.users["school_liaison"])
    url = reverse("monitoring:return_add", args=[year.pk])
    # when the form is opened
    page = client.get(url)
    # then it offers their school only
    html = page.content.decode()
    assert page.status_code == 200
    assert world.a.schools[0].name in html and world.a.schools[1].name not in html
    # and filing it writes the return of their school
    response = client.post(url, {"school": world.a.schools[0].pk, "stage": "primary", "school_type": "primary",
                                 "students": 300, "books": 6000, "teachers": 20})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert year.returns.get().school == world.a.schools[0]


def _file(data: bytes, name="county.xlsx") -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_a_damaged_or_hostile_workbook_is_refused_by_the_page_and_the_api(world, client):
    # given an open year, a workbook whose sheet XML is cut in the middle, and one whose shared
    # strings unpack to 60 MB from some 150 KB
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    good = workbook(fixture_records(world)).getvalue()
    damaged, bomb = damaged_sheet(good), zip_bomb(good, unpacked_mb=60)
    signed(client, world.a.users["office_admin"])
    # when they are imported through the page and the API
    page = client.post(reverse("monitoring:year_import", args=[year.pk]), {"file": _file(damaged)})
    api = client.post(reverse("api:monitoring-statisticsyear-import", args=[year.pk]), {"file": _file(damaged)})
    page_bomb = client.post(reverse("monitoring:year_import", args=[year.pk]), {"file": _file(bomb)})
    api_bomb = client.post(reverse("api:monitoring-statisticsyear-import", args=[year.pk]), {"file": _file(bomb)})
    # then each is refused with the reason, and nothing is written
    assert page.status_code == 400 and api.status_code == 400
    assert "工作簿已损坏" in str(page.context["errors"][0].message)
    assert "工作簿已损坏" in api.json()["errors"][0]["reason"]
    assert page_bomb.status_code == 400 and api_bomb.status_code == 400
    assert [str(e.message) for e in page_bomb.context["errors"]] == ["文件解压后超过 50 MB，请拆分为较小的文件后再上传。"]
    assert api_bomb.json()["errors"][0]["reason"] == "文件解压后超过 50 MB，请拆分为较小的文件后再上传。"
    assert not SchoolReturn.objects.filter(statistics_year=year).exists()


@pytest.mark.parametrize("limit, reason, row, column", [
    ({"rows": 4}, "表格超过 4 行，请拆分为较小的文件", 5, ""),
    ({"cells": 5 * len(HEADERS) - 1}, f"表格超过 {5 * len(HEADERS) - 1} 个单元格，请拆分为较小的文件", 5, ""),
    ({"text": 20}, "单元格超过 20 个字符", 3, "B"),
])
def test_a_return_workbook_past_a_row_cell_or_text_limit_is_refused(world, client, settings, limit, reason, row,
                                                                    column):
    # given an open year, upload limits lowered for the test, and the §3.4 workbook whose second school
    # has a name of 21 characters
    settings.DUDAO_UPLOAD_LIMITS = {**settings.DUDAO_UPLOAD_LIMITS, **limit}
    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    records = fixture_records(world)
    records[1]["school_name"] = "甲" * 21
    signed(client, world.a.users["office_admin"])
    # when it is imported through the page and the API
    page = upload(client, year, records)
    api = client.post(reverse("api:monitoring-statisticsyear-import", args=[year.pk]), {"file": workbook(records)})
    # then reading stops at the first row past the limit, which is named, and nothing is written
    assert page.status_code == 400 and api.status_code == 400
    error = page.context["errors"][0]
    assert (error.row, error.column, str(error.message)) == (row, column, reason)
    assert api.json()["errors"][0]["reason"] == reason
    assert not SchoolReturn.objects.filter(statistics_year=year).exists()


@pytest.mark.parametrize("method", ["basic-2012", "quality-2017"])
def test_rollup_lines_are_the_figures_of_each_county_analysed_alone(world, client, method):
    # given county A and county B with a year of returns each, county B under its own thresholds
    from dudao.monitoring import selectors
    from dudao.monitoring.formulas import COMPULSORY_STAGES, QUALITY_2017_STANDARDS
    from dudao.monitoring.tests.return_fixtures import record

    years = {}
    for county, records in ((world.a, fixture_records(world)),
                            (world.b, [record(s, 40 + 30 * i, books=200 + 170 * i, teachers=5)
                                       for i, s in enumerate(world.b.schools)])):
        years[county.office.pk] = StatisticsYear.objects.create(office=county.office, year=2024)
        signed(client, county.users["office_admin"])
        assert upload(client, years[county.office.pk], records).status_code == 302
    services.balance_standard_set(actor=world.b.users["office_admin"], office_id=world.b.office.pk, year=2024,
                                  method=method, thresholds={"primary": 0.3, "junior": 0.3},
                                  standards={s.value: dict(QUALITY_2017_STANDARDS[s]) for s in COMPULSORY_STAGES}
                                  if method == "quality-2017" else {},
                                  floor_ratio=0.9 if method == "quality-2017" else None)
    # when the city office reads the roll-up
    lines = selectors.rollup(user=fresh(world.city_user), method=method)
    # then each line is what the county's own analysis shows
    expected = []
    for county in (world.a, world.b):
        result = selectors.year_analysis(user=fresh(world.city_user), statistics_year=years[county.office.pk],
                                         method=method)
        for stage, level in result["levels"].items():
            expected.append((county.office.pk, stage, level["label"], level["n_schools"], level["passed"],
                             level["reasons"], level["composite"],
                             [i["name"] for i in level["indicators"] if i["passed"] is False]))
    got = [(line["statistics_year"].office_id, line["stage"], line["label"], line["n_schools"], line["passed"],
            line["reasons"], line["composite"], line["failed_indicators"]) for line in lines]
    assert sorted(got, key=str) == sorted(expected, key=str)
    assert len(got) == 4
