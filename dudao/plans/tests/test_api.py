"""The API twins of the plan and task pages: same services, 403 not allowed, 404 unseen, 409 wrong state."""

import pytest
from django.urls import reverse

from dudao.plans.models import Task, WorkPlan
from dudao.plans.tests.conftest import YEAR, own_task, submitted_plan, user

pytestmark = pytest.mark.django_db


def api(client, method, name, *args, data=None, **params):
    url = reverse(f"api:{name}", args=args)
    return getattr(client, method)(url, data if data is not None else params, content_type="application/json") \
        if method in ("post", "patch", "put") else getattr(client, method)(url, params)


def test_inspector_writes_and_submits_a_plan_through_the_api(world, client):
    client.force_login(user(world, "inspector"))

    # when the inspector creates a plan with two months filled in ...
    created = api(client, "post", "plans-workplan-list", data={
        "level": "inspector", "year": YEAR, "term": "spring", "title": "API计划",
        "items": [{"month": 3, "theme": "开学工作", "work_items": "开学专项督导"}],
    })
    assert created.status_code == 201, created.content
    body = created.json()
    assert [i["month"] for i in body["items"]] == [2, 3, 4, 5, 6, 7]
    assert body["items"][1]["theme"] == "开学工作"

    # ... changes a month, and submits it
    patched = api(client, "patch", "plans-workplan-detail", body["id"],
                  data={"items": [{"month": 4, "theme": "校园安全", "work_items": "1、校园安全\n2、食品安全"}]})
    assert patched.status_code == 200
    assert patched.json()["items"][2]["work_items"] == "1、校园安全\n2、食品安全"
    submitted = api(client, "post", "plans-workplan-submit", body["id"], data={})
    assert submitted.json()["status"] == "submitted"

    # then a change after submitting answers 409
    assert api(client, "patch", "plans-workplan-detail", body["id"], data={"title": "再改"}).status_code == 409


def test_inspector_approving_through_the_api_gets_403(world, client):
    plan = submitted_plan(world)
    client.force_login(user(world, "inspector"))
    assert api(client, "post", "plans-workplan-approve", plan.pk, data={}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED


def test_return_without_comment_answers_400(world, client):
    plan = submitted_plan(world)
    client.force_login(user(world, "office_admin"))
    response = api(client, "post", "plans-workplan-return", plan.pk, data={"comment": ""})
    assert response.status_code == 400
    assert "comment" in response.json()
    ok = api(client, "post", "plans-workplan-return", plan.pk, data={"comment": "补充十一月课业负担"})
    assert ok.json()["status"] == "returned" and ok.json()["review_comment"] == "补充十一月课业负担"


def test_county_b_gets_404(world, client):
    plan = submitted_plan(world)
    task = own_task(world)
    client.force_login(user(world, "office_admin", "b"))
    assert api(client, "get", "plans-workplan-detail", plan.pk).status_code == 404
    assert api(client, "post", "plans-workplan-approve", plan.pk, data={}).status_code == 404
    assert api(client, "post", "plans-task-complete", task.pk, data={}).status_code == 404


def test_office_prescribes_through_the_api(world, client):
    client.force_login(user(world, "office_staff"))
    response = api(client, "post", "plans-task-prescribe", data={
        "title": "食品安全专项督导", "due_date": f"{YEAR}-05-31", "office": world.a.office.pk,
    })
    assert response.status_code == 201, response.content
    rows = response.json()
    assert {r["inspector"] for r in rows} == {i.pk for i in world.a.inspectors}
    assert len({r["batch"] for r in rows}) == 1 and {r["kind"] for r in rows} == {"prescribed"}


def test_inspector_cannot_prescribe_through_the_api(world, client):
    client.force_login(user(world, "inspector"))
    response = api(client, "post", "plans-task-prescribe", data={
        "title": "越权", "due_date": f"{YEAR}-05-31", "zone": world.a.zones[0].pk})
    assert response.status_code == 403
    assert not Task.objects.filter(title="越权").exists()


def test_inspector_adds_completes_and_reopens_own_task_through_the_api(world, client):
    client.force_login(user(world, "inspector"))
    created = api(client, "post", "plans-task-list", data={"title": "自主调研", "due_date": f"{YEAR}-12-01",
                                                             "school": world.a.schools[0].pk})
    assert created.status_code == 201, created.content
    task_id = created.json()["id"]
    assert created.json()["kind"] == "self_chosen"

    done = api(client, "post", "plans-task-complete", task_id, data={"note": "完成调研", "completed_on": None})
    assert done.json()["status"] == "done" and done.json()["completion_note"] == "完成调研"
    assert api(client, "post", "plans-task-complete", task_id, data={}).status_code == 409
    assert api(client, "post", "plans-task-reopen", task_id, data={"reason": "未归档"}).json()["status"] == "open"

    listed = api(client, "get", "plans-task-list", status="open")
    assert [r["id"] for r in listed.json()["results"]] == [task_id]


def test_task_patch_and_delete(world, client):
    task = own_task(world)
    client.force_login(user(world, "inspector"))
    assert api(client, "patch", "plans-task-detail", task.pk, data={"due_date": f"{YEAR}-12-31"}).status_code == 200
    task.refresh_from_db()
    assert str(task.due_date) == f"{YEAR}-12-31"
    assert client.delete(reverse("api:plans-task-detail", args=[task.pk])).status_code == 403
    client.force_login(user(world, "office_admin"))
    assert client.delete(reverse("api:plans-task-detail", args=[task.pk])).status_code == 204
    assert not Task.objects.filter(pk=task.pk).exists()


def test_list_filters_by_status_and_level(world, client):
    plan = submitted_plan(world)
    client.force_login(user(world, "office_admin"))
    ids = [r["id"] for r in api(client, "get", "plans-workplan-list", status="submitted", level="inspector")
           .json()["results"]]
    assert ids == [plan.pk]
    assert api(client, "get", "plans-workplan-list", status="approved").json()["results"] == []


def test_a_year_outside_2000_to_2100_answers_400_in_the_users_language(world, client):
    client.force_login(user(world, "office_admin"))
    for year in (1999, 2101):
        created = api(client, "post", "plans-workplan-list", data={
            "level": "office", "year": year, "term": "spring", "title": "API计划"})
        assert created.status_code == 400 and created.json()["year"] == ["请填写 2000 至 2100 之间的年份。"]
        counted = api(client, "get", "plans-task-completion", year=year, term="spring")
        assert counted.status_code == 400 and counted.json()["year"] == "请填写 2000 至 2100 之间的年份。"
    assert not WorkPlan.objects.filter(title="API计划").exists()
    assert api(client, "get", "plans-task-completion", year=2000, term="spring").status_code == 200
    assert api(client, "get", "plans-task-completion", year=2100, term="spring").status_code == 200
