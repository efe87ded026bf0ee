"""Proof of presence on a visit (入校签到): the haversine distance, the status under the office's
radius, the check-in saved with the draft through the form, the device sync and the API (audited),
shown on the record in Chinese and English, and seen by no one outside the visit's scope."""

import datetime
import math
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from dudao.audit.models import AuditEvent
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.queries import assert_constant_queries
from dudao.inspections.checkin import EARTH_RADIUS_M, checkin_result, haversine_m
from dudao.inspections.models import Visit
from dudao.inspections.services.visits import visit_save_draft, visit_submit
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.visit_fixtures import user, visit_data
from dudao.organizations.models import Office, School

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root

SCHOOL_LAT, SCHOOL_LON = Decimal("28.682892"), Decimal("115.858198")
METRES_PER_DEGREE = 2 * math.pi * EARTH_RADIUS_M / 360  # along a meridian, on the mean sphere


def north_of_school(metres: float) -> Decimal:
    return (SCHOOL_LAT + Decimal(metres / METRES_PER_DEGREE)).quantize(Decimal("0.000001"))


@pytest.fixture
def school(world):
    school = world.a.schools[0]
    School.objects.filter(pk=school.pk).update(latitude=SCHOOL_LAT, longitude=SCHOOL_LON)
    school.refresh_from_db()
    return school


def save(actor, school, checkin, client_uuid=None):
    visit, _created = visit_save_draft(actor=actor, client_uuid=client_uuid or uuid.uuid4(), school_id=school.pk,
                                       data=visit_data(), answers={}, lessons=[], checkin=checkin)
    return visit


# ---- the formula ---------------------------------------------------------------------------------

def test_haversine_matches_known_distances():
    # Nashville (BNA) to Los Angeles (LAX), the common worked example of the haversine formula
    # (Rosetta Code, "Haversine formula"): 2887.2599506 km on a sphere of 6372.8 km, so scaled to
    # the mean radius the function uses
    expected = 2_887_259.9506 * EARTH_RADIUS_M / 6_372_800
    assert haversine_m(36.12, -86.67, 33.94, -118.40) == pytest.approx(expected, abs=2)
    # a thousandth of a degree along a meridian is 2πR/360 000 ≈ 111.195 m
    assert haversine_m(28.0, 115.0, 28.001, 115.0) == pytest.approx(111.195, abs=0.01)
    assert haversine_m(SCHOOL_LAT, SCHOOL_LON, SCHOOL_LAT, SCHOOL_LON) == 0


@pytest.mark.parametrize(("metres", "radius", "status"), [
    (85, 500, "within"), (500, 500, "within"), (520, 500, "too_far"), (85, 50, "too_far"),
])
def test_status_under_the_radius(metres, radius, status):
    result, distance = checkin_result(latitude=north_of_school(metres), longitude=SCHOOL_LON,
                                      school_latitude=SCHOOL_LAT, school_longitude=SCHOOL_LON, radius_m=radius)
    assert (result, distance) == (status, metres)


def test_status_without_a_location_or_school_coordinates():
    assert checkin_result(latitude=None, longitude=None, school_latitude=SCHOOL_LAT, school_longitude=SCHOOL_LON,
                          radius_m=500) == ("no_location", None)
    assert checkin_result(latitude=SCHOOL_LAT, longitude=SCHOOL_LON, school_latitude=None, school_longitude=None,
                          radius_m=500) == ("no_school_point", None)


# ---- the service -----------------------------------------------------------------------------------

def test_checkin_near_the_school_is_valid_and_audited(world, school):
    actor = user(world, "a", "inspector")
    taken = timezone.now() - datetime.timedelta(minutes=3)
    visit = save(actor, school, {"latitude": north_of_school(85), "longitude": SCHOOL_LON, "accuracy_m": 12.4,
                                 "taken_at": taken.isoformat(), "reason": ""})
    visit.refresh_from_db()
    assert (visit.checkin_status, visit.checkin_distance_m, visit.checkin_radius_m) == ("within", 85, 500)
    assert visit.checkin_valid and visit.checkin_accuracy_m == 12 and visit.checkin_at == taken
    event = AuditEvent.objects.filter(action="inspections.visit.create", target_id=str(visit.pk)).get()
    assert event.changes["checkin_status"] == [None, "within"]
    assert event.changes["checkin_distance_m"] == [None, 85]


def test_office_radius_decides_and_the_reason_is_kept(world, school):
    Office.objects.filter(pk=world.a.office.pk).update(checkin_radius_m=50)
    visit = save(user(world, "a", "inspector"), school,
                 {"latitude": north_of_school(85), "longitude": SCHOOL_LON, "reason": "在学校东门外停车场签到"})
    visit.refresh_from_db()
    assert (visit.checkin_status, visit.checkin_distance_m, visit.checkin_radius_m) == ("too_far", 85, 50)
    assert visit.checkin_reason == "在学校东门外停车场签到" and not visit.checkin_valid
    assert visit.checkin_at is not None  # a position without a time is taken as now


