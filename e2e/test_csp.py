"""The pages that run scripts work under the Content-Security-Policy (no inline script, no eval): every
page's scripts are files, and what they do still happens. Any blocked script, style or request fails
the test (``csp_violations`` in conftest watches every browser test)."""

import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from e2e.helpers import login

pytestmark = pytest.mark.browser


def test_office_pages_run_their_scripts_under_the_policy(page: Page, world, csp_violations):
    login(page, "a_office_admin")
    response = page.goto("/")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    assert "unsafe-eval" not in response.headers["content-security-policy"]

    # the dashboard draws its chart from the json_script data (dudao.js, echarts)
    expect(page.locator("[data-chart=kind-chart-data] svg path").first).to_be_attached()

    # the school list (signboards.js; its htmx filters are walked in test_schools) and htmx told not to eval
    page.goto("/organizations/schools/")
    expect(page.locator("[data-testid=object-table] tbody tr")).to_have_count(4)
    assert page.evaluate("htmx.config.allowEval") is False

    # a new plan shows only the field of the chosen level (plans.js)
    page.goto("/plans/add/")
    page.select_option("#id_level", "zone")
    expect(page.locator("#id_zone")).to_be_visible()
    expect(page.locator("#id_inspector")).to_be_hidden()
    page.select_option("#id_level", "inspector")
    expect(page.locator("#id_inspector")).to_be_visible()
    expect(page.locator("#id_zone")).to_be_hidden()

    # a task is prescribed to the chosen target only (plans.js)
    page.goto("/plans/tasks/prescribe/")
    expect(page.locator("[data-field=inspectors]")).to_be_hidden()
    page.locator("[name=target][value=inspectors]").check()
    expect(page.locator("[data-field=inspectors]")).to_be_visible()
    expect(page.locator("[data-field=zone]")).to_be_hidden()

    # an inspector's profile draws its radar (dudao.js) with the long indicator names wrapped (assessment.js)
    page.goto(f"/assessment/inspectors/{world.a.inspectors[0].pk}/")
    expect(page.locator("[data-chart=assessment-radar] svg path").first).to_be_attached()
    expect(page.locator("[data-chart=assessment-bars] svg path").first).to_be_attached()
    page.wait_for_function("""() => {
        const chart = echarts.getInstanceByDom(document.querySelector("[data-chart='assessment-radar']"));
        const radar = chart && chart.getOption().radar[0];
        return radar && typeof radar.axisName.formatter === "function"; }""")

    # "Cancel" on a new survey goes back to the page one came from, without a javascript: link
    page.goto("/surveys/")
    page.goto("/surveys/add/")
    cancel = page.get_by_role("link", name="取消")
    expect(cancel).to_have_attribute("data-back", "")
    with page.expect_navigation():
        cancel.click()
    expect(page).to_have_url(re.compile(r"/surveys/$"))

    # the API's docs start from their own script file
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Dudao", timeout=30_000)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert csp_violations == []


def test_inspector_forms_run_their_scripts_under_the_policy(page: Page, world, csp_violations, tmp_path):
    login(page, "a_inspector")
    # a report form shows the period fields of the chosen kind (reports.js)
    page.goto("/reports/add/")
    page.select_option("#id_period_kind", "month")
    expect(page.locator("#id_month")).to_be_visible()
    page.select_option("#id_period_kind", "term")
    expect(page.locator("#id_month")).to_be_hidden()

    # the visit form registers its service worker (visit-form.js), previews a photo from a blob: URL
    # and keeps the draft on the device, which the list of visits then offers
    page.goto("/inspections/visits/add/")
    page.wait_for_function("navigator.serviceWorker.getRegistrations().then(r => r.length > 0)")
    photo = tmp_path / "校门口.png"
    Image.new("RGB", (64, 48), "orange").save(photo, "PNG")
    page.select_option("select[name=school]", str(world.a.schools[0].pk))
    page.get_by_test_id("photos").set_input_files(str(photo))
    expect(page.locator("[data-testid=pending-file] img")).to_have_attribute("src", re.compile("^blob:"))
    page.goto("/inspections/visits/")
    expect(page.get_by_test_id("device-draft")).to_have_count(1)
    assert csp_violations == []


def test_the_watch_catches_an_inline_script_and_eval(page: Page, world, csp_violations):
    # a script written into the page and a string handed to setTimeout are refused, and reported
    page.goto("/accounts/login/")
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
                             document.body.append(s); }""")
    page.evaluate("() => { setTimeout('window.later = 1', 0); }")
    page.wait_for_function("() => true")
    assert page.evaluate("window.ran") is None
    assert page.evaluate("window.later") is None
    assert any("script-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()


def test_monitoring_charts_are_drawn_under_the_policy(page: Page, world, csp_violations):
    # given a year of county A's returns, imported through the office's own page
    from django.test import Client

    from dudao.monitoring.models import StatisticsYear
    from dudao.monitoring.tests.return_fixtures import fixture_records, upload

    year = StatisticsYear.objects.create(office=world.a.office, year=2024)
    client = Client()
    client.force_login(world.a.users["office_admin"])
    assert upload(client, year, fixture_records(world)).status_code == 302

    # the analysis and the trends draw their charts from json_script data
    login(page, "a_office_admin")
    page.goto(f"/monitoring/{year.pk}/analysis/")
    expect(page.locator("[data-chart^=cv-chart] svg path").first).to_be_attached()
    page.goto(f"/monitoring/offices/{world.a.office.pk}/trends/")
    expect(page.locator("[data-chart^=trend-chart] svg path").first).to_be_attached()
    assert csp_violations == []
