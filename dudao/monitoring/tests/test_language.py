"""The balance analysis speaks the user's language: Chinese throughout in zh-hans (no English word, no
raw key), English in en; on the page, in its Excel export and in the import's problems."""

import io
import re

import lxml.html
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dudao.core.testing.world import build_world, fresh
from dudao.monitoring.models import StatisticsYear
from dudao.monitoring.tests.return_fixtures import signed, upload
from dudao.monitoring.tests.test_standards import equipment_records

pytestmark = pytest.mark.django_db

ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
RAW_KEYS = ("below_standard", "below_floor", "key_teachers_per_100", "equipment_value", "school_rule_failed",
            "missing_data", "cv_above_threshold")
SECTIONS = ("method-header", "standards-source", "indicators-primary", "schools-primary", "adjustment-primary",
            "alarms-primary", "composite-primary")


@pytest.fixture
def world():
    return build_world()


def county_year(world, client, language: str) -> StatisticsYear:
    """County A's 2026 returns: four schools of uneven equipment (CV above 0.50, one below the 85 % floor,
    one below the standard), one without a multimedia classroom count (missing data)."""
    admin = fresh(world.a.users["office_admin"])
    admin.language = language
    admin.save(update_fields=["language"])
    records = equipment_records(world)
    records[3]["multimedia_classrooms"] = None
    year = StatisticsYear.objects.create(office=world.a.office, year=2026)
    signed(client, admin)
    assert upload(client, year, records, confirm="1").status_code == 302
    return year


def page_sections(html: str) -> str:
    """The text of the analysis's own sections (method, source, tables, plans, alarms)."""
    tree = lxml.html.fromstring(html)
    return "\n".join(" ".join(node.text_content().split()) for testid in SECTIONS
                     for node in tree.xpath(f'//*[@data-testid="{testid}"]'))


def workbook_cells(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    cells = list(book.sheetnames)
    for sheet in book.worksheets:
        cells += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    return cells


@pytest.mark.parametrize("method", ["quality-2017", "basic-2012"])
def test_analysis_page_and_export_in_chinese_have_no_english_or_raw_keys(world, client, method):
    # given county A's year analysed by a user who reads Chinese
    year = county_year(world, client, "zh-hans")
    url = reverse("monitoring:year_analysis", args=[year.pk]) + f"?method={method}"
    # when the analysis page is shown
    html = client.get(url).content.decode()
    text = page_sections(html)
    # then its reasons, alarms, plans and header are Chinese
    assert "生均教学仪器设备值" in text and "国家默认值" in text
    assert "低于标准值 2000 的 85 %" in text or method == "basic-2012"
    assert ENGLISH_WORD.findall(text) == []
    assert not [key for key in RAW_KEYS if key in text]
    # and so is every sheet and cell of the Excel export, read back
    cells = workbook_cells(client.get(url + "&export=xlsx").content)
    assert "小学指标" in cells and "小学预警" in cells
    english = sorted({word for cell in cells for word in ENGLISH_WORD.findall(cell)})
    assert english == []
    assert not [cell for cell in cells if cell in RAW_KEYS]


def test_analysis_page_and_export_in_english_are_english(world, client):
    # given the same year for a user who reads English
    year = county_year(world, client, "en")
    url = reverse("monitoring:year_analysis", args=[year.pk]) + "?method=quality-2017"
    # then the page's reasons, alarms and header are English
    text = page_sections(client.get(url).content.decode())
    assert "Teaching equipment value per pupil" in text
    assert "is below 85 % of the standard 2000" in text and "Thresholds and standards: national defaults" in text
    assert "生均" not in text and "低于" not in text
    # and so are the export's sheets, headers, alarm kinds and statuses
    book = load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    assert "Primary indicators" in book.sheetnames and "Primary alarms" in book.sheetnames
    alarms = list(book["Primary alarms"].iter_rows(values_only=True))
    assert alarms[0] == ("Kind", "Indicator", "School code", "Description")
    assert ("Below the floor", "Teaching equipment value per pupil") in {row[:2] for row in alarms}
    schools = list(book["Primary schools"].iter_rows(values_only=True))
    assert "Teaching equipment value per pupil: status" in schools[0]
    assert "Below 85 %" in {cell for row in schools for cell in row}


def test_import_problems_in_the_users_language(world, client):
    # given a workbook with a negative area, imported by a Chinese and then an English reader
    records = equipment_records(world)
    records[0]["teaching_area_m2"] = -5
    year = StatisticsYear.objects.create(office=world.a.office, year=2026)
    admin = fresh(world.a.users["office_admin"])
    signed(client, admin)
    (error,) = upload(client, year, records).context["errors"]
    assert error.message == "-5 是负数"
    admin.language = "en"
    admin.save(update_fields=["language"])
    signed(client, admin)
    (error,) = upload(client, year, records).context["errors"]
    assert error.message == "-5 is negative"
