"""Thresholds and standards an office sets for the balance analysis (STANDARDS §3.5, §4.2): inherited from
the office above, shown with the analysis, set only by office administrators; and the 体育馆 check of the
import."""

import datetime
import io
import json
import re
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import OfficeFactory
from dudao.core.testing.world import build_world, fresh
from dudao.monitoring import formulas, selectors, services
from dudao.monitoring.models import BalanceStandard, SchoolReturn, StatisticsYear
from dudao.monitoring.tests.return_fixtures import county_schools, signed, upload
from dudao.monitoring.tests.test_analysis import school

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
SET_ON = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=ZONE)
# equipment value per pupil of four primary schools of 500 pupils: CV 0.527, above the national 0.50
EQUIPMENT = (800, 2000, 3000, 4500)
QUALITY_STANDARDS = {s.value: dict(formulas.QUALITY_2017_STANDARDS[s]) for s in formulas.COMPULSORY_STAGES}


@pytest.fixture
def world():
    return build_world()


def equipment_records(world):
    schools = county_schools(world, len(EQUIPMENT))
    return [school(s.code, 500, name=s.name, equipment_value_yuan=value * 500)
            for s, value in zip(schools, EQUIPMENT, strict=True)]


def imported_year(world, client, records) -> StatisticsYear:
    year = StatisticsYear.objects.create(office=world.a.office, year=2026)
    signed(client, world.a.users["office_admin"])
    response = upload(client, year, records, confirm="1")
    assert response.status_code == 302, response.context and response.context.get("errors")
    return year


def equipment_verdict(result) -> bool | None:
    return next(i for i in result["levels"]["primary"]["indicators"] if i["key"] == "equipment_value")["passed"]


def set_primary_threshold(actor, office, threshold, *, year=2026):
    return services.balance_standard_set(
        actor=fresh(actor), office_id=office.pk, year=year, method="quality-2017",
        thresholds={"primary": threshold, "junior": 0.45}, standards=QUALITY_STANDARDS, floor_ratio=0.85)


def analysis_page(client, year, method="quality-2017") -> str:
    response = client.get(reverse("monitoring:year_analysis", args=[year.pk]) + f"?method={method}")
    assert response.status_code == 200
    return response.content.decode()


def test_office_threshold_between_default_and_own_changes_the_verdict(world, client):
    # given a county whose 生均教学仪器设备值 CV lies between the national 0.50 and 0.55
    records = equipment_records(world)
    cv = formulas.weighted_cv([r["equipment_value_yuan"] / 500 for r in records], [500] * len(records))
    assert 0.50 < cv < 0.55
    year = imported_year(world, client, records)
    admin = world.a.users["office_admin"]
    # then with the national defaults the indicator fails and the page says whose thresholds they are
    before = selectors.year_analysis(user=fresh(admin), statistics_year=year, method="quality-2017")
    assert equipment_verdict(before) is False and before["thresholds"]["primary"] == 0.50
    assert "国家默认值" in analysis_page(client, year)
    # when the county office sets 0.55 for 2026
    with time_machine.travel(SET_ON, tick=False):
        set_primary_threshold(admin, world.a.office, 0.55)
    # then the same county passes on that indicator, and the page names the office and the date
    after = selectors.year_analysis(user=fresh(admin), statistics_year=year, method="quality-2017")
    assert equipment_verdict(after) is True and after["thresholds"]["primary"] == 0.55
    html = analysis_page(client, year)
    source = re.search(r'data-testid="standards-source">(.*?)</div>', html, re.S).group(1)
    assert world.a.office.name in source and "2026-11-20" in source
    # and another year keeps the national defaults
    assert selectors.standards_in_force(office=world.a.office, year=2025, method="quality-2017")["source"]["national"]


