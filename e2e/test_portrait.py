"""The school at a glance in a browser: an office opens a school's portrait from the school page and
sees its radar against the 2017 standards, then compares it with a second school side by side."""

import re

import pytest
from playwright.sync_api import Page, expect

from dudao.core.testing.world import fresh
from dudao.monitoring.models import SchoolReturn
from dudao.monitoring.services import school_return_save, statistics_year_open
from dudao.reports.tests.portrait_fixtures import RETURN_2026
from e2e.helpers import login

pytestmark = pytest.mark.browser


def test_an_office_opens_a_portrait_and_compares_two_schools(page: Page, world):
    # given the statistics returns of two schools of county A
    first, second = world.a.schools[0], world.a.schools[1]
    office = fresh(world.a.users["office_admin"])
    year = statistics_year_open(actor=office, office_id=world.a.office.pk, year=2026)
    for school, classrooms in ((first, 2), (second, 3)):
        school_return_save(actor=fresh(office), instance=SchoolReturn(
            statistics_year=year, school=school, stage="primary", school_type="primary", students=100,
            **{**RETURN_2026, "multimedia_classrooms": classrooms}))

    # when the office opens the first school's portrait from its page
    login(page, "a_office_admin")
    page.goto(f"/organizations/schools/{first.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("portrait-tab").click()
    expect(page).to_have_url(re.compile(rf"/schools/{first.pk}/portrait/$"))
    # then the radar is drawn and the indicators are listed with their status
    expect(page.locator("[data-chart=portrait-radar] svg path").first).to_be_attached()
    expect(page.get_by_test_id("portrait-balance").locator("[data-status=below_floor]")).to_have_count(1)

    # when the office compares it with the second school
    with page.expect_navigation():
        page.get_by_test_id("compare-link").click()
    page.select_option("#id_add", str(second.pk))
    with page.expect_navigation():
        page.get_by_test_id("compare-add").click()
    # then both schools stand side by side, their radars overlaid
    table = page.get_by_test_id("compare-table")
    expect(table).to_contain_text(first.name)
    expect(table).to_contain_text(second.name)
    expect(page.locator("[data-chart=portrait-radar] svg path").first).to_be_attached()
