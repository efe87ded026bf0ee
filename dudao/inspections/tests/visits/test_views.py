"""Visit pages: the phone form without JavaScript, its JSON sync twin, the record page, who sees
which record (drafts are private, the school sees the submitted record), and the list (constant
queries)."""

import json
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.core.testing.factories import make_user
from dudao.core.testing.queries import assert_constant_queries
from dudao.inspections.models import Attachment, Visit
from dudao.inspections.selectors.visits import checklist_for_school
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.visit_fixtures import png_bytes, record_visit, upload, user

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root

LESSON = {"class_name": "三(2)班", "subject": "数学", "teacher": "王老师", "topic": "分数", "rating": "good",
          "comments": "互动好"}


def signed_in(client, world, county="a", role="inspector"):
    client.force_login(user(world, county, role))
    return client


def form_post(world, client_uuid, **extra):
    school = world.a.schools[0]
    version = checklist_for_school(school=school)
    data = {
        "client_uuid": str(client_uuid), "school": str(school.pk), "date": timezone.localdate().isoformat(),
        "kind": "routine", "methods": ["campus_walk", "lesson"], "purpose": "例行督导",
        "highlights": "大课间活动丰富", "highlight_recommended": "on", "problems": "", "feedback": "当场反馈",
        f"a-{version.pk}-1": "正常", f"n-{version.pk}-1": "制度健全",
        f"a-{version.pk}-6": "存在问题", f"n-{version.pk}-6": "校门口拥堵",
        **{f"lesson-0-{k}": v for k, v in LESSON.items()},
        "action": "save",
    }
    data.update(extra)
    return data


def other_zone_inspector(world):
    """An inspector of county A listed only at school 2 (zone 2)."""
    account = make_user("a_inspector_2", "inspector", office=world.a.office)
    world.a.inspectors[1].user = account
    world.a.inspectors[1].save(update_fields=["user"])
    return account


# ---- the form -----------------------------------------------------------------------------------

def test_new_visit_form_is_built_for_a_phone(world, client):
    # given the inspector
    signed_in(client, world)

    # when they open the new-visit form
    response = client.get(reverse("inspections:visit_add"))
    html = response.content.decode()

    # then it offers only their schools, big controls, the checklist with 正常/存在问题, the camera
    assert response.status_code == 200
    options = re.findall(r'<option value="(\d+)"', html.split('name="school"')[1].split("</select>")[0])
    assert sorted(map(int, options)) == sorted([world.a.schools[0].pk, world.a.schools[2].pk])
    assert "form-select-lg" in html and "btn-lg" in html and "form-control-lg" in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert html.count('data-testid="item-') == 9  # the 8 national items and 其他情况
    assert "校园及周边安全情况，学生交通安全情况。" in html
    assert "正常" in html and "存在问题" in html
    assert 'name="client_uuid"' in html
    # no inline script: only JSON data and the page's own file
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, re.S)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _body in scripts)
    assert "dudao/visit-form.js" in html


@pytest.mark.parametrize("role", ["office_admin", "school_liaison"])
def test_users_who_do_not_record_visits_get_no_form(world, client, role):
    signed_in(client, world, role=role)
    assert client.get(reverse("inspections:visit_add")).status_code == 403


def test_form_without_javascript_saves_a_draft_with_answers_lessons_and_photos(world, client):
    # given the form filled in as a browser without JavaScript posts it
    signed_in(client, world)
    client_uuid = uuid.uuid4()
    data = form_post(world, client_uuid, photos=[upload("校门.png", png_bytes(), "image/png")])

    # when it is posted with "save draft"
    response = client.post(reverse("inspections:visit_add"), data)

    # then one draft holds everything, and the browser goes to its edit page
    visit = Visit.objects.get(client_uuid=client_uuid)
    assert response.status_code == 302 and response["Location"] == reverse("inspections:visit_edit", args=[visit.pk])
    assert visit.status == "draft" and visit.methods == ["campus_walk", "lesson"] and visit.highlight_recommended
    assert {a.item.code: (a.value, a.note) for a in visit.response.answers.select_related("item")} == {
        "1": ("正常", "制度健全"), "6": ("存在问题", "校门口拥堵")}
    assert list(visit.lessons.values_list("teacher", "rating")) == [("王老师", "good")]
    assert list(visit.attachments.values_list("original_name", flat=True)) == ["校门.png"]