def test_province_setting_is_inherited_by_the_county_until_it_sets_its_own(world, client):
    # given a province office that sets 0.60 for its counties
    province_office = OfficeFactory(region=world.province, name="示范省人民政府教育督导室")
    year = imported_year(world, client, equipment_records(world))
    with time_machine.travel(SET_ON, tick=False):
        set_primary_threshold(world.sysadmin, province_office, 0.60)
    # then county A's analysis uses it, and says it comes from the province
    result = selectors.year_analysis(user=fresh(world.a.users["office_admin"]), statistics_year=year,
                                     method="quality-2017")
    assert result["thresholds"]["primary"] == 0.60 and equipment_verdict(result) is True
    assert result["standards_source"]["office"] == province_office.name
    assert result["standards_source"]["own"] is False
    # when the city sets 0.52 it is nearer, so it wins over the province
    set_primary_threshold(world.city_user, world.city_office, 0.52)
    in_force = selectors.standards_in_force(office=world.a.office, year=2026, method="quality-2017")
    assert in_force["thresholds"]["primary"] == 0.52 and in_force["source"]["office"] == world.city_office.name
    # when the county sets its own 0.50, that one holds for the county
    set_primary_threshold(world.a.users["office_admin"], world.a.office, 0.50)
    result = selectors.year_analysis(user=fresh(world.a.users["office_admin"]), statistics_year=year,
                                     method="quality-2017")
    assert result["thresholds"]["primary"] == 0.50 and equipment_verdict(result) is False
    assert result["standards_source"]["office"] == world.a.office.name and result["standards_source"]["own"]
    # and the neighbouring county still inherits the city's
    assert selectors.standards_in_force(office=world.b.office, year=2026,
                                        method="quality-2017")["thresholds"]["primary"] == 0.52


def test_office_admin_sets_thresholds_on_the_page_audited(world, client):
    # given county A's administrator on the thresholds page of 2026, 2017 method
    admin = world.a.users["office_admin"]
    signed(client, admin)
    url = reverse("monitoring:standards")
    page = client.get(url, {"office": world.a.office.pk, "year": 2026, "method": "quality-2017"})
    assert page.status_code == 200 and 'data-testid="standards-form"' in page.content.decode()
    # when they save other values (the form comes prefilled with the national ones)
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    data.update({"office": world.a.office.pk, "year": 2026, "method": "quality-2017",
                 "threshold_primary": "0.55", "threshold_junior": "0.47", "floor_percent": "80",
                 "standard_primary_equipment_value": "1800"})
    response = client.post(url, data)
    # then the setting is stored and audited
    assert response.status_code == 302
    item = BalanceStandard.objects.get(office=world.a.office, year=2026, method="quality-2017")
    assert (str(item.threshold_primary), str(item.threshold_junior), str(item.floor_ratio)) == ("0.550", "0.470", "0.800")
    assert item.standards["primary"]["equipment_value"] == 1800 and item.set_by == admin
    event = AuditEvent.objects.get(action="monitoring.balancestandard.set")
    assert event.changes["threshold_primary"] == [None, "0.550"]
    # when they clear it, the national defaults hold again, audited
    assert client.post(url, {"office": world.a.office.pk, "year": 2026, "method": "quality-2017",
                             "clear": "1"}).status_code == 302
    assert not BalanceStandard.objects.exists()
    assert AuditEvent.objects.filter(action="monitoring.balancestandard.clear").count() == 1


@pytest.mark.parametrize("role", ["office_staff", "inspector", "school_liaison"])
def test_non_administrators_cannot_set_thresholds(world, client, role):
    # given a user of county A who is not its office administrator
    user = world.a.users[role]
    signed(client, user)
    url = reverse("monitoring:standards")
    payload = {"office": world.a.office.pk, "year": 2026, "method": "basic-2012",
               "threshold_primary": "0.9", "threshold_junior": "0.9"}
    # then they may read the page but not change it, on the page or through the API
    page = client.get(url, {"office": world.a.office.pk, "year": 2026, "method": "basic-2012"})
    assert page.status_code == 200 and 'data-testid="standards-form"' not in page.content.decode()
    assert client.post(url, payload).status_code == 403
    api = APIClient()
    api.force_authenticate(fresh(user))
    assert api.post("/api/v1/monitoring/standards/", payload, format="json").status_code == 403
    # and nothing changed
    assert not BalanceStandard.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="monitoring.balancestandard").exists()
    # nor may county B's administrator set county A's
    api.force_authenticate(fresh(world.b.users["office_admin"]))
    assert api.post("/api/v1/monitoring/standards/", payload, format="json").status_code == 404
    assert not BalanceStandard.objects.exists()


