"""An evaluation in browsers: the office sends the notice, two raters score independently in two
browsers (neither sees the other's sheet before submitting), the office feeds back, issues the
opinion letters and publishes; the school sees its rank but no rater's score."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser


def _setup(world):
    from dudao.evaluations.tests.conftest import new_evaluation

    return new_evaluation(world)  # schools 1 and 2; the inspector (experts) and the zone leader (inspectors) rate


def _phase(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_test_id(f"transition-{name}").click()


def _score_all(page: Page, deduct: dict[str, tuple[str, str]]) -> None:
    """Fills every indicator of the open sheet: full marks, yes for yes/no, except ``deduct``."""
    for field in page.locator("[data-testid^=score-]").all():
        code = field.get_attribute("data-testid").removeprefix("score-")
        if code in deduct:
            field.fill(deduct[code][0])
            page.get_by_test_id(f"note-{code}").fill(deduct[code][1])
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option("1")
        else:
            maximum = field.locator("xpath=ancestor::tr/td[3]").inner_text().strip()
            field.fill(maximum)


def test_evaluation_from_notice_to_published_ranking(page: Page, world, browser, browser_context_args):
    from dudao.evaluations.models import Rating
    from dudao.evaluations.tests.conftest import self_assess

    evaluation = _setup(world)
    page.on("dialog", lambda dialog: dialog.accept())

    # the office sends the notice from the evaluation's page
    login(page, "a_office_admin")
    page.goto(f"/evaluations/{evaluation.pk}/")
    _phase(page, "notify")
    expect(page.get_by_test_id("evaluation-status")).to_contain_text(re.compile("自评|self-assessment", re.I))
    for unit in evaluation.units.all():  # the schools self-assess (covered by the unit tests)
        self_assess(world, unit)
    page.reload()
    expect(page.get_by_test_id("progress")).to_contain_text("2/2")
    _phase(page, "review")
    _phase(page, "rate")

    # two raters in two browsers
    inspector = browser.new_context(**browser_context_args)
    leader = browser.new_context(**browser_context_args)
    sheets = {}
    for context, username in ((inspector, "a_inspector"), (leader, "a_zone_leader")):
        rater_page = context.new_page()
        rater_page.set_default_timeout(15_000)
        login(rater_page, username)
        rater_page.goto(f"/evaluations/{evaluation.pk}/")
        expect(rater_page.get_by_test_id("my-sheets").locator("a")).to_have_count(2)
        sheets[username] = rater_page
    own = Rating.objects.filter(unit__evaluation=evaluation)
    leader_sheet = own.get(rater__user=world.a.users["zone_leader"], unit__school=world.a.schools[0])
    # the inspector cannot open the zone leader's sheet before submitting
    response = sheets["a_inspector"].goto(f"/evaluations/ratings/{leader_sheet.pk}/")
    assert response.status == 404
    for username, lost in (("a_inspector", "3"), ("a_zone_leader", "5")):
        rater_page = sheets[username]
        for rating in own.filter(rater__user__username=username).order_by("unit__name"):
            rater_page.goto(f"/evaluations/ratings/{rating.pk}/")
            deduct = {"C3": (lost, "作业总量超标")} if rating.unit.school_id == world.a.schools[0].pk else {}
            _score_all(rater_page, deduct)
            with rater_page.expect_navigation():
                rater_page.get_by_test_id("sheet-submit").click()
            expect(rater_page.get_by_test_id("rating-status")).to_contain_text(re.compile("已提交|Submitted"))
    # now the inspector sees the zone leader's sheet
    assert sheets["a_inspector"].goto(f"/evaluations/ratings/{leader_sheet.pk}/").status == 200
    inspector.close()
    leader.close()

    # the office feeds back, closes the replies, issues both opinion letters and publishes
    page.goto(f"/evaluations/{evaluation.pk}/")
    _phase(page, "feed_back")
    _phase(page, "conclude")
    deadline = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    for unit in evaluation.units.order_by("name"):
        page.goto(f"/evaluations/units/{unit.pk}/")
        if unit.school_id == world.a.schools[0].pk:  # its responsible inspector follows the notice
            page.fill("#id_demands", f"{deadline} | C3 | 作业公示制度未落实，限期整改。")
        with page.expect_navigation():
            page.get_by_test_id("issue-opinion").click()
        expect(page.get_by_test_id("opinion")).to_be_visible()
        if unit.school_id == world.a.schools[0].pk:
            expect(page.get_by_test_id("opinion")).to_contain_text("作业公示制度未落实")
    page.goto(f"/evaluations/{evaluation.pk}/")
    _phase(page, "publish")
    page.get_by_test_id("results-link").click()
    ranking = page.get_by_test_id("ranking")
    # school 2 (full marks from both) first with 100, school 1 second: C3 is the mean of 3 and 5 of 6
    expect(ranking.locator("tbody tr").first).to_contain_text(world.a.schools[1].name)
    expect(ranking.locator("tbody tr").nth(1)).to_contain_text("98.00")
    expect(page.locator("#chart-distribution canvas")).to_have_count(1)

    # the school sees its rank and total, never a rater's score
    page.context.clear_cookies()
    login(page, "a_liaison")
    unit = evaluation.units.get(school=world.a.schools[0])
    page.goto(f"/evaluations/units/{unit.pk}/")
    expect(page.get_by_test_id("unit-total")).to_contain_text("98.00")
    expect(page.get_by_test_id("sheets")).to_have_count(0)