def test_posting_the_form_twice_keeps_one_visit(world, client):
    signed_in(client, world)
    client_uuid = uuid.uuid4()
    client.post(reverse("inspections:visit_add"), form_post(world, client_uuid, purpose="第一次"))
    client.post(reverse("inspections:visit_add"), form_post(world, client_uuid, purpose="第二次"))
    assert list(Visit.objects.values_list("purpose", flat=True)) == ["第二次"]


def test_form_submit_files_the_record(world, client):
    signed_in(client, world)
    client_uuid = uuid.uuid4()

    response = client.post(reverse("inspections:visit_add"), form_post(world, client_uuid, action="submit"))

    visit = Visit.objects.get(client_uuid=client_uuid)
    assert visit.status == "submitted"
    assert response["Location"] == visit.get_absolute_url()


def test_a_refused_photo_saves_nothing_and_says_why(world, client):
    # given the form with a program disguised as a photo
    signed_in(client, world)
    client_uuid = uuid.uuid4()
    data = form_post(world, client_uuid, photos=[upload("photo.jpg", b"MZ" + b"\0" * 300, "image/jpeg")])

    # when posted
    response = client.post(reverse("inspections:visit_add"), data)

    # then the form comes back with the reason and nothing was written
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert not Visit.objects.exists() and not Attachment.objects.exists()


