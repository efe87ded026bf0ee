"""Results: rates per school, group and question on known data, the comparison with last year,
the Excel workbook read back, what a school sees, pages and query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import fresh
from dudao.core.testing.xlsx import sheet_rows
from dudao.surveys import selectors, services
from dudao.surveys.tests.conftest import answer, make_survey, office_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world):
    """School 1: parents 满意 ×3, 一般 ×1 (30 of 40 answers satisfied = 75 %), teachers 比较满意 ×2 (100 %);
    school 2: parents 满意 ×1, 不满意 ×1 (50 %); no teachers."""
    survey = make_survey(world, open_it=True)
    s1, s2 = world.a.schools[0], world.a.schools[1]
    for option in ("满意", "满意", "满意", "一般"):
        answer(survey, s1, "parents", option)
    for _ in range(2):
        answer(survey, s1, "teachers", "比较满意")
    answer(survey, s2, "parents", "满意")
    answer(survey, s2, "parents", "不满意", **{"11": "希望加强食堂管理"})
    return survey


def test_rates_per_school_group_and_overall(world, answered):
    # when the office reads the results
    results = selectors.survey_results(user=office_admin(world), survey=answered)
    rows = {row.school.code: row for row in results.schools}
    s1, s2 = rows[world.a.schools[0].code], rows[world.a.schools[1].code]
    # then each school and group has its responses and rate (10 rated questions per response)
    assert (s1.cells["parents"].responses, s1.cells["parents"].percent) == (4, Decimal("75.0"))
    assert (s1.cells["teachers"].responses, s1.cells["teachers"].percent) == (2, Decimal("100.0"))
    assert (s1.overall.responses, s1.overall.tally.satisfied, s1.overall.tally.answered) == (6, 50, 60)
    assert s1.overall.percent == Decimal("83.3") and s1.overall.passed is False
    assert s2.cells["teachers"].responses == 0 and s2.cells["teachers"].rate is None
    assert s2.overall.percent == Decimal("50.0")
    # overall pools every answer: 60 of 80
    assert results.overall.percent == Decimal("75.0") and results.overall.passed is False
    assert results.group_totals["parents"].percent == Decimal("66.7")
    # per question, counts per option; the text question is not rated and carries no rate
    q1 = next(q for q in results.questions if q.code == "1")
    assert q1.counts == {"满意": 4, "一般": 1, "比较满意": 2, "不满意": 1}
    assert q1.percent == Decimal("75.0")
    assert all(q.code != "11" for q in results.questions)


def test_counted_answers_and_pass_mark_change_the_result(world, answered):
    services.survey_update(actor=office_admin(world), survey_id=answered.pk, counted_options=["满意", "比较满意", "一般"],
                           pass_threshold="0.8")
    answered.refresh_from_db()
    results = selectors.survey_results(user=office_admin(world), survey=answered)
    row = next(r for r in results.schools if r.school == world.a.schools[0])
    assert row.overall.percent == Decimal("100.0") and row.overall.passed is True
    assert results.overall.percent == Decimal("87.5") and results.overall.passed is True


def test_question_table_narrows_to_one_school_and_group(world, answered):
    results = selectors.survey_results(user=office_admin(world), survey=answered, school_id=world.a.schools[1].pk,
                                       group="parents")
    q1 = next(q for q in results.questions if q.code == "1")
    assert q1.counts == {"满意": 1, "不满意": 1}
    assert len(results.schools) == 2  # the school table still shows every school


def test_a_liaison_sees_only_their_schools_results(world, answered, client):
    # given the liaison of school 1
    liaison = fresh(world.a.users["school_liaison"])
    results = selectors.survey_results(user=liaison, survey=answered)
    # then only school 1's rows and answers count
    assert [row.school for row in results.schools] == [world.a.schools[0]]
    q1 = next(q for q in results.questions if q.code == "1")
    assert q1.counts == {"满意": 3, "一般": 1, "比较满意": 2}
    client.force_login(liaison)
    page = client.get(reverse("surveys:survey_results", args=[answered.pk])).content.decode()
    assert world.a.schools[0].name in page and world.a.schools[1].name not in page
    api = client.get(reverse("api:surveys-survey-results", args=[answered.pk])).json()
    assert [s["school"] for s in api["schools"]] == [world.a.schools[0].pk]
    # nor can they change it or print another school's codes
    assert client.get(reverse("surveys:survey_edit", args=[answered.pk])).status_code == 403
    other_link = answered.links.get(school=world.a.schools[1], group="parents")
    assert client.get(reverse("surveys:link_qr", args=[other_link.pk])).status_code == 404


def test_another_county_sees_nothing(world, answered, client):
    client.force_login(office_admin(world, "b"))
    assert client.get(reverse("surveys:survey_results", args=[answered.pk])).status_code == 404
    assert client.get(reverse("api:surveys-survey-results", args=[answered.pk])).status_code == 404
    link = answered.links.first()
    assert client.get(reverse("surveys:link_qr", args=[link.pk])).status_code == 404


def test_comparison_with_last_year(world, answered):
    # given last year's survey of the same office on the same questionnaire: school 1 parents 满意 ×1, 不满意 ×1
    actor = office_admin(world)
    last = make_survey(world, year=answered.year - 1, groups=["parents"], open_it=True)
    answer(last, world.a.schools[0], "parents", "满意")
    answer(last, world.a.schools[0], "parents", "不满意")
    services.survey_close(actor=actor, survey_id=last.pk)
    # when this year's results are compared
    comparison = selectors.survey_comparison(user=actor, survey=answered)
    # then each school and group sits beside last year's rate with the change in points
    assert comparison["previous"] == last
    lines = {(line["school"].code, line["group"]): line for line in comparison["lines"]}
    s1 = world.a.schools[0].code
    assert (lines[(s1, "parents")]["before"], lines[(s1, "parents")]["now"], lines[(s1, "parents")]["change"]) == (
        Decimal("50.0"), Decimal("75.0"), Decimal("25.0"))
    assert lines[(s1, "teachers")]["before"] is None and lines[(s1, "teachers")]["change"] is None
    assert lines[(world.a.schools[1].code, "parents")]["before"] is None
    assert comparison["overall"] == {"now": Decimal("75.0"), "before": Decimal("50.0"), "change": Decimal("25.0")}


def test_no_comparison_without_last_years_survey_on_the_same_questionnaire(world, answered):
    assert selectors.survey_comparison(user=office_admin(world), survey=answered) is None


def test_excel_export_holds_every_table(world, answered, client):
    last = make_survey(world, year=answered.year - 1, groups=["parents"], open_it=True)
    answer(last, world.a.schools[0], "parents", "一般")
    client.force_login(office_admin(world))
    response = client.get(reverse("surveys:survey_results", args=[answered.pk]) + "?export=xlsx")
    assert response.status_code == 200
    schools = sheet_rows(response.content, 0)
    s1 = next(r for r in schools if r[0] == world.a.schools[0].code)
    assert s1[1:8] == (world.a.schools[0].name, 4, 75.0, 2, 100.0, 6, 83.3)
    assert schools[-1][1:] == (gettext("All schools"), 6, 66.7, 2, 100.0, 8, 75.0, gettext("Below the pass mark"))
    questions = sheet_rows(response.content, 1)
    assert ("1", "您对学校的管理和办学行为是否满意？", "满意", 4, 50.0, "是", 75.0) in questions
    comparison = sheet_rows(response.content, 2)
    assert (world.a.schools[0].code, world.a.schools[0].name, gettext("Parents"), 0.0, 75.0, 75.0) in comparison


def test_pages_render(world, answered, client):
    client.force_login(office_admin(world))
    detail = client.get(answered.get_absolute_url()).content.decode()
    assert answered.links.first().token in detail
    results = client.get(reverse("surveys:survey_results", args=[answered.pk]))
    assert results.status_code == 200 and 'id="school-chart"' in results.content.decode()
    sheet = client.get(reverse("surveys:survey_qr_sheet", args=[answered.pk]) + f"?school={world.a.schools[0].pk}")
    assert sheet.content.decode().count("<svg") == 2
    png = client.get(reverse("surveys:link_qr", args=[answered.links.first().pk]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_code_slips_print_the_unused_codes(world, client):
    survey = make_survey(world, single_use=True, open_it=True)
    services.survey_codes_generate(actor=office_admin(world), survey_id=survey.pk, count=3, group="parents",
                                   school_id=world.a.schools[0].pk)
    link = survey.links.get(school=world.a.schools[0], group="parents")
    used = link.codes.first()
    answer(survey, world.a.schools[0], "parents", "满意", code=used.code)
    client.force_login(office_admin(world))
    page = client.get(reverse("surveys:link_codes", args=[link.pk])).content.decode()
    assert page.count('data-testid="slip"') == 2 and used.code not in page


def test_ui_add_form_by_zone_and_kind(world, client):
    from dudao.surveys.models import Survey
    from dudao.surveys.tests.conftest import parents_version

    client.force_login(office_admin(world))
    assert client.get(reverse("surveys:survey_add")).status_code == 200
    response = client.post(reverse("surveys:survey_add"), {
        "office": world.a.office.pk, "title": "按责任区的调查", "year": 2026, "version": parents_version().pk,
        "groups": ["parents", "students"], "closes_on": "2099-01-01", "counted_options": "满意 | 比较满意",
        "pass_percent": "85", "zone": world.a.zones[0].pk, "kind": "primary"})
    assert response.status_code == 302, response.content.decode()[:2000]
    survey = Survey.objects.get(title="按责任区的调查")
    assert {link.school for link in survey.links.all()} == {world.a.schools[0], world.a.schools[2]}
    assert survey.links.count() == 4


def test_list_and_api_list_run_constant_queries(world, client):
    client.force_login(office_admin(world))
    grown = []

    def grow(k):
        for _ in range(k):
            survey = make_survey(world, title=f"调查{len(grown)}", open_it=True)
            answer(survey, world.a.schools[0], "parents", "满意")
            grown.append(survey)

    def fetch_list():
        assert client.get(reverse("surveys:survey_list")).status_code == 200

    def fetch_api():
        assert client.get(reverse("api:surveys-survey-list") + "?page_size=100").status_code == 200

    assert_constant_queries(fetch_list, grow, n=2, m=22)
    assert_constant_queries(fetch_api, grow, n=22, m=30)


def test_results_run_constant_queries(world, client):
    client.force_login(office_admin(world))
    survey = make_survey(world, schools=world.a.schools, open_it=True)

    def grow(k):
        for i in range(k):
            answer(survey, world.a.schools[i % 4], "parents" if i % 2 else "teachers", "满意")

    def fetch():
        assert client.get(reverse("surveys:survey_results", args=[survey.pk])).status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=30)


def test_ui_edit_keeps_schools_and_fixes_structure_once_open(world, client):
    survey = make_survey(world)
    client.force_login(office_admin(world))
    url = reverse("surveys:survey_edit", args=[survey.pk])
    assert 'name="groups"' in client.get(url).content.decode()
    response = client.post(url, {"title": "改名后的调查", "year": survey.year, "version": survey.version_id,
                                 "groups": ["parents"], "closes_on": "2099-01-01", "counted_options": "满意",
                                 "pass_percent": "90"})
    assert response.status_code == 302, response.content.decode()[:2000]
    survey.refresh_from_db()
    assert (survey.title, survey.counted_options, survey.groups) == ("改名后的调查", ["满意"], ["parents"])
    assert survey.links.count() == 2  # the same two schools, parents only
    services.survey_open(actor=office_admin(world), survey_id=survey.pk)
    assert 'name="groups"' not in client.get(url).content.decode()