def test_api_twin_sets_reads_in_force_and_clears(world):
    api = APIClient()
    api.force_authenticate(fresh(world.city_user))
    # a city administrator sets the 2012 composite thresholds for its counties
    created = api.post("/api/v1/monitoring/standards/", {
        "office": world.city_office.pk, "year": 2026, "method": "basic-2012",
        "threshold_primary": "0.600", "threshold_junior": "0.500"}, format="json")
    assert created.status_code == 201, created.content
    # county A's office reads what holds for it: inherited from the city
    county = APIClient()
    county.force_authenticate(fresh(world.a.users["office_staff"]))
    in_force = county.get("/api/v1/monitoring/standards/in-force/",
                          {"office": world.a.office.pk, "year": 2026, "method": "basic-2012"}).json()
    assert in_force["thresholds"] == {"primary": 0.6, "junior": 0.5}
    assert in_force["source"]["office"] == world.city_office.name and in_force["source"]["own"] is False
    # a 2012 setting takes no standard values
    refused = api.post("/api/v1/monitoring/standards/", {
        "office": world.city_office.pk, "year": 2026, "method": "basic-2012", "threshold_primary": "0.6",
        "threshold_junior": "0.5", "floor_ratio": "0.8"}, format="json")
    assert refused.status_code == 400
    # the city clears it: the national defaults hold again
    assert api.delete(f"/api/v1/monitoring/standards/{created.json()['id']}/").status_code == 204
    in_force = county.get("/api/v1/monitoring/standards/in-force/",
                          {"office": world.a.office.pk, "year": 2026, "method": "basic-2012"}).json()
    assert in_force["source"]["national"] is True and in_force["thresholds"] == {"primary": 0.65, "junior": 0.55}


def test_command_applies_the_office_thresholds(world, tmp_path):
    # given the county's workbook and a county setting of 0.55
    from dudao.monitoring.tests.test_analysis import CHINESE_HEADERS, write_csv

    path = write_csv(tmp_path / "county.csv", equipment_records(world), bom=True, headers=CHINESE_HEADERS)
    set_primary_threshold(world.a.users["office_admin"], world.a.office, 0.55)

    def run(*extra):
        out = io.StringIO()
        call_command("balance", "analyze", str(path), "--method", "quality-2017", "--json", *extra, stdout=out)
        return json.loads(out.getvalue())

    # then without an office the national threshold fails the indicator, with it the county's passes
    assert equipment_verdict(run()) is False
    result = run("--office", str(world.a.office.pk), "--year", "2026")
    assert equipment_verdict(result) is True and result["standards_source"]["office"] == world.a.office.name


def test_import_refuses_a_gymnasium_larger_than_the_indoor_sports_rooms(world, client):
    # given a workbook whose second school has a 体育馆 of 600 ㎡ but indoor sports rooms of 500 ㎡
    records = equipment_records(world)
    records[1].update(gym_area_m2=600, indoor_sports_area_m2=500)
    year = StatisticsYear.objects.create(office=world.a.office, year=2026)
    signed(client, world.a.users["office_admin"])
    # when it is imported
    response = upload(client, year, records)
    # then the row and column are named with the reason, and nothing is written
    assert response.status_code == 400
    (error,) = response.context["errors"]
    assert (error.row, error.column.split("(")[0], error.code) == (3, "体育馆面积", "inconsistent")
    assert error.message == "体育馆面积 600㎡ 大于其所属的室内体育用房面积 500㎡"
    assert not SchoolReturn.objects.exists()
    # and indoor sports rooms larger than the gymnasium are a warning: the rest counts in neither indicator
    records[1].update(gym_area_m2=300, indoor_sports_area_m2=500)
    response = upload(client, year, records)
    assert response.status_code == 200 and response.context["errors"] == []
    (warning,) = response.context["warnings"]
    assert (warning.row, warning.code) == (3, "indoor_sports_outside_gym") and "200㎡" in warning.message
