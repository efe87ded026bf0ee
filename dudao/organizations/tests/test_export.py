""""Export what I see" (STYLE §7.8): the Excel export holds exactly the filtered rows, in the list's
order, under the list's column headers."""

import pytest
from django.urls import reverse
from django.utils import translation

from dudao.core.testing.factories import SchoolFactory
from dudao.core.testing.html import table_headers, text_by_testid
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.testing.xlsx import sheet_rows
from dudao.organizations.views import SchoolListView

pytestmark = pytest.mark.django_db
LIST = "organizations:school_list"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def juniors(world):
    """Two junior secondary schools in county A, next to its four primary schools."""
    return [SchoolFactory(code=f"J00{i}", name=f"甲县第{i}中学", kind="junior", region=world.a.region,
                          enrolment_primary=0, enrolment_junior=700 + i) for i in (1, 2)]


@pytest.fixture
def admin(world, client):
    client.force_login(fresh(world.a.users["office_admin"]))
    return client


def export(client, query: str):
    response = client.get(reverse(LIST) + f"?{query}&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return sheet_rows(response.content)


def codes(rows, headers) -> list[str]:
    index = headers.index(expected_headers()[0])
    return [r[index] for r in rows]


def expected_headers() -> list[str]:
    with translation.override("zh-hans"):
        return [str(c.label) for c in SchoolListView.columns if c.export]


def test_export_holds_exactly_the_filtered_rows(admin, juniors):
    # given a list filtered to junior secondary schools
    page = admin.get(reverse(LIST) + "?kind=junior").content.decode()

    # when it is exported
    header, *rows = export(admin, "kind=junior")

    # then the sheet holds those two schools and nothing else, as many as the page counts
    assert sorted(codes(rows, list(header))) == ["J001", "J002"]
    assert "2" in text_by_testid(page, "result-count")


def test_export_headers_are_the_lists_columns(admin, juniors):
    page = admin.get(reverse(LIST) + "?kind=junior").content.decode()
    header = list(export(admin, "kind=junior")[0])

    # the visible columns, in the page's order, then the export-only ones (phone, address); the
    # row's links (学校画像) have no header and no column in the sheet
    visible = [h for h in table_headers(page) if h]
    assert visible and [h for h in header if h in visible] == visible
    assert header == expected_headers()
    assert len(header) > len(visible)


def test_export_follows_search_region_and_sort(world, admin, juniors):
    # a search narrows to one school
    _header, *rows = export(admin, "q=甲县第2中学")
    assert [r[0] for r in rows] == ["J002"]
    # a township filter keeps only the schools there (schools 1 and 3 of the world)
    _header, *rows = export(admin, f"region={world.a.township.pk}")
    assert sorted(r[0] for r in rows) == sorted([world.a.schools[0].code, world.a.schools[2].code])
    # the sort of the page is the order of the sheet
    _header, *rows = export(admin, "kind=junior&sort=-code")
    assert [r[0] for r in rows] == ["J002", "J001"]


def test_export_values_match_the_rows(admin, juniors):
    header, *rows = export(admin, "kind=junior&sort=code")
    record = dict(zip(header, rows[0], strict=True))
    with translation.override("zh-hans"):
        labels = {c.accessor: str(c.label) for c in SchoolListView.columns if isinstance(c.accessor, str)}
    assert record[labels["name"]] == "甲县第1中学"
    assert record[labels["enrolment_total"]] == 701  # numbers stay numbers


def test_export_without_filter_is_the_users_scope(world, admin):
    _header, *rows = export(admin, "")
    assert sorted(r[0] for r in rows) == sorted(s.code for s in world.a.schools)
