"""The visit API: idempotent create by client_uuid, draft updates, submit (409 twice), uploads,
read-only lessons and attachments, the same visibility as the pages, constant query counts of the list."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dudao.core.testing.queries import assert_constant_queries
from dudao.inspections.models import Visit
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.visit_fixtures import png_bytes, record_visit, upload, user

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root

LESSON = {"class_name": "初二(3)班", "subject": "物理", "teacher": "陈老师", "topic": "浮力", "rating": "excellent",
          "comments": "实验充分"}


def api(world, county="a", role="inspector"):
    client = APIClient()
    client.force_authenticate(user(world, county, role))
    return client


def body(world, client_uuid, **extra):
    data = {
        "client_uuid": str(client_uuid), "school": world.a.schools[0].pk, "date": timezone.localdate().isoformat(),
        "kind": "routine", "methods": ["lesson", "talks"], "purpose": "推门听课",
        "answers": [{"item": "3", "value": "正常", "note": "课程开齐"}, {"item": "9", "value": "无"}],
        "lessons": [LESSON],
    }
    data.update(extra)
    return data


LIST = reverse("api:inspections-visit-list")


def detail(pk):
    return reverse("api:inspections-visit-detail", args=[pk])


def test_repeated_post_with_the_same_client_uuid_returns_the_same_visit(world):
    # given a client and one client id
    client = api(world)
    client_uuid = uuid.uuid4()

    # when it posts twice, the second time with other text
    first = client.post(LIST, body(world, client_uuid), format="json")
    second = client.post(LIST, body(world, client_uuid, purpose="第二次同步"), format="json")

    # then 201 then 200, same id, one row, the second text
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.data["id"] == second.data["id"]
    assert Visit.objects.count() == 1 and second.data["purpose"] == "第二次同步"
    assert second.data["lessons"][0]["teacher"] == "陈老师"
    assert [a["item"] for a in second.data["answers"]] == ["3", "9"]


def test_create_needs_a_client_uuid_and_a_school(world):
    client = api(world)
    missing_uuid = body(world, uuid.uuid4())
    missing_uuid.pop("client_uuid")
    assert client.post(LIST, missing_uuid, format="json").status_code == 400
    missing_school = body(world, uuid.uuid4())
    missing_school.pop("school")
    assert client.post(LIST, missing_school, format="json").status_code == 400


def test_patch_updates_a_draft_partially(world):
    client = api(world)
    created = client.post(LIST, body(world, uuid.uuid4()), format="json").data

    response = client.patch(detail(created["id"]), {"feedback": "已反馈"}, format="json")

    assert response.status_code == 200
    assert response.data["feedback"] == "已反馈" and response.data["purpose"] == "推门听课"
    assert len(response.data["lessons"]) == 1


def test_submit_then_submit_again_is_409(world):
    client = api(world)
    created = client.post(LIST, body(world, uuid.uuid4()), format="json").data
    url = reverse("api:inspections-visit-submit", args=[created["id"]])

    first = client.post(url, {}, format="json")
    second = client.post(url, {}, format="json")

    assert first.status_code == 200 and first.data["status"] == "submitted"
    assert second.status_code == 409
    assert client.patch(detail(created["id"]), {"feedback": "改"}, format="json").status_code == 409


def test_upload_a_photo_then_the_same_bytes_again(world):
    client = api(world)
    created = client.post(LIST, body(world, uuid.uuid4()), format="json").data
    url = reverse("api:inspections-visit-attachments", args=[created["id"]])
    data = png_bytes()

    first = client.post(url, {"file": upload("走廊.png", data)}, format="multipart")
    second = client.post(url, {"file": upload("走廊.png", data)}, format="multipart")
    refused = client.post(url, {"file": upload("x.jpg", b"MZ" + b"\0" * 64)}, format="multipart")

    assert (first.status_code, second.status_code, refused.status_code) == (201, 200, 400)
    assert first.data["id"] == second.data["id"] and len(first.data["sha256"]) == 64
    assert client.get(first.data["download_url"]).status_code == 200


def test_api_lists_follow_the_page_visibility(world):
    # given a draft and a submitted visit at school 1
    inspector = user(world, "a", "inspector")
    draft = record_visit(inspector, world.a.schools[0], lessons=[LESSON])
    submitted = record_visit(inspector, world.a.schools[0], submit=True, lessons=[LESSON])

    def ids(client, name):
        return {row["id"] for row in client.get(reverse(name)).data["results"]}

    # then the liaison sees the submitted one, the author both, county B neither
    liaison, author, other = api(world, role="school_liaison"), api(world), api(world, "b", "inspector")
    assert ids(liaison, "api:inspections-visit-list") == {submitted.pk}
    assert ids(author, "api:inspections-visit-list") == {draft.pk, submitted.pk}
    assert ids(other, "api:inspections-visit-list") == set()
    assert liaison.get(detail(draft.pk)).status_code == 404
    # lessons follow their visits
    lessons = {row["visit"] for row in liaison.get(reverse("api:inspections-lessonobservation-list")).data["results"]}
    assert lessons == {submitted.pk}


def test_filters_work_in_the_api(world):
    inspector = user(world, "a", "inspector")
    record_visit(inspector, world.a.schools[0], submit=True)
    record_visit(inspector, world.a.schools[2])
    client = api(world)

    drafts = client.get(LIST, {"status": "draft"}).data["results"]
    at_school_three = client.get(LIST, {"school": world.a.schools[2].pk}).data["results"]

    assert [v["status"] for v in drafts] == ["draft"]
    assert [v["school"] for v in at_school_three] == [world.a.schools[2].pk]


def test_checklist_endpoint_gives_the_items_for_a_school(world):
    response = api(world).get(reverse("api:inspections-visit-checklist"), {"school": world.a.schools[0].pk})
    assert response.status_code == 200
    assert [i["code"] for i in response.data["items"]] == [str(n) for n in range(1, 10)]
    assert response.data["items"][0]["options"] == ["正常", "存在问题"]
    assert api(world).get(reverse("api:inspections-visit-checklist"), {"school": world.b.schools[0].pk}).status_code == 404


def test_office_may_read_but_not_write(world):
    client = api(world, role="office_admin")
    assert client.get(LIST).status_code == 200
    assert client.post(LIST, body(world, uuid.uuid4()), format="json").status_code == 403


def test_visit_list_api_runs_constant_queries(world):
    # given the office reading the API list while visits grow
    inspector = user(world, "a", "inspector")
    client = api(world, role="office_admin")

    def grow(k):
        for _ in range(k):
            record_visit(inspector, world.a.schools[0], submit=True, lessons=[LESSON],
                         answers={"1": {"value": "正常"}})

    def fetch():
        response = client.get(LIST + "?page_size=100")
        assert response.status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=22)
