"""Completion rates per inspector and per zone: total, done, done on time, overdue."""

import datetime

import pytest
from django.urls import reverse

from dudao.core.tally import recount
from dudao.core.testing.factories import (
    InspectorFactory,
    ListingFactory,
    OfficeFactory,
    RegionFactory,
    SchoolFactory,
    ZoneMembershipFactory,
)
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import fresh
from dudao.plans import selectors, services
from dudao.plans.models import Task, TaskCount, term_dates
from dudao.plans.tests.conftest import user

pytestmark = pytest.mark.django_db

PAST = 2025  # a finished term, so that completion dates lie in the past whenever the tests run
SPRING = term_dates(PAST, "spring")
ON = datetime.date(PAST, 5, 20)


def d(month, day):
    return datetime.date(PAST, month, day)


@pytest.fixture
def tasks(world):
    """Six tasks due in the spring term of county A, one in the autumn, one in county B.

    inspector 1 (signed-in, zone 1): done on time ×2, done late, open past due;
    inspector 2 (no account, zone 2): done on time, open not yet due on ``ON``.
    """
    inspector = user(world, "inspector")
    office = user(world, "office_admin")
    for due, done_on in ((d(3, 15), d(3, 10)), (d(3, 31), d(3, 31)), (d(4, 15), d(4, 20)), (d(4, 30), None),
                         (datetime.date(PAST, 9, 10), None)):
        task = services.task_create_self(actor=inspector, title=f"自主任务{due}", due_date=due)
        if done_on:
            services.task_complete(actor=inspector, task_id=task.pk, completed_on=done_on)
    for due, done_on in ((d(5, 31), d(5, 1)), (d(6, 30), None)):
        [task] = services.task_prescribe(actor=office, title=f"规定任务{due}", due_date=due,
                                         inspector_ids=[world.a.inspectors[1].pk])
        if done_on:
            services.task_complete(actor=office, task_id=task.pk, completed_on=done_on)
    services.task_prescribe(actor=user(world, "office_admin", "b"), title="乙县任务", due_date=d(4, 1),
                            office_id=world.b.office.pk)


def test_completion_per_inspector_zone_and_total(world, tasks):
    # when the office reads the completion of the spring term on 20 May
    data = selectors.task_completion(user=user(world, "office_admin"), period=SPRING, on=ON)

    # then each inspector, each zone and the total carry the counts and rates of the fixture
    rows = {r["id"]: {k: r[k] for k in ("total", "done", "on_time", "overdue", "rate", "on_time_rate")}
            for r in data["inspectors"]}
    assert rows == {
        world.a.inspectors[0].pk: {"total": 4, "done": 3, "on_time": 2, "overdue": 1, "rate": 75.0, "on_time_rate": 50.0},
        world.a.inspectors[1].pk: {"total": 2, "done": 1, "on_time": 1, "overdue": 0, "rate": 50.0, "on_time_rate": 50.0},
    }
    zones = {r["id"]: (r["total"], r["done"], r["rate"]) for r in data["zones"]}
    assert zones == {world.a.zones[0].pk: (4, 3, 75.0), world.a.zones[1].pk: (2, 1, 50.0)}
    assert data["total"] == {"total": 6, "done": 4, "on_time": 3, "overdue": 1, "rate": 66.7, "on_time_rate": 50.0}


def test_inspector_sees_only_their_own_row(world, tasks):
    data = selectors.task_completion(user=user(world, "inspector"), period=SPRING, on=ON)
    assert [r["id"] for r in data["inspectors"]] == [world.a.inspectors[0].pk]
    assert data["total"]["total"] == 4


def test_zone_leader_sees_the_zone(world, tasks):
    data = selectors.task_completion(user=user(world, "zone_leader"), period=SPRING, on=ON)
    assert [r["id"] for r in data["zones"]] == [world.a.zones[0].pk]


def test_completion_page_shows_tables_and_chart(world, tasks, client):
    client.force_login(user(world, "office_staff"))
    response = client.get(reverse("plans:task_completion"), {"year": PAST, "term": "spring"})
    assert response.status_code == 200
    html = response.content.decode()
    assert text_by_testid(html, "total-rate") == "66.7%"
    assert f'data-inspector="{world.a.inspectors[0].pk}"' in html
    chart = response.context["chart"]
    assert chart["xAxis"]["data"] == [world.a.inspectors[0].name, world.a.inspectors[1].name]
    assert chart["series"][0]["data"] == [75.0, 50.0]
    assert 'data-chart="inspector-chart-data"' in html and 'id="inspector-chart-data"' in html