def test_no_location_and_no_school_coordinates(world, school):
    actor = user(world, "a", "inspector")
    refused = save(actor, school, {"taken_at": timezone.now().isoformat(), "reason": "手机定位权限被拒绝"})
    assert (refused.checkin_status, refused.checkin_distance_m) == ("no_location", None)
    bare = world.a.schools[2]  # listed to the same inspector, no coordinates
    visit = save(actor, bare, {"latitude": SCHOOL_LAT, "longitude": SCHOOL_LON})
    assert (visit.checkin_status, visit.checkin_distance_m) == ("no_school_point", None)


def test_unchanged_checkin_keeps_its_distance_when_the_school_moves_later(world, school):
    actor = user(world, "a", "inspector")
    checkin = {"latitude": north_of_school(85), "longitude": SCHOOL_LON, "taken_at": timezone.now().isoformat()}
    visit = save(actor, school, checkin)
    # the office corrects the school's coordinates afterwards; the draft is saved again as it was
    School.objects.filter(pk=school.pk).update(latitude=SCHOOL_LAT + 1)
    again = save(actor, school, {**checkin, "reason": "补充说明"}, client_uuid=visit.client_uuid)
    assert (again.checkin_status, again.checkin_distance_m, again.checkin_reason) == ("within", 85, "补充说明")


@pytest.mark.parametrize("checkin", [
    {"latitude": 28.6},  # longitude missing
    {"latitude": 95, "longitude": 115},
    {"latitude": "north", "longitude": 115},
    {"latitude": 28.6, "longitude": 115.8, "taken_at": "yesterday"},
    {"latitude": 28.6, "longitude": 115.8, "accuracy_m": -3},
])
def test_bad_checkins_are_refused(world, school, checkin):
    with pytest.raises(Exception) as caught:
        save(user(world, "a", "inspector"), school, checkin)
    assert "checkin" in caught.value.message_dict
    assert not Visit.objects.exists()


def test_checkin_in_the_future_is_refused(world, school):
    later = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    with pytest.raises(Exception) as caught:
        save(user(world, "a", "inspector"), school, {"latitude": SCHOOL_LAT, "longitude": SCHOOL_LON, "taken_at": later})
    assert "checkin" in caught.value.message_dict


# ---- the form, the sync, the record ---------------------------------------------------------------

def form_post(world, school, **extra):
    data = {"client_uuid": str(uuid.uuid4()), "school": school.pk, "date": timezone.localdate().isoformat(),
            "kind": "routine", "methods": ["campus_walk"], "action": "save"}
    data.update(extra)
    return data


