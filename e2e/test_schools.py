"""The school list in a browser: filter, export what is shown, and scope."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import login, table_rows

pytestmark = pytest.mark.browser


def test_office_filters_schools_and_exports_exactly_the_filtered_rows(page: Page, world):
    a, b = world.a, world.b
    # Two of county A's four schools and one of county B's become kindergartens: the kind filter
    # must give A's two, never B's.
    for school in (a.schools[1], a.schools[3], b.schools[0]):
        school.kind = "kindergarten"
        school.save(update_fields=["kind"])
    expected_codes = sorted(s.code for s in (a.schools[1], a.schools[3]))
    b_codes = {s.code for s in b.schools}
    b_names = {s.name for s in b.schools}

    login(page, "a_office_admin")
    page.goto("/organizations/schools/")
    rows = page.locator("[data-testid=object-table] tbody tr")
    expect(rows).to_have_count(4)
    expect(page.get_by_test_id("result-count")).to_contain_text("4")

    # The filter form swaps the table through HTMX (no page load) and pushes the URL.
    with page.expect_response(lambda r: "kind=kindergarten" in r.url and r.request.headers.get("hx-request") == "true"):
        page.select_option("#id_kind", "kindergarten")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("result-count")).to_contain_text("2")
    expect(page).to_have_url(re.compile(r"[?&]kind=kindergarten"))
    shown = table_rows(page)
    shown_codes = [cells[0] for cells in shown]
    assert sorted(shown_codes) == expected_codes
    assert not b_codes & set(shown_codes)

    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    data = Path(download.path()).read_bytes()

    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    body = [r for r in body if any(v not in (None, "") for v in r)]
    code_col = 0  # the first column, as on the page
    exported_codes = [str(r[code_col]) for r in body]
    assert exported_codes == shown_codes, f"exported {exported_codes}, the page shows {shown_codes}"
    exported_text = {str(v) for r in body for v in r if v is not None}
    assert not exported_text & (b_codes | b_names), "a county-B school reached the export"


def test_inspector_sees_only_listed_schools(page: Page, world):
    a, b = world.a, world.b
    listed = [a.schools[0], a.schools[2]]  # inspector 1 of county A is listed at schools 1 and 3
    listed_names = sorted(s.name for s in listed)

    login(page, "a_inspector")
    page.goto("/")
    my_schools = page.get_by_test_id("my-schools")
    expect(my_schools).to_be_visible()
    expect(my_schools.locator("tbody tr")).to_have_count(2)
    names = my_schools.locator("tbody tr td:first-child").all_inner_texts()
    assert sorted(n.strip() for n in names) == listed_names

    page.goto("/organizations/schools/")
    expect(page.locator("[data-testid=object-table] tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("result-count")).to_contain_text("2")
    shown = table_rows(page)
    assert sorted(cells[1] for cells in shown) == listed_names

    response = page.goto(f"/organizations/schools/{listed[0].pk}/")
    assert response.status == 200
    expect(page.locator("body")).to_contain_text(listed[0].name)

    for school in (b.schools[0], a.schools[1]):  # county B; county A but not listed to them
        response = page.goto(f"/organizations/schools/{school.pk}/")
        assert response.status == 404, f"{school.name}: {response.status}"
        expect(page.locator("body")).not_to_contain_text(school.name)