def test_completion_api(world, tasks, client):
    client.force_login(user(world, "office_staff"))
    response = client.get(reverse("api:plans-task-completion"), {"year": PAST, "term": "spring"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["total"] == 6 and body["total"]["done"] == 4
    assert {r["id"] for r in body["inspectors"]} == {i.pk for i in world.a.inspectors}
    assert client.get(reverse("api:plans-task-completion"), {"term": "winter"}).status_code == 400


def test_completion_queries_do_not_grow_with_inspectors(world, client):
    client.force_login(user(world, "office_admin"))
    office = user(world, "office_admin")

    def grow(k):
        for _ in range(k):
            inspector = InspectorFactory(office=world.a.office)
            school = SchoolFactory(region=world.a.township)
            ZoneMembershipFactory(zone=world.a.zones[1], school=school)
            ListingFactory(inspector=inspector, school=school)
            services.task_prescribe(actor=office, title="规定任务", due_date=d(3, 1), inspector_ids=[inspector.pk])

    def fetch():
        assert client.get(reverse("plans:task_completion"), {"year": PAST, "term": "spring"}).status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=25)


def test_a_city_sees_a_line_per_county_each_as_the_county_counts_itself(world, tasks, client):
    # given the city office, over county A (six tasks due in spring) and county B (one)
    city = fresh(world.city_user)
    client.force_login(city)

    # when it opens the completion of the spring term
    response = client.get(reverse("plans:task_completion"), {"year": PAST, "term": "spring", "until": "end"})

    # then it reads a line per county, not a line per inspector, each with the county's own figures
    html = response.content.decode()
    assert 'data-testid="inspector-completion"' not in html and html.count("data-region=") == 2
    areas = {r["id"]: r for r in response.context["data"]["areas"]}
    assert set(areas) == {world.a.region.pk, world.b.region.pk}
    for county in (world.a, world.b):
        own = selectors.task_completion(user=user(world, "office_admin", county.key), period=term_dates(PAST, "spring"))
        assert {k: areas[county.region.pk][k] for k in own["total"]} == own["total"]
        assert f'?year={PAST}&amp;term=spring&amp;until=end&amp;region={county.region.pk}">{county.region.name}</a>' in html
    assert response.context["chart"]["xAxis"]["data"] == [world.a.region.name, world.b.region.name]

    # when it drills down to county A, the inspectors and zones are there, with the way back up
    html = client.get(reverse("plans:task_completion"), {"year": PAST, "term": "spring", "region": world.a.region.pk}
                      ).content.decode()
    assert f'data-inspector="{world.a.inspectors[0].pk}"' in html and "data-region=" not in html
    assert f'region={world.city.pk}">{world.city.name}</a>' in html and 'data-testid="completion-trail"' in html

    # and a region out of its sight shows the top of what it sees
    response = client.get(reverse("plans:task_completion"), {"year": PAST, "term": "spring", "region": 10**9})
    assert {r["id"] for r in response.context["data"]["areas"]} == set(areas)


def test_the_api_counts_per_county_and_refuses_a_region_out_of_scope(world, tasks, client):
    client.force_login(fresh(world.city_user))
    url = reverse("api:plans-task-completion")
    body = client.get(url, {"year": PAST, "term": "spring"}).json()
    assert {r["id"] for r in body["areas"]} == {world.a.region.pk, world.b.region.pk} and body["inspectors"] == []
    body = client.get(url, {"year": PAST, "term": "spring", "region": world.a.region.pk}).json()
    assert body["areas"] == [] and {r["id"] for r in body["inspectors"]} == {i.pk for i in world.a.inspectors}

    client.force_login(user(world, "office_admin"))
    for region in (world.b.region.pk, "x", 10**30):
        response = client.get(url, {"region": region})
        assert response.status_code == 400 and "region" in response.json()


def test_a_citys_completion_runs_constant_queries_whatever_its_counties(world, client):
    city = fresh(world.city_user)
    client.force_login(city)

    def grow(k):
        for i in range(k):
            county = RegionFactory(level=3, parent=world.city, code=f"3601{50 + i + grow.made:02d}")
            office = OfficeFactory(region=county)
            inspector = InspectorFactory(office=office)
            Task.objects.create(office=office, inspector=inspector, kind=Task.Kind.ROUTINE, title="常规任务",
                                due_date=d(3, 1), created_by=city)
        recount(TaskCount)  # tasks written outside the services: counted as after a bulk load
        grow.made += k
    grow.made = 0

    def fetch():
        assert client.get(reverse("plans:task_completion"), {"year": PAST, "term": "spring"}).status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=12)
