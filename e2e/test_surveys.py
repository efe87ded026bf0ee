"""A survey link answered on phones by three respondents yields the right rates on the office's page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SATISFIED, QUITE, FAIR, UNSATISFIED = 3, 2, 1, 0  # option indexes of 不满意 / 一般 / 比较满意 / 满意


def open_survey(world):
    from dudao.core.testing.world import fresh
    from dudao.instruments.models import Instrument
    from dudao.surveys import services

    services.ensure_survey_questionnaires()
    version = Instrument.objects.get(office__isnull=True, code="survey-parents-satisfaction").latest_published()
    actor = fresh(world.a.users["office_admin"])
    survey = services.survey_create(actor=actor, office_id=world.a.office.pk, title="甲县家长满意度调查", year=2026,
                                    version_id=version.pk, groups=["parents"],
                                    closes_on=timezone.localdate() + datetime.timedelta(days=7),
                                    school_ids=[world.a.schools[0].pk])
    return services.survey_open(actor=actor, survey_id=survey.pk)


def answer_on_phone(page: Page, path: str, choices: list[int], suggestion: str = "") -> None:
    page.goto(path)
    expect(page.get_by_test_id("survey-title")).to_have_text("甲县家长满意度调查")
    for code, choice in enumerate(choices, start=1):
        page.get_by_test_id(f"answer-{code}-{choice}").check()
    if suggestion:
        page.get_by_test_id("answer-11-text").fill(suggestion)
    with page.expect_navigation():
        page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("thanks")).to_be_visible()


def test_three_phone_answers_give_the_rates_on_the_results_page(page: Page, world):
    survey = open_survey(world)
    school = world.a.schools[0]
    path = survey.links.get(school=school, group="parents").get_public_path()
    page.set_viewport_size(PHONE)

    # a respondent who forgets a question is told which one, on the phone, and nothing is stored
    page.goto(path)
    page.get_by_test_id("answer-1-3").check()
    with page.expect_navigation():
        page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.get_by_test_id("error-2")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling

    # three parents answer: all 满意; all 比较满意; 一般 on the first five and 不满意 on the rest
    answer_on_phone(page, path, [SATISFIED] * 10, suggestion="希望多开展课外活动")
    answer_on_phone(page, path, [QUITE] * 10)
    answer_on_phone(page, path, [FAIR] * 5 + [UNSATISFIED] * 5)

    # the office sees 20 of 30 answers satisfied: 66.7 %, below the 85 % pass mark
    login(page, "a_office_admin")
    page.goto(f"/surveys/{survey.pk}/results/")
    expect(page.get_by_test_id("overall-rate")).to_have_text("66.7%")
    expect(page.get_by_test_id(f"cell-{school.code}-parents")).to_contain_text("66.7%")
    expect(page.get_by_test_id(f"cell-{school.code}-parents")).to_contain_text("(3)")
    expect(page.get_by_test_id("question-1")).to_contain_text("满意 1")
    expect(page.get_by_test_id("question-6")).to_contain_text("不满意 1")
    expect(page.locator("[data-chart=school-chart] svg")).to_be_attached()
