"""The office dashboard's chart 本年度问题按检查事项统计: the items' names (never codes such as C3 or
1.1), grouped by checklist, the largest first, in a horizontal bar chart tall enough for every row."""

import datetime
import json
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspections.services.findings import finding_record
from dudao.instruments.campaign_checklists import OPENING_CODE
from dudao.instruments.models import Instrument
from dudao.reports.selectors import dashboard_for

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
CODE_LIKE = re.compile(r"^[A-Za-z]?\d+(\.\d+)*\b")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def item(code: str, instrument: str):
    return Instrument.objects.get(office__isnull=True, code=instrument).latest_published().items.get(code=code)


def findings(world, n: int, *, item_id=None, item_code="", school=0, found_on=None):
    inspector = fresh(world.a.users["inspector"])
    for _ in range(n):
        finding_record(actor=inspector, school_id=world.a.schools[school].pk, item_id=item_id, item_code=item_code,
                       description="问题", found_on=found_on or datetime.date(2026, 11, 2))


def test_office_sees_findings_by_item_name_grouped_by_checklist_largest_first(world, client):
    # given this year's findings on two national items, on an item of the opening-of-term campaign
    # checklist, and an evaluation's demand that names only the indicator code C3
    canteen, safety = item("7", "national-school-routine"), item("6", "national-school-routine")
    findings(world, 1, item_id=safety.pk)
    findings(world, 3, item_id=canteen.pk, school=2)
    opening = item("2.1", OPENING_CODE)
    findings(world, 2, item_id=opening.pk)
    findings(world, 1, item_code="C3")
    findings(world, 4, item_id=canteen.pk, found_on=datetime.date(2025, 12, 30))  # last year: not counted

    # when the office administrator opens the dashboard
    user = fresh(world.a.users["office_admin"])
    data = dashboard_for(user=user)

    # then the rows are the items' names, the larger checklist first and in it the larger item first,
    # the finding tied to no item last
    rows = [(row["group_name"], row["name"], row["n"]) for row in data["findings_by_item"]]
    national, campaign = canteen.version.instrument.name, opening.version.instrument.name
    assert rows == [
        (national, "食堂、食品、饮水及宿舍卫生情况", 3),
        (national, "校园及周边安全情况，学生交通安全情况", 1),
        (campaign, "开学前开展校舍、消防、用电、食堂等安全隐患排查并有整改记录", 2),
        (rows[3][0], rows[3][0], 1),
    ]
    # and the chart's labels are those names (shortened, never a code), one series per checklist
    chart = data["findings_chart"]
    labels = chart["yAxis"]["data"]
    assert labels[0] == "食堂、食品、饮水及宿舍卫生情况"
    assert labels[1].startswith("校园及周边安全情况") and len(labels[1]) <= 16
    assert not [label for label in labels if CODE_LIKE.match(label)]
    assert chart["yAxis"]["type"] == "category" and chart["xAxis"]["type"] == "value"  # horizontal bars
    assert chart["yAxis"]["axisLabel"]["overflow"] == "break"  # long names wrap instead of overlapping
    assert [s["name"] for s in chart["series"]] == [national, campaign, rows[3][0]]
    assert chart["series"][0]["data"][0] == {"value": 3, "name": "食堂、食品、饮水及宿舍卫生情况"}
    assert chart["series"][0]["data"][2] == "-"
    # a row of fixed height each, so the labels never overlap
    assert data["findings_chart_height"] >= 4 * 30
    client.force_login(user)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert f'style="height: {data["findings_chart_height"]}px"' in page
    option = json.loads(re.search(r'<script id="findings-chart-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    assert option["yAxis"]["data"] == labels
