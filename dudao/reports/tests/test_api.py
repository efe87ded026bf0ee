"""The whole monthly loop through the API alone, as another program would drive it: a visit with
a lesson and a problem, a finding, a notice, the school's answer, a return, a second answer, the
close — then the school's timeline holds all of it in order, and another zone sees none of it."""

import io
import uuid

import pytest
from PIL import Image
from rest_framework.test import APIClient

from dudao.core.testing.world import build_world
from dudao.reports.timeline import school_timeline

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _png() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (24, 24), (200, 60, 40)).save(buf, format="PNG")
    buf.seek(0)
    buf.name = "整改照片.png"
    return buf


def test_the_loop_through_the_api_and_the_timeline():
    # given county A's inspector listed at school 0 and the school's liaison
    world = build_world()
    school = world.a.schools[0]
    inspector = _api(world.a.users["inspector"])
    liaison = _api(world.a.users["school_liaison"])
    client_uuid = str(uuid.uuid4())

    # when the inspector records and submits a visit (syncing twice makes one visit)
    payload = {"client_uuid": client_uuid, "school": school.pk, "date": "2026-10-12", "methods": ["campus_walk", "lesson"],
               "problems": "食堂留样记录不全", "answers": [{"item": "7", "value": "存在问题", "note": "留样记录缺3天"}],
               "lessons": [{"class_name": "四(2)班", "subject": "数学", "teacher": "王老师", "topic": "分数的意义",
                            "rating": "good", "comments": "互动充分"}]}
    first = inspector.post("/api/v1/inspections/visits/", payload, format="json")
    again = inspector.post("/api/v1/inspections/visits/", payload, format="json")
    assert first.status_code == 201, first.content
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    visit_id = first.json()["id"]
    assert inspector.post(f"/api/v1/inspections/visits/{visit_id}/submit/").status_code == 200
    assert inspector.post(f"/api/v1/inspections/visits/{visit_id}/submit/").status_code == 409

    # a finding on the visit becomes a notice
    finding = inspector.post("/api/v1/inspections/findings/", {"visit": visit_id, "item_code": "7", "severity": "general",
                                                                "description": "食堂留样记录不全"}, format="multipart")
    assert finding.status_code == 201, finding.content
    notice = inspector.post("/api/v1/inspections/rectifications/", {
        "finding": finding.json()["id"], "requirements": "补齐留样记录并指定专人负责", "issued_on": "2026-10-12"},
        format="json")
    assert notice.status_code == 201, notice.content
    notice_id = notice.json()["id"]
    # the inspector may not answer for the school
    assert inspector.post(f"/api/v1/inspections/rectifications/{notice_id}/submit/",
                          {"measures": "x"}, format="multipart").status_code == 403

    # the school answers with a photo, the inspector returns it, the school answers again, it is closed
    answer = liaison.post(f"/api/v1/inspections/rectifications/{notice_id}/submit/",
                          {"measures": "已补齐留样记录", "files": [_png()]}, format="multipart")
    assert answer.status_code == 200, answer.content
    # the school may not re-check its own answer
    assert liaison.post(f"/api/v1/inspections/rectifications/{notice_id}/close/", {}, format="json").status_code == 403
    returned = inspector.post(f"/api/v1/inspections/rectifications/{notice_id}/return/",
                              {"result": "partial", "remarks": "留样柜温度记录仍缺"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert inspector.post(f"/api/v1/inspections/rectifications/{notice_id}/close/", {}, format="json").status_code == 409
    assert liaison.post(f"/api/v1/inspections/rectifications/{notice_id}/submit/",
                        {"measures": "已补齐温度记录"}, format="multipart").status_code == 200
    closed = inspector.post(f"/api/v1/inspections/rectifications/{notice_id}/close/", {"remarks": "复查合格"},
                            format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"

    # then the school's timeline holds the loop, the newest first
    kinds = [e.kind for e in school_timeline(user=world.a.users["office_admin"], school_id=school.pk)]
    assert [k for k in kinds if k != "plan"] == [
        "recheck", "answer", "recheck", "answer", "notice", "finding", "lesson", "visit"]
    # and county B's office sees none of it
    other = _api(world.b.users["office_admin"])
    assert other.get(f"/api/v1/inspections/visits/{visit_id}/").status_code == 404
    assert other.get(f"/api/v1/inspections/rectifications/{notice_id}/").status_code == 404
    other.force_login(world.b.users["office_admin"])
    assert other.get(f"/schools/{school.pk}/timeline/").status_code == 404


# ---- the school at a glance (学校画像) ----------------------------------------------------------

def test_an_office_reads_a_schools_portrait_and_compares_schools_through_the_api():
    import time_machine

    from dudao.reports.tests.portrait_fixtures import EXPECTED, TODAY, record_school

    with time_machine.travel(TODAY, tick=False):
        world = build_world()
        school = record_school(world)
        office = _api(world.a.users["office_admin"])
        answer = office.get(f"/api/v1/reports/schools/{school.pk}/portrait/")
        assert answer.status_code == 200, answer.content
        data = answer.json()
        assert data["school"]["id"] == school.pk
        assert [t["visits"] for t in data["terms"]] == EXPECTED["term_visits"]
        assert data["notices"] == EXPECTED["notices"]
        assert data["complaints"]["satisfaction"] == EXPECTED["complaints"]["satisfaction"]
        [stage] = data["balance"]["stages"]
        assert {i["key"]: i["status"] for i in stage["indicators"]} == EXPECTED["statuses"]
        assert data["links"]["notices"] == f"/inspections/rectifications/?school={school.pk}"
        assert [n["overdue"] for n in data["open_notices"]] == [True, False]

        other = world.a.schools[1]
        both = office.get(f"/api/v1/reports/schools/compare/?schools={school.pk},{other.pk}")
        assert both.status_code == 200, both.content
        assert [s["school"]["id"] for s in both.json()["schools"]] == [school.pk, other.pk]
        assert both.json()["schools"][1]["balance"] is None


def test_the_portrait_api_refuses_a_sixth_school_and_hides_other_counties():
    world = build_world()
    office = _api(world.a.users["office_admin"])
    six = ",".join(str(s.pk) for s in [*world.a.schools, *world.b.schools[:2]])
    refused = office.get(f"/api/v1/reports/schools/compare/?schools={six}")
    assert refused.status_code == 400 and "5" in str(refused.json())
    assert office.get("/api/v1/reports/schools/compare/?schools=abc").status_code == 400
    assert office.get("/api/v1/reports/schools/compare/").status_code == 400
    assert office.get(f"/api/v1/reports/schools/compare/?schools={world.b.schools[0].pk}").status_code == 404
    assert office.get(f"/api/v1/reports/schools/{world.b.schools[0].pk}/portrait/").status_code == 404
    assert office.get("/api/v1/reports/schools/99999999999999999/portrait/").status_code == 404
    # a school's liaison reads their own school only, and compares nothing
    liaison = _api(world.a.users["school_liaison"])
    assert liaison.get(f"/api/v1/reports/schools/{world.a.schools[0].pk}/portrait/").json()["complaints"] is None
    assert liaison.get(f"/api/v1/reports/schools/{world.a.schools[1].pk}/portrait/").status_code == 404
    assert liaison.get(f"/api/v1/reports/schools/compare/?schools={world.a.schools[0].pk}").status_code == 403
