"""Plan and task pages: the month table like the seeds, the editor, review, prescribing, completing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.core.testing.html import table_headers, text_by_testid
from dudao.plans import services
from dudao.plans.models import PlanItem, Task, WorkPlan
from dudao.plans.tests.conftest import YEAR, inspector_plan, own_task, submitted_plan, user

pytestmark = pytest.mark.django_db


def signed_in(client, world, role, county="a"):
    client.force_login(user(world, role, county))
    return client


# ---- plans -----------------------------------------------------------------------------------

def test_inspector_starts_a_plan_and_lands_in_the_month_editor(world, client):
    signed_in(client, world, "inspector")
    form = client.get(reverse("plans:workplan_add"))
    assert form.status_code == 200
    # an inspector writes only their own plan: no office, zone or inspector choice beyond that
    assert [v for v, _l in form.context["form"].fields["level"].choices] == ["inspector"]

    response = client.post(reverse("plans:workplan_add"), {
        "level": "inspector", "year": YEAR, "term": "autumn", "title": "2026年秋季学期责任督学工作计划", "summary": "",
    })

    plan = WorkPlan.objects.get(title="2026年秋季学期责任督学工作计划")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:workplan_edit", args=[plan.pk])
    editor = client.get(response["Location"]).content.decode()
    assert [int(m) for m in _months(editor)] == [8, 9, 10, 11, 12, 1]


def test_the_plan_form_refuses_a_year_outside_2000_to_2100(world, client):
    signed_in(client, world, "inspector")
    for year in (1999, 2101):
        response = client.post(reverse("plans:workplan_add"), {
            "level": "inspector", "year": year, "term": "autumn", "title": "越界的计划", "summary": ""})
        assert response.status_code == 200
        assert response.context["form"].errors["year"] == ["请填写 2000 至 2100 之间的年份。"]
    assert not WorkPlan.objects.filter(title="越界的计划").exists()


def _months(html):
    import re

    return re.findall(r'<tr data-month="(\d+)"', html)


def test_editor_saves_the_table_and_submits(world, client):
    plan = inspector_plan(world, themes={})
    signed_in(client, world, "inspector")
    data = {"title": plan.title, "summary": "以监督、检查、评估为手段"}
    for month in plan.months:
        data[f"theme_{month}"] = ""
        data[f"work_{month}"] = ""
    data.update({"theme_3": "开学工作", "work_3": "1、春季开学专项督导\n2、校园安全检查", "theme_4": "安全"})

    response = client.post(reverse("plans:workplan_edit", args=[plan.pk]), {**data, "submit": "1"})

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    assert plan.summary == "以监督、检查、评估为手段"
    assert PlanItem.objects.get(plan=plan, month=3).work_lines == ["1、春季开学专项督导", "2、校园安全检查"]


def test_detail_shows_the_month_table_and_the_authors_buttons(world, client):
    plan = inspector_plan(world, themes={3: ("开学工作", "1、督导开学工作\n2、推门听课")})
    signed_in(client, world, "inspector")

    html = client.get(plan.get_absolute_url()).content.decode()

    assert len(table_headers(html, "month-table")) == 3
    assert _months(html) == ["2", "3", "4", "5", "6", "7"]
    assert "推门听课" in text_by_testid(html, "month-table")
    assert 'data-testid="edit-plan"' in html and 'data-testid="transition-submit"' in html
    assert 'data-testid="review-card"' not in html


def test_office_sees_review_buttons_on_a_submitted_plan_and_no_editor(world, client):
    plan = submitted_plan(world)
    signed_in(client, world, "office_staff")
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="transition-approve"' in html and 'data-testid="transition-return"' in html
    assert 'data-testid="edit-plan"' not in html
    assert client.get(reverse("plans:workplan_edit", args=[plan.pk])).status_code == 403


def test_editor_of_a_submitted_plan_answers_409(world, client):
    plan = submitted_plan(world)
    signed_in(client, world, "inspector")
    assert client.get(reverse("plans:workplan_edit", args=[plan.pk])).status_code == 409


def test_return_without_comment_stays_submitted_and_says_why(world, client):
    plan = submitted_plan(world)
    signed_in(client, world, "office_admin")
    response = client.post(reverse("plans:workplan_transition", args=[plan.pk, "return"]), {"comment": ""},
                           follow=True)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_inspector_approving_gets_403(world, client):
    plan = submitted_plan(world)
    signed_in(client, world, "inspector")
    response = client.post(reverse("plans:workplan_transition", args=[plan.pk, "approve"]))
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED


def test_county_b_gets_404_for_a_plan_of_county_a(world, client):
    plan = submitted_plan(world)
    signed_in(client, world, "office_admin", "b")
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.post(reverse("plans:workplan_transition", args=[plan.pk, "approve"])).status_code == 404
    assert client.get(reverse("plans:workplan_edit", args=[plan.pk])).status_code == 404


def test_plan_list_filters_by_status_and_year(world, client):
    submitted = submitted_plan(world)
    office = user(world, "office_admin")
    other = services.workplan_create(actor=office, level="office", year=YEAR - 1, term="whole_year",
                                     title="甲县2025年督导工作计划")
    signed_in(client, world, "office_admin")

    html = client.get(reverse("plans:workplan_list"), {"status": "submitted"}).content.decode()
    assert submitted.title in html and other.title not in html
    html = client.get(reverse("plans:workplan_list"), {"year": YEAR - 1}).content.decode()
    assert other.title in html and submitted.title not in html


def test_office_starts_a_zone_plan(world, client):
    signed_in(client, world, "office_staff")
    response = client.post(reverse("plans:workplan_add"), {
        "level": "zone", "zone": world.a.zones[1].pk, "year": YEAR, "term": "spring", "title": "第二责任区计划",
    })
    assert response.status_code == 302
    plan = WorkPlan.objects.get(title="第二责任区计划")
    assert (plan.level, plan.zone) == ("zone", world.a.zones[1])


def test_office_admin_deletes_a_draft_through_the_page(world, client):
    plan = inspector_plan(world)
    delete_url = reverse("plans:workplan_delete", args=[plan.pk])
    signed_in(client, world, "office_admin")
    assert f'href="{delete_url}"' in client.get(plan.get_absolute_url()).content.decode()
    assert client.post(delete_url).status_code == 302
    assert not WorkPlan.objects.filter(pk=plan.pk).exists()


def test_no_delete_link_for_an_approved_plan(world, client):
    plan = submitted_plan(world)
    services.workplan_approve(actor=user(world, "office_admin"), workplan_id=plan.pk)
    signed_in(client, world, "office_admin")
    html = client.get(plan.get_absolute_url()).content.decode()
    assert reverse("plans:workplan_delete", args=[plan.pk]) not in html
    assert client.post(reverse("plans:workplan_delete", args=[plan.pk])).status_code == 409


# ---- tasks -----------------------------------------------------------------------------------

def test_office_prescribes_through_the_form(world, client):
    signed_in(client, world, "office_staff")
    page = client.get(reverse("plans:task_prescribe"))
    assert page.status_code == 200

    response = client.post(reverse("plans:task_prescribe"), {
        "kind": "prescribed", "title": "校园安全专项督导", "description": "", "due_date": f"{YEAR}-04-30",
        "target": "zone", "zone": world.a.zones[1].pk,
    })

    task = Task.objects.get(title="校园安全专项督导")
    assert task.inspector == world.a.inspectors[1]
    assert response["Location"] == reverse("plans:task_list") + f"?batch={task.batch}"
    listing = client.get(response["Location"])
    assert listing.context["batch_stats"] == {"total": 1, "done": 0}
    assert text_by_testid(listing.content.decode(), "batch-stats") is not None


def test_inspector_cannot_open_the_prescribe_form(world, client):
    signed_in(client, world, "inspector")
    assert client.get(reverse("plans:task_prescribe")).status_code == 403


def test_inspector_adds_own_task_and_completes_it_with_a_note(world, client):
    signed_in(client, world, "inspector")
    response = client.post(reverse("plans:task_add"), {
        "kind": "self_chosen", "title": "撰写村小调研报告", "description": "", "school": world.a.schools[0].pk,
        "due_date": f"{YEAR}-12-20",
    })
    task = Task.objects.get(title="撰写村小调研报告")
    assert response["Location"] == task.get_absolute_url()
    detail = client.get(task.get_absolute_url()).content.decode()
    assert 'data-testid="transition-complete"' in detail

    client.post(reverse("plans:task_transition", args=[task.pk, "complete"]),
                {"note": "报告已上报督导室", "completed_on": timezone.localdate().isoformat()})

    task.refresh_from_db()
    assert (task.status, task.completion_note) == ("done", "报告已上报督导室")


def test_task_list_filters_overdue(world, client):
    today = timezone.localdate()
    late = own_task(world, due=today - datetime.timedelta(days=3), title="逾期的任务")
    later = own_task(world, due=today + datetime.timedelta(days=3), title="未到期的任务")
    signed_in(client, world, "inspector")
    html = client.get(reverse("plans:task_list"), {"overdue": "true"}).content.decode()
    assert late.title in html and later.title not in html
    html = client.get(reverse("plans:task_list"), {"overdue": "false"}).content.decode()
    assert later.title in html and late.title not in html


def test_zone_leader_reads_a_zone_task_but_gets_no_complete_button(world, client):
    task = own_task(world)
    signed_in(client, world, "zone_leader")
    response = client.get(task.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="transition-complete"' not in response.content.decode()
    assert client.post(reverse("plans:task_transition", args=[task.pk, "complete"])).status_code == 403


def test_inspector_edits_own_task_through_the_page(world, client):
    task = own_task(world)
    signed_in(client, world, "inspector")
    response = client.post(reverse("plans:task_edit", args=[task.pk]),
                           {"title": "改过的标题", "description": "说明", "due_date": f"{YEAR}-12-31"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.due_date) == ("改过的标题", datetime.date(YEAR, 12, 31))


def test_task_export_holds_the_rows(world, client):
    from dudao.core.testing.xlsx import sheet_text

    task = own_task(world, title="导出的任务")
    signed_in(client, world, "office_admin")
    response = client.get(reverse("plans:task_list") + "?export=xlsx")
    assert response.status_code == 200
    assert task.title in sheet_text(response.content)