def test_form_stores_the_checkin_and_the_record_shows_it_in_both_languages(world, school, client):
    client.force_login(user(world, "a", "inspector"))
    page = client.get(reverse("inspections:visit_add"))
    assert b'data-testid="checkin-consent"' in page.content
    assert page.context["form_config"]["checkinPoints"][str(school.pk)] == {
        "lat": float(SCHOOL_LAT), "lon": float(SCHOOL_LON), "radius": 500}
    data = form_post(world, school, checkin_latitude=str(north_of_school(85)), checkin_longitude=str(SCHOOL_LON),
                     checkin_accuracy_m="15", checkin_taken_at=timezone.now().isoformat())
    assert client.post(reverse("inspections:visit_add"), data).status_code == 302
    visit = Visit.objects.get(client_uuid=data["client_uuid"])
    assert (visit.checkin_status, visit.checkin_distance_m) == ("within", 85)

    # the draft's form carries the check-in back, so saving again keeps it
    edit = client.get(reverse("inspections:visit_edit", args=[visit.pk]))
    assert edit.context["form"].initial["checkin_latitude"] == str(visit.checkin_latitude)

    zh = client.get(visit.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "签到 距学校 85 米" in text_by_testid(zh.content.decode(), "checkin")
    with translation.override("en"):
        en = client.get(visit.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Checked in 85 m from the school" in text_by_testid(en.content.decode(), "checkin")


def test_form_without_location_shows_the_warning_and_the_reason(world, school, client):
    client.force_login(user(world, "a", "inspector"))
    data = form_post(world, school, checkin_taken_at=timezone.now().isoformat(),
                     checkin_reason="<b>室内</b>无信号")
    assert client.post(reverse("inspections:visit_add"), data).status_code == 302
    visit = Visit.objects.get(client_uuid=data["client_uuid"])
    html = client.get(visit.get_absolute_url()).content.decode()
    assert "未提供签到位置" in text_by_testid(html, "checkin")
    assert "&lt;b&gt;室内&lt;/b&gt;无信号" in html  # the inspector's text is data


def test_device_sync_carries_the_checkin(world, school, client):
    client.force_login(user(world, "a", "inspector"))
    payload = {"client_uuid": str(uuid.uuid4()), "school": school.pk, "date": timezone.localdate().isoformat(),
               "kind": "routine", "methods": ["campus_walk"], "answers": {}, "lessons": [],
               "checkin_latitude": str(north_of_school(600)), "checkin_longitude": str(SCHOOL_LON),
               "checkin_accuracy_m": "30", "checkin_taken_at": timezone.now().isoformat(),
               "checkin_reason": "在分校区"}
    answer = client.post(reverse("inspections:visit_sync"), payload, content_type="application/json")
    assert answer.status_code == 201, answer.content
    visit = Visit.objects.get(pk=answer.json()["id"])
    assert (visit.checkin_status, visit.checkin_distance_m, visit.checkin_reason) == ("too_far", 600, "在分校区")


# ---- the API ---------------------------------------------------------------------------------------

def api(world, county="a", role="inspector"):
    client = APIClient()
    client.force_authenticate(user(world, county, role))
    return client


def test_api_writes_the_checkin_on_a_draft_and_reads_it_back(world, school):
    client = api(world)
    body = {"client_uuid": str(uuid.uuid4()), "school": school.pk, "date": timezone.localdate().isoformat(),
            "kind": "routine", "methods": ["campus_walk"],
            "checkin": {"latitude": float(north_of_school(85)), "longitude": float(SCHOOL_LON), "accuracy_m": 9,
                        "taken_at": timezone.now().isoformat()}}
    created = client.post(reverse("api:inspections-visit-list"), body, format="json")
    assert created.status_code == 201, created.content
    checkin = created.data["checkin"]
    assert (checkin["status"], checkin["distance_m"], checkin["radius_m"], checkin["valid"]) == ("within", 85, 500, True)
    pk = created.data["id"]
    patched = client.patch(reverse("api:inspections-visit-detail", args=[pk]),
                           {"checkin": {"reason": "定位失败", "taken_at": timezone.now().isoformat()}}, format="json")
    assert patched.status_code == 200, patched.content
    assert (patched.data["checkin"]["status"], patched.data["checkin"]["reason"]) == ("no_location", "定位失败")
    bad = client.patch(reverse("api:inspections-visit-detail", args=[pk]), {"checkin": {"latitude": 100}},
                       format="json")
    assert bad.status_code == 400


def test_another_countys_inspector_cannot_see_the_checkin(world, school, client):
    visit = save(user(world, "a", "inspector"), school, {"latitude": SCHOOL_LAT, "longitude": SCHOOL_LON})
    outsider = api(world, "b", "inspector")
    assert outsider.get(reverse("api:inspections-visit-detail", args=[visit.pk])).status_code == 404
    assert all(v["id"] != visit.pk for v in outsider.get(reverse("api:inspections-visit-list")).data["results"])
    client.force_login(user(world, "b", "office_admin"))
    assert client.get(visit.get_absolute_url()).status_code == 404


# ---- visits without a valid check-in: the list filter and the coverage --------------------------

def submitted(actor, school, checkin):
    visit = save(actor, school, checkin)
    return visit_submit(actor=actor, visit_id=visit.pk)


@pytest.fixture
def mixed(world, school):
    """Three submitted visits of county A this month: one at the school, one too far, one without a location."""
    actor = user(world, "a", "inspector")
    near = submitted(actor, school, {"latitude": north_of_school(85), "longitude": SCHOOL_LON})
    far = submitted(actor, school, {"latitude": north_of_school(900), "longitude": SCHOOL_LON, "reason": "分校区"})
    none = submitted(actor, world.a.schools[2], {"reason": "无信号"})
    return near, far, none


def test_list_and_api_filter_visits_without_a_valid_checkin(world, mixed, client):
    near, far, none = mixed
    client.force_login(user(world, "a", "office_admin"))
    page = client.get(reverse("inspections:visit_list") + "?checkin=invalid")
    assert {v.pk for v in page.context["page_obj"].object_list} == {far.pk, none.pk}
    assert {v.pk for v in client.get(reverse("inspections:visit_list") + "?checkin=valid").context["page_obj"].object_list} == {near.pk}
    html = client.get(reverse("inspections:visit_list")).content.decode()
    assert "签到 距学校 85 米" in html and "距学校 900 米（超出 500 米）" in html
    answer = api(world, "a", "office_admin").get(reverse("api:inspections-visit-list") + "?checkin=invalid")
    assert {v["id"] for v in answer.data["results"]} == {far.pk, none.pk}


def test_coverage_counts_and_links_the_visits_without_a_valid_checkin(world, mixed, client):
    client.force_login(user(world, "a", "office_admin"))
    page = client.get(reverse("inspections:coverage"))
    assert page.context["coverage"].unchecked_count == 2
    rows = {r.school_id: r.month_unchecked for r in page.context["coverage"].rows}
    assert (rows[world.a.schools[0].pk], rows[world.a.schools[2].pk], rows[world.a.schools[1].pk]) == (1, 1, 0)
    html = page.content.decode()
    assert "checkin=invalid" in html and "2 条无有效签到" in text_by_testid(html, "coverage-unchecked")


def test_checkin_filter_keeps_the_list_constant_in_queries(world, school, client):
    actor = user(world, "a", "inspector")
    client.force_login(user(world, "a", "office_admin"))

    def grow(k):
        for i in range(k):
            submitted(actor, school, {"latitude": north_of_school(600 + i), "longitude": SCHOOL_LON})

    def fetch():
        assert client.get(reverse("inspections:visit_list") + "?checkin=invalid").status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=30)
