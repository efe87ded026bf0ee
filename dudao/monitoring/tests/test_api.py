"""The API of balanced-development monitoring: open a year, import, file a return, refuse what a
column cannot hold."""

import pytest

from dudao.core.testing.world import build_world, fresh
from dudao.monitoring.models import SchoolReturn, StatisticsYear
from dudao.monitoring.tests.return_fixtures import H, fixture_records, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_api_twins_open_a_year_import_the_workbook_and_file_a_return(world, client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(fresh(world.a.users["office_admin"]))
    # open a year
    opened = api.post("/api/v1/monitoring/years/", {"office": world.a.office.pk, "year": 2025}, format="json")
    assert opened.status_code == 201, opened.content
    year_id = opened.json()["id"]
    # a workbook with an error is refused with every problem, writing nothing
    bad = fixture_records(world)
    bad[1]["students"] = -3
    refused = api.post(f"/api/v1/monitoring/years/{year_id}/import/", {"file": workbook(bad)}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["errors"] and refused.json()["errors"][0]["row"] == 3
    assert StatisticsYear.objects.get(pk=year_id).returns.count() == 0
    # the clean workbook is written
    written = api.post(f"/api/v1/monitoring/years/{year_id}/import/", {"file": workbook(fixture_records(world))},
                       format="multipart")
    assert written.status_code == 200 and written.json()["written"] == 5
    # and the analysis gives the §3.4 CV
    analysis = api.get(f"/api/v1/monitoring/years/{year_id}/analysis/?method=basic-2012").json()
    books = next(i for i in analysis["levels"]["primary"]["indicators"] if i["key"] == "books")
    assert books["cv"]["published"] == 0.515
    # a liaison files a correction of their school's return
    liaison = APIClient()
    liaison.force_authenticate(fresh(world.a.users["school_liaison"]))
    mine = SchoolReturn.objects.get(statistics_year_id=year_id, school=world.a.schools[0])
    patched = liaison.patch(f"/api/v1/monitoring/returns/{mine.pk}/", {"books": 300}, format="json")
    assert patched.status_code == 200, patched.content
    mine.refresh_from_db()
    assert mine.books == 300
    # county B sees none of it
    other = APIClient()
    other.force_authenticate(fresh(world.b.users["office_admin"]))
    assert other.get(f"/api/v1/monitoring/years/{year_id}/").status_code == 404


@pytest.mark.parametrize("pupils", [10**19, 3_000_000_000])
def test_a_pupil_count_past_what_the_column_holds_is_refused_not_a_server_error(world, client, pupils):
    from rest_framework.test import APIClient

    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    api = APIClient()
    api.force_authenticate(fresh(world.a.users["office_admin"]))
    # importing a workbook with the count: 400 naming the row, nothing written
    rows = fixture_records(world)
    rows[1]["students"] = pupils
    refused = api.post(f"/api/v1/monitoring/years/{year.pk}/import/", {"file": workbook(rows)}, format="multipart")
    assert refused.status_code == 400, refused.content
    assert refused.json()["errors"][0]["row"] == 3
    assert not SchoolReturn.objects.exists()
    # filing a return with it: 400 on the field
    filed = api.post("/api/v1/monitoring/returns/", {"statistics_year": year.pk, "school": world.a.schools[0].pk,
                                                    "stage": "primary", "school_type": "primary",
                                                    "students": pupils}, format="json")
    assert filed.status_code == 400 and "students" in filed.json(), filed.content
    assert not SchoolReturn.objects.exists()


def test_an_area_wider_than_its_column_is_refused_on_its_row_not_a_server_error(world):
    from rest_framework.test import APIClient

    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    api = APIClient()
    api.force_authenticate(fresh(world.a.users["office_admin"]))
    rows = fixture_records(world)
    rows[1]["teaching_area_m2"] = 10**11
    refused = api.post(f"/api/v1/monitoring/years/{year.pk}/import/", {"file": workbook(rows)}, format="multipart")
    assert refused.status_code == 400, refused.content
    error = refused.json()["errors"][0]
    assert error["row"] == 3 and error["column"] == H("teaching_area_m2") and "超过" in error["reason"], error
    assert not SchoolReturn.objects.exists()
