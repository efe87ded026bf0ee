"""Pages and the Excel score sheet of evaluations."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dudao.core.testing.html import text_by_testid
from dudao.core.testing.xlsx import sheet_rows
from dudao.evaluations.models import Evaluation, Rating, Unit
from dudao.evaluations.tests.conftest import full_marks, new_evaluation, run_to, school_system, user

pytestmark = pytest.mark.django_db


def test_office_creates_an_evaluation_from_the_page(world, client):
    client.force_login(user(world, "office_admin"))
    assert client.get(reverse("evaluations:evaluation_create")).status_code == 200
    response = client.post(reverse("evaluations:evaluation_create"), {
        "office": world.a.office.pk, "title": "2026年幼儿园办园行为督导评估", "year": 2026, "kind": "kindergarten",
        "version": school_system().pk, "aggregation": "trimmed_mean", "veto_cap": "59",
        "weight_experts": "0.7", "weight_public": "0.3"})
    evaluation = Evaluation.objects.get(title="2026年幼儿园办园行为督导评估")
    assert response.status_code == 302 and response["Location"] == evaluation.get_absolute_url()
    assert {g.kind: str(g.weight) for g in evaluation.groups.all()} == {"experts": "0.700", "public": "0.300"}
    # units and a rater added on the detail page, then the notice sent
    client.post(reverse("evaluations:evaluation_units", args=[evaluation.pk]), {"schools": [world.a.schools[2].pk]})
    client.post(reverse("evaluations:evaluation_rater", args=[evaluation.pk]),
                {"user": world.a.users["inspector"].pk, "group": "experts"})
    client.post(reverse("evaluations:evaluation_transition", args=[evaluation.pk, "notify"]))
    evaluation.refresh_from_db()
    assert evaluation.status == "notified" and evaluation.units.count() == 1 and evaluation.raters.count() == 1
    # a liaison may not create one
    client.force_login(user(world, "school_liaison"))
    assert client.get(reverse("evaluations:evaluation_create")).status_code == 403


def test_rater_scores_on_the_sheet_page(world, client):
    evaluation = run_to(world, "rating")
    rating = Rating.objects.get(unit__school=world.a.schools[0], unit__evaluation=evaluation,
                                rater__user=world.a.users["inspector"])
    client.force_login(user(world, "inspector"))
    scores = {f"score_{code}": ("1" if value is True else str(value)) for code, value in full_marks(evaluation).items()}
    # deducting without a note is refused with the indicator named
    response = client.post(reverse("evaluations:rating_detail", args=[rating.pk]),
                           {**scores, "score_C3": "4", "submit": "1"}, follow=True)
    assert "C3" in response.content.decode()
    assert Rating.objects.get(pk=rating.pk).status == "draft"
    # with the note it is submitted
    client.post(reverse("evaluations:rating_detail", args=[rating.pk]),
                {**scores, "score_C3": "4", "note_C3": "作业量超标", "submit": "1"})
    rating.refresh_from_db()
    assert rating.status == "submitted" and str(rating.total) == "98.00" and rating.notes == {"C3": "作业量超标"}


def test_unit_self_assessment_page_with_evidence(world, client):
    evaluation = new_evaluation(world)
    run_to(world, "draft", evaluation)
    from dudao.evaluations import services

    services.evaluation_notify(actor=user(world, "office_admin"), evaluation_id=evaluation.pk)
    unit = Unit.objects.get(evaluation=evaluation, school=world.a.schools[0])
    client.force_login(user(world, "school_liaison"))
    page = client.get(reverse("evaluations:unit_detail", args=[unit.pk])).content.decode()
    assert 'data-testid="self-submit"' in page and 'data-testid="evidence-upload"' in page
    from dudao.evaluations.tests.conftest import png

    client.post(reverse("evaluations:unit_evidence", args=[unit.pk]), {"item_code": "A1", "file": png()})
    client.post(reverse("evaluations:unit_self", args=[unit.pk]), {"score_A1": "4.5", "note_A1": "制度待完善",
                                                                   "narrative": "自评报告", "save": "1"})
    unit.refresh_from_db()
    assert unit.self_scores == {"A1": 4.5} and unit.evidence.get().item_code == "A1" and unit.narrative == "自评报告"
    download = client.get(reverse("evaluations:evidence_download", args=[unit.evidence.get().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"\x89PNG"


def test_results_page_and_excel_score_sheet(world, client):
    evaluation = run_to(world, "published")
    client.force_login(user(world, "office_admin"))
    page = client.get(reverse("evaluations:evaluation_results", args=[evaluation.pk])).content.decode()
    assert 'id="evaluation-chart"' in page and "dudao/evaluations.js" in page and "echarts.min.js" in page
    data = client.get(reverse("evaluations:evaluation_export", args=[evaluation.pk])).content
    # the summary: both schools ranked 1 with 98.5 (mean of 98 and 99)
    summary = sheet_rows(data, 0)
    assert summary[0][:5] == ("名次", "单位", "总分", "满分", "等级")
    assert sorted((row[0], row[1], row[2]) for row in summary[1:]) == [
        (1, world.a.schools[0].name, 98.5), (1, world.a.schools[1].name, 98.5)]
    # the raters' detail: every deduction with its note
    detail = sheet_rows(data, 2)
    assert detail[0][-2:] == ("扣分", "扣分说明")
    c3 = [row for row in detail[1:] if row[4] == "C3"]
    assert len(c3) == 4 and {row[9] for row in c3} == {1, 2} and all(row[10] for row in c3)
    # a school gets the summary but not the raters' sheet
    client.force_login(user(world, "school_liaison"))
    import io

    from openpyxl import load_workbook

    names = load_workbook(io.BytesIO(client.get(reverse("evaluations:evaluation_export",
                                                        args=[evaluation.pk])).content)).sheetnames
    assert "评分明细" not in names and "汇总" in names


def test_ranking_names_each_rater_by_full_name(world, client):
    # given a published evaluation scored by the inspector and the zone leader, known by their names
    for role, name in (("inspector", "李明远"), ("zone_leader", "赵国庆")):
        rater = world.a.users[role]
        rater.full_name = name
        rater.save(update_fields=["full_name"])
    evaluation = run_to(world, "published")
    client.force_login(user(world, "office_admin"))
    # when the office opens the results
    page = client.get(reverse("evaluations:evaluation_results", args=[evaluation.pk])).content.decode()
    ranking = text_by_testid(page, "ranking")
    # then the raters' totals carry their names, not their logins
    assert "李明远" in ranking and "赵国庆" in ranking
    assert "a_inspector" not in ranking and "a_zone_leader" not in ranking


def test_report_button_files_the_report(world, client):
    evaluation = run_to(world, "published")
    client.force_login(user(world, "office_admin"))
    response = client.post(reverse("evaluations:evaluation_report", args=[evaluation.pk]))
    assert response.status_code == 302 and "/documents/" in response["Location"]


def test_list_page_and_api_use_constant_queries(world, client):
    admin = user(world, "office_admin")
    client.force_login(admin)
    new_evaluation(world)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [reverse("evaluations:evaluation_list"), reverse("api:evaluations-evaluation-list"),
            reverse("api:evaluations-unit-list"), reverse("api:evaluations-rating-list")]
    few = [count(url) for url in urls]
    for _ in range(11):
        new_evaluation(world)
    assert [count(url) for url in urls] == few
