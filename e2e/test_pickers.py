"""A school picker in a browser: past the threshold the school filter is a search box."""

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser


def test_office_types_a_name_picks_the_school_and_the_list_follows(page: Page, world, settings):
    settings.DUDAO_PICKER_THRESHOLD = 3  # county A's four schools make it a picker
    a, b = world.a, world.b
    school = a.schools[2]
    login(page, "a_office_admin")
    page.goto("/inspections/visits/")
    box = page.locator("[data-picker] input[type=search]")
    expect(box).to_have_attribute("placeholder", "输入名称搜索")
    expect(page.locator("select#id_school")).to_have_count(0)

    box.fill("第3")
    suggestions = page.locator("[data-picker-list] button")
    expect(suggestions).to_have_count(1)
    expect(suggestions.first).to_have_text(school.name)
    box.fill(b.region.name)  # the neighbour county's schools are never suggested
    expect(suggestions).to_have_count(0)

    box.fill("第3")
    expect(suggestions).to_have_count(1)
    with page.expect_response(lambda r: f"school={school.pk}" in r.url and r.request.headers.get("hx-request") == "true"):
        suggestions.first.click()
    expect(page).to_have_url(re.compile(rf"[?&]school={school.pk}"))
    page.reload()
    expect(page.locator("[data-picker] input[type=search]")).to_have_value(school.name)
