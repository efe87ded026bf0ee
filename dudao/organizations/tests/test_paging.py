"""Lists count their rows up to ``DUDAO_LIST_COUNT_CAP`` and no further (``core.paging``): the
page says "more than N", the API says ``count_exact: false``; within the cap both count exactly."""

import pytest
from django.urls import reverse

from dudao.core.paging import CappedPaginator
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.organizations.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def test_a_queryset_is_counted_up_to_the_cap(world, settings, django_assert_num_queries):
    settings.DUDAO_LIST_COUNT_CAP = 2
    paginator = CappedPaginator(School.objects.order_by("name"), 1)
    with django_assert_num_queries(1) as captured:
        assert (paginator.count, paginator.exact, paginator.num_pages) == (2, False, 2)
    sql = captured.captured_queries[0]["sql"].upper()
    assert "LIMIT 3" in sql and "ORDER BY" not in sql  # the scan stops at the cap


def test_within_the_cap_the_count_is_exact(world, settings):
    settings.DUDAO_LIST_COUNT_CAP = 1000
    paginator = CappedPaginator(School.objects.all(), 10)
    assert (paginator.count, paginator.exact) == (School.objects.count(), True)
    assert (CappedPaginator([1, 2, 3], 2).count, CappedPaginator(list(range(1001)), 2).exact) == (3, False)


def test_the_list_page_says_more_than_the_cap(world, client, settings):
    office = fresh(world.a.users["office_admin"])
    client.force_login(office)
    schools = School.objects.for_user(office).count()
    assert schools > 2

    settings.DUDAO_LIST_COUNT_CAP = 2
    html = client.get(reverse("organizations:school_list")).content.decode()
    assert "超过 2 条记录，请用筛选条件缩小范围" in html

    settings.DUDAO_LIST_COUNT_CAP = 1000
    html = client.get(reverse("organizations:school_list")).content.decode()
    assert f"共 {schools} 条记录" in html


def test_the_api_says_whether_its_count_is_exact(world, client, settings):
    office = fresh(world.a.users["office_admin"])
    client.force_login(office)
    url = "/api/v1/organizations/schools/"

    settings.DUDAO_LIST_COUNT_CAP = 2
    body = client.get(url, {"page_size": 1}).json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (2, False, 1)
    assert client.get(url, {"page_size": 1, "page": 3}).status_code == 404  # pages go as far as the cap

    settings.DUDAO_LIST_COUNT_CAP = 1000
    body = client.get(url).json()
    assert (body["count"], body["count_exact"]) == (School.objects.for_user(office).count(), True)


def test_the_schema_describes_count_exact(client, world):
    client.force_login(fresh(world.a.users["office_admin"]))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    page = schema["components"]["schemas"]["PaginatedSchoolList"]
    assert page["properties"]["count_exact"]["type"] == "boolean"
    assert "count_exact" in page["required"]


def test_a_page_that_joins_is_read_by_its_keys(world, settings, django_assert_num_queries):
    # given schools listed with their region, newest code first, three to a page
    settings.DUDAO_LIST_COUNT_CAP = 1000
    schools = School.objects.select_related("region").order_by("-code")
    paginator = CappedPaginator(schools, 3)
    assert paginator.count > 3

    # when the second page is read
    with django_assert_num_queries(2) as captured:
        page = paginator.page(2)
        rows = [(school.code, school.region.name) for school in page.object_list]

    # then its keys come first, ordered and limited without the join, then its rows by those keys
    keys_sql, rows_sql = (q["sql"].upper() for q in captured.captured_queries)
    assert "JOIN" not in keys_sql and "ORDER BY" in keys_sql and "LIMIT 3" in keys_sql
    assert "JOIN" in rows_sql and "LIMIT" not in rows_sql
    # and the page holds the same rows, in the same order, as the page read in one query
    assert rows == [(school.code, school.region.name) for school in schools[3:6]]


def test_a_page_without_joins_is_read_in_one_query(world, django_assert_num_queries):
    paginator = CappedPaginator(School.objects.order_by("code"), 2)
    paginator.count  # noqa: B018 (counted before the page)
    expected = [s.code for s in School.objects.order_by("code")[:2]]
    with django_assert_num_queries(1):
        assert [s.code for s in paginator.page(1).object_list] == expected
