"""The assessment's API twins. Records: see ``conftest.py``."""


import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dudao.assessment.tests.autumn import answers
from dudao.workreports.tests.report_fixtures import user


def test_api_twins(term, client):
    world = term
    client.force_login(user(world, "office_admin"))
    table = client.get(reverse("api:reports-assessment-list") + "?period_kind=term&year=2026&term=autumn").json()
    assert [row["rank"] for row in table["rows"]] == [1, 2]
    assert table["rows"][0]["indicators"]["complaints"] is None
    client.force_login(user(world, "principal"))
    created = client.post(reverse("api:reports-assessmentrating-list"), {
        "inspector": world.a.inspectors[1].pk, "period_kind": "term", "period_start": "2026-10-01", "role": "school",
        "answers": answers("良好")}, content_type="application/json")
    assert created.status_code == 201 and created.json()["score"] == "75.00"
    bad = client.post(reverse("api:reports-assessmentrating-list"), {
        "inspector": world.a.inspectors[1].pk, "period_kind": "term", "period_start": "2026-10-01", "role": "school",
        "answers": {"1": "满分"}}, content_type="application/json")
    assert bad.status_code == 400
    listed = client.get(reverse("api:reports-assessmentrating-list")).json()["results"]
    assert [r["role"] for r in listed] == ["school"]


@pytest.mark.parametrize("year", ["0", "99999"])
def test_filtering_ratings_by_an_impossible_year_is_refused_not_a_server_error(world, client, year):
    client.force_login(user(world, "office_admin"))
    response = client.get(reverse("api:reports-assessmentrating-list"), {"year": year})
    assert response.status_code == 400 and "year" in response.json()
    page = client.get(reverse("assessment:rating_list"), {"year": year})
    assert page.status_code == 200
    assert "请填写 2000 至 2100 之间的年份。" in page.content.decode()


def test_asking_for_the_assessment_of_a_non_numeric_inspector_is_not_found(world):
    client = APIClient()
    client.force_authenticate(user(world, "office_admin"))
    assert client.get("/api/v1/reports/assessment/abc/").status_code == 404

