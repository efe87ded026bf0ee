"""Pickers: past ``DUDAO_PICKER_THRESHOLD`` rows, a school or inspector filter is a search box whose
suggestions come from the user's scope; below it, the drop-down stays."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from dudao.core.testing.world import world_rolled_back
from dudao.organizations.models import School

PICK_SCHOOL = reverse("pick", args=["organizations.school"])
PICK_INSPECTOR = reverse("pick", args=["inspectors.inspector"])


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def labels(response) -> list[str]:
    assert response.status_code == 200
    return [row["label"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_a_county_keeps_its_drop_down_of_schools(world):
    page = client_of(world.a.users["office_admin"]).get("/inspections/visits/").content.decode()
    assert "data-picker" not in page
    for school in world.a.schools:
        assert f">{school.name}</option>" in page


@pytest.mark.django_db
def test_past_the_threshold_the_filter_is_a_search_box_without_a_list_of_schools(world, settings):
    settings.DUDAO_PICKER_THRESHOLD = 3  # county A has 4 schools, 2 inspectors
    page = client_of(world.a.users["office_admin"]).get("/inspections/visits/").content.decode()
    assert f'data-picker="{PICK_SCHOOL}"' in page
    assert 'name="school"' in page
    for school in world.a.schools:
        assert school.name not in page  # no option per school
    assert f'data-picker="{PICK_INSPECTOR}"' not in page  # 2 inspectors: still a drop-down
    assert f">{world.a.inspectors[0].name}</option>" in page


@pytest.mark.django_db
def test_the_chosen_school_is_named_in_the_box_and_filters_the_list(world, settings):
    settings.DUDAO_PICKER_THRESHOLD = 3
    school = world.a.schools[1]
    page = client_of(world.a.users["office_admin"]).get(f"/inspections/visits/?school={school.pk}").content.decode()
    box = re.search(r'<input type="search"[^>]*>', page).group(0)
    assert f'value="{school.name}"' in box
    assert re.search(rf'<input type="hidden" name="school" value="{school.pk}"', page)


@pytest.mark.django_db
def test_a_school_of_another_county_is_never_named_in_the_box(world, settings):
    settings.DUDAO_PICKER_THRESHOLD = 3
    other = world.b.schools[0]
    page = client_of(world.a.users["office_admin"]).get(f"/inspections/visits/?school={other.pk}").content.decode()
    assert other.name not in page


@pytest.mark.django_db
def test_suggestions_are_the_users_scope_matching_name_or_code(world):
    a, b = world.a, world.b
    office = client_of(a.users["office_admin"])
    assert labels(office.get(PICK_SCHOOL)) == sorted(s.name for s in a.schools)
    assert labels(office.get(PICK_SCHOOL, {"q": "第2"})) == [a.schools[1].name]
    assert labels(office.get(PICK_SCHOOL, {"q": a.schools[2].code})) == [a.schools[2].name]
    assert labels(office.get(PICK_SCHOOL, {"q": b.schools[0].name})) == []
    assert labels(office.get(PICK_INSPECTOR)) == sorted(i.name for i in a.inspectors)
    # an inspector is offered the schools listed to them only (schools 1 and 3)
    inspector = client_of(a.users["inspector"])
    assert labels(inspector.get(PICK_SCHOOL)) == sorted([a.schools[0].name, a.schools[2].name])
    # the city office reaches both counties
    city = labels(client_of(world.city_user).get(PICK_SCHOOL))
    assert set(city) == {s.name for s in (*a.schools, *b.schools)}


@pytest.mark.django_db
def test_suggestions_answer_only_signed_in_users_and_known_kinds(world):
    assert Client().get(PICK_SCHOOL).status_code == 302
    office = client_of(world.a.users["office_admin"])
    assert office.get(reverse("pick", args=["accounts.user"])).status_code == 404
    assert len(labels(office.get(PICK_SCHOOL, {"q": "x" * 5000}))) == 0


@pytest.mark.django_db
def test_suggestions_are_at_most_twenty_in_one_query(world, django_assert_max_num_queries):
    county = world.a
    School.objects.bulk_create(
        School(code=f"{county.region.code}9{i:03d}", name=f"{county.region.name}新建学校{i}", region=county.region)
        for i in range(30))
    office = client_of(county.users["office_admin"])
    office.get(PICK_SCHOOL)
    with django_assert_max_num_queries(6):
        assert len(labels(office.get(PICK_SCHOOL, {"q": "新建学校"}))) == 20


PICK_ZONE = reverse("pick", args=["organizations.zone"])


@pytest.mark.django_db
def test_past_the_threshold_the_zone_filter_is_a_search_box_naming_the_county(world, settings):
    # given a city office, whose scope holds the four zones of two counties, past a threshold of 3
    settings.DUDAO_PICKER_THRESHOLD = 3
    city = client_of(world.city_user)
    zone = world.b.zones[1]

    # when it lists visits of one zone
    page = city.get(f"/inspections/visits/?zone={zone.pk}").content.decode()

    # then the zone filter is a search box showing the chosen zone with its county, and no list of zones
    picker = re.search(rf'<div class="picker[^"]*" data-picker="{re.escape(PICK_ZONE)}">(.*?)</div>', page, re.S).group(1)
    assert f'name="zone" value="{zone.pk}"' in picker
    assert f'value="{world.b.region.name} {zone.name}"' in picker
    assert f">{world.a.zones[0].name}</option>" not in page


@pytest.mark.django_db
def test_zone_suggestions_name_the_county_and_stay_in_scope(world):
    a, b = world.a, world.b
    # a county office is offered its own zones, in their order, each with its county's name
    assert labels(client_of(a.users["office_admin"]).get(PICK_ZONE)) == [f"{a.region.name} {z.name}" for z in a.zones]
    # the city office finds a county's zones by the county's name
    city = client_of(world.city_user)
    assert labels(city.get(PICK_ZONE, {"q": b.region.name})) == [f"{b.region.name} {z.name}" for z in b.zones]
    assert len(labels(city.get(PICK_ZONE))) == len(a.zones) + len(b.zones)
