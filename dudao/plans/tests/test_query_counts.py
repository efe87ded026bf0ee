"""Plan and task lists run as many queries for 200 rows as for 2 (STYLE §7.9), pages and API."""

import datetime

import pytest
from django.urls import reverse

from dudao.core.testing.factories import InspectorFactory
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.queries import assert_constant_queries
from dudao.plans.models import PlanItem, Task, WorkPlan
from dudao.plans.tests.conftest import YEAR, user

pytestmark = pytest.mark.django_db

UI_CEILING = 30
API_CEILING = 15


def grow_plans(world, k):
    """Plain plan rows of county A with every column the list shows filled in, and a month table."""
    admin = world.a.users["office_admin"]
    for _ in range(k):
        inspector = InspectorFactory(office=world.a.office)
        plan = WorkPlan.objects.create(
            office=world.a.office, level="inspector", inspector=inspector, zone=world.a.zones[0], year=YEAR,
            term="spring", title=f"{inspector.name}的计划", created_by=admin, reviewed_by=admin,
            review_comment="同意",
        )
        PlanItem.objects.bulk_create([PlanItem(plan=plan, month=m, position=i, theme="主题")
                                      for i, m in enumerate(plan.months)])


def grow_tasks(world, k):
    admin = world.a.users["office_admin"]
    Task.objects.bulk_create([
        Task(office=world.a.office, kind="prescribed", title=f"任务{i}", inspector=world.a.inspectors[i % 2],
             school=world.a.schools[i % 4], zone=world.a.zones[i % 2], due_date=datetime.date(YEAR, 3, 1 + i % 28),
             created_by=admin)
        for i in range(k)
    ])


UI_LISTS = {"plans:workplan_list": grow_plans, "plans:task_list": grow_tasks}
API_LISTS = {"api:plans-workplan-list": grow_plans, "api:plans-task-list": grow_tasks}


@pytest.mark.parametrize("url_name", UI_LISTS)
def test_ui_list_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries, url_name):
    client.force_login(user(world, "office_admin"))
    counts = []

    def fetch():
        response = client.get(reverse(url_name))
        assert response.status_code == 200
        counts.append(text_by_testid(response.content.decode(), "result-count"))

    assert_constant_queries(fetch, lambda k: UI_LISTS[url_name](world, k))
    assert counts[-1] != counts[0]
    with django_assert_max_num_queries(UI_CEILING):
        fetch()


@pytest.mark.parametrize("url_name", API_LISTS)
def test_api_list_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries, url_name):
    client.force_login(user(world, "office_admin"))
    sizes = []

    def fetch():
        response = client.get(reverse(url_name) + "?page_size=500")
        assert response.status_code == 200
        sizes.append(len(response.json()["results"]))

    assert_constant_queries(fetch, lambda k: API_LISTS[url_name](world, k))
    assert sizes[-1] >= sizes[0] + 198
    with django_assert_max_num_queries(API_CEILING):
        fetch()


def test_inspectors_task_list_is_constant_too(world, client):
    # an inspector's scope is a different filter (their own tasks): it must not grow either
    client.force_login(user(world, "inspector"))

    def fetch():
        assert client.get(reverse("plans:task_list")).status_code == 200

    assert_constant_queries(fetch, lambda k: grow_tasks(world, k), n=2, m=60)