def test_form_errors_come_back_with_what_was_typed(world, client):
    signed_in(client, world)
    data = form_post(world, uuid.uuid4(), date="", problems="厕所卫生差")

    response = client.post(reverse("inspections:visit_add"), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "厕所卫生差" in html and "王老师" in html and "校门口拥堵" in html


def test_edit_page_of_a_submitted_visit_is_a_conflict(world, client):
    visit = record_visit(user(world, "a", "inspector"), world.a.schools[0], submit=True)
    signed_in(client, world)
    assert client.get(reverse("inspections:visit_edit", args=[visit.pk])).status_code == 409


def test_edit_page_shows_the_drafts_answers(world, client):
    visit = record_visit(user(world, "a", "inspector"), world.a.schools[0],
                         answers={"3": {"value": "存在问题", "note": "体育课被占"}}, lessons=[LESSON])
    signed_in(client, world)

    html = client.get(reverse("inspections:visit_edit", args=[visit.pk])).content.decode()

    assert "体育课被占" in html and 'value="存在问题" autocomplete="off" checked' in html
    assert str(visit.client_uuid) in html and "王老师" in html


# ---- the JSON sync ----------------------------------------------------------------------------------

def sync(client, body):
    return client.post(reverse("inspections:visit_sync"), data=json.dumps(body), content_type="application/json")


def sync_body(world, client_uuid, **extra):
    body = {
        "client_uuid": str(client_uuid), "school": world.a.schools[0].pk, "date": timezone.localdate().isoformat(),
        "kind": "routine", "methods": ["records"], "purpose": "查阅资料", "highlights": "", "highlight_recommended": False,
        "problems": "", "feedback": "", "answers": {"1": {"value": "正常", "note": ""}}, "lessons": [LESSON],
    }
    body.update(extra)
    return body


def test_sync_twice_creates_one_visit(world, client):
    # given the device's draft
    signed_in(client, world)
    client_uuid = uuid.uuid4()

    # when it syncs, then syncs again with more text
    first = sync(client, sync_body(world, client_uuid))
    second = sync(client, sync_body(world, client_uuid, problems="作业批改不及时"))

    # then 201 then 200 with the same id, and the later text is kept
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Visit.objects.count() == 1 and Visit.objects.get().problems == "作业批改不及时"


def test_sync_with_submit_files_the_record_and_a_retry_answers_conflict(world, client):
    signed_in(client, world)
    client_uuid = uuid.uuid4()

    done = sync(client, sync_body(world, client_uuid, submit=True))
    again = sync(client, sync_body(world, client_uuid, submit=True))

    assert done.status_code == 201 and done.json()["status"] == "submitted"
    assert again.status_code == 409 and again.json()["url"] == Visit.objects.get().get_absolute_url()


def test_sync_reports_errors_as_json(world, client):
    signed_in(client, world)
    response = sync(client, sync_body(world, uuid.uuid4(), answers={"1": {"value": "maybe"}}))
    assert response.status_code == 400 and "answers" in response.json()["errors"]
    assert sync(client, sync_body(world, uuid.uuid4(), school=None)).status_code == 400
    bad = client.post(reverse("inspections:visit_sync"), data="{not json", content_type="application/json")
    assert bad.status_code == 400
    assert not Visit.objects.exists()


def test_sync_of_another_users_client_uuid_is_not_found(world, client):
    draft = record_visit(user(world, "a", "inspector"), world.a.schools[0])
    signed_in(client, world, role="zone_leader")
    assert sync(client, sync_body(world, draft.client_uuid)).status_code == 404


def test_sync_needs_the_capability(world, client):
    signed_in(client, world, role="school_liaison")
    assert sync(client, sync_body(world, uuid.uuid4())).status_code == 403


# ---- who sees which record ------------------------------------------------------------------------

def test_liaison_sees_the_submitted_record_of_their_school(world, client):
    # given a submitted visit at the liaison's school
    visit = record_visit(user(world, "a", "inspector"), world.a.schools[0], submit=True, feedback="请整改食堂台账",
                         answers={"7": {"value": "存在问题", "note": "留样不足"}}, lessons=[LESSON])
    signed_in(client, world, role="school_liaison")

    # when the liaison opens it
    response = client.get(reverse("inspections:visit_detail", args=[visit.pk]))
    html = response.content.decode()

    # then they read the feedback, the checklist in order with notes, and the lesson
    assert response.status_code == 200
    assert "请整改食堂台账" in html and "留样不足" in html and "王老师" in html
    positions = [html.index(text) for text in ("校务管理和制度执行情况。", "招生、收费、择校情况。", "校风、教风、学风建设情况。")]
    assert positions == sorted(positions)
    # and nothing offers them to change it
    assert reverse("inspections:visit_edit", args=[visit.pk]) not in html


def test_liaison_does_not_see_a_draft_of_their_school(world, client):
    draft = record_visit(user(world, "a", "inspector"), world.a.schools[0], purpose="未提交的草稿")
    signed_in(client, world, role="school_liaison")

    assert client.get(reverse("inspections:visit_detail", args=[draft.pk])).status_code == 404
    assert "未提交的草稿" not in client.get(reverse("inspections:visit_list")).content.decode()


def test_principal_of_another_school_does_not_see_the_record(world, client):
    visit = record_visit(user(world, "a", "inspector"), world.a.schools[0], submit=True, purpose="一校的记录")
    signed_in(client, world, role="principal")  # principal of school 2

    assert client.get(reverse("inspections:visit_detail", args=[visit.pk])).status_code == 404
    assert "一校的记录" not in client.get(reverse("inspections:visit_list")).content.decode()


def test_inspector_of_another_zone_gets_404_on_the_record_and_its_photo(world, client):
    # given a submitted visit with a photo at school 1 (zone 1)
    from dudao.inspections.services.visits import visit_attachment_add, visit_submit

    inspector = user(world, "a", "inspector")
    visit = record_visit(inspector, world.a.schools[0])
    photo, _ = visit_attachment_add(actor=inspector, visit_id=visit.pk, uploaded_file=upload("p.png", png_bytes()))
    visit_submit(actor=inspector, visit_id=visit.pk)
    # and an inspector listed only at school 2 (zone 2)
    client.force_login(other_zone_inspector(world))

    # then the record, its API twin and its photo are not found
    assert client.get(reverse("inspections:visit_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("api:inspections-visit-detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("inspections:attachment_download", args=[photo.pk])).status_code == 404
    # while the office sees all three
    signed_in(client, world, role="office_staff")
    assert client.get(reverse("inspections:visit_detail", args=[visit.pk])).status_code == 200
    assert client.get(reverse("inspections:attachment_download", args=[photo.pk])).status_code == 200


def test_office_sees_submitted_visits_but_not_drafts(world, client):
    inspector = user(world, "a", "inspector")
    record_visit(inspector, world.a.schools[0], submit=True, purpose="已提交记录")
    record_visit(inspector, world.a.schools[2], purpose="草稿记录")
    signed_in(client, world, role="office_admin")

    html = client.get(reverse("inspections:visit_list")).content.decode()

    assert "已提交记录" in html and "草稿记录" not in html


def test_author_sees_their_drafts_in_the_list(world, client):
    record_visit(user(world, "a", "inspector"), world.a.schools[2], purpose="我的草稿")
    signed_in(client, world)
    assert "我的草稿" in client.get(reverse("inspections:visit_list")).content.decode()


# ---- record page actions ------------------------------------------------------------------------

def test_submit_from_the_record_page(world, client):
    visit = record_visit(user(world, "a", "inspector"), world.a.schools[0])
    signed_in(client, world)

    response = client.post(reverse("inspections:visit_transition", args=[visit.pk, "submit"]))

    assert response.status_code == 302
    assert Visit.objects.get(pk=visit.pk).status == "submitted"
    assert client.post(reverse("inspections:visit_transition", args=[visit.pk, "submit"])).status_code == 409


def test_incomplete_draft_goes_back_to_the_form_with_the_reason(world, client):
    visit = record_visit(user(world, "a", "inspector"), world.a.schools[0], methods=[])
    signed_in(client, world)

    response = client.post(reverse("inspections:visit_transition", args=[visit.pk, "submit"]), follow=True)

    assert response.redirect_chain[0][0] == reverse("inspections:visit_edit", args=[visit.pk])
    assert Visit.objects.get(pk=visit.pk).status == "draft"


def test_record_page_links_to_recording_a_finding_when_that_page_exists(world, client):
    from django.urls import NoReverseMatch

    visit = record_visit(user(world, "a", "inspector"), world.a.schools[0], submit=True)
    signed_in(client, world)
    html = client.get(reverse("inspections:visit_detail", args=[visit.pk])).content.decode()
    try:
        url = reverse("inspections:finding_add") + f"?visit={visit.pk}"
    except NoReverseMatch:
        assert 'data-testid="finding-add"' not in html
    else:
        assert url in html


# ---- list, export and filters ------------------------------------------------------------------------

def test_list_filters_by_month_status_and_zone(world, client):
    inspector = user(world, "a", "inspector")
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=5)
    record_visit(inspector, world.a.schools[0], submit=True, purpose="本月一校")
    record_visit(inspector, world.a.schools[2], submit=True, purpose="上月三校", date=last_month)
    signed_in(client, world, role="office_admin")
    url = reverse("inspections:visit_list")

    this_month = client.get(url, {"month": today.strftime("%Y-%m")}).content.decode()
    zone_two = client.get(url, {"zone": world.a.zones[1].pk}).content.decode()

    assert "本月一校" in this_month and "上月三校" not in this_month
    assert "本月一校" not in zone_two and "上月三校" not in zone_two  # schools 1 and 3 are in zone 1
    zone_one = client.get(url, {"zone": world.a.zones[0].pk}).content.decode()
    assert "本月一校" in zone_one and "上月三校" in zone_one


def test_export_holds_the_rows_of_the_list(world, client):
    from dudao.core.testing.xlsx import sheet_text

    record_visit(user(world, "a", "inspector"), world.a.schools[0], submit=True, purpose="导出检查",
                 lessons=[LESSON, {**LESSON, "class_name": "五(1)班"}])
    signed_in(client, world, role="office_admin")

    response = client.get(reverse("inspections:visit_list") + "?export=xlsx")

    text = sheet_text(response.content)
    assert response.status_code == 200 and "导出检查" in text and world.a.schools[0].name in text


def test_service_worker_is_served_with_the_form_scope(world, client):
    signed_in(client, world)
    response = client.get(reverse("inspections:visit_service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == reverse("inspections:visit_list")
    assert reverse("inspections:visit_add") in response.content.decode()


def test_visit_list_page_runs_constant_queries(world, client):
    inspector = user(world, "a", "inspector")
    client.force_login(user(world, "a", "office_admin"))

    def grow(k):
        for _ in range(k):
            record_visit(inspector, world.a.schools[2], submit=True, lessons=[LESSON])

    def fetch():
        assert client.get(reverse("inspections:visit_list")).status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=22)
