"""An API client downloads a complaint's photos from the addresses the complaints API lists, with its
token alone, in its scope, checked against their SHA-256."""

import pytest
from django.test import Client
from django.urls import reverse

from dudao.complaints.tests.helpers import photo, register
from dudao.core.testing.downloads import TokenClient, sha256_of, tamper
from dudao.core.testing.world import world_rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def _listed_photo(api, complaint) -> dict:
    answer = api.get(reverse("api:complaints-complaint-detail", args=[complaint.pk]))
    assert answer.status_code == 200
    return answer.json()["photos"][0]


def test_an_api_client_downloads_a_complaint_photo_the_api_lists(world):
    complaint, _code = register(world, photos=[photo()])
    api = TokenClient(world.a.users["office_admin"])
    listed = _listed_photo(api, complaint)
    response = api.get(listed["url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert sha256_of(response) == listed["sha256"] == complaint.photos.get().sha256


def test_a_token_of_another_county_does_not_find_the_photo(world):
    complaint, _code = register(world, photos=[photo()])
    url = _listed_photo(TokenClient(world.a.users["office_admin"]), complaint)["url"]
    assert TokenClient(world.b.users["office_admin"]).get(url).status_code == 404


def test_a_photo_without_a_session_or_with_a_wrong_token_is_refused(world):
    complaint, _code = register(world, photos=[photo()])
    url = complaint.photos.get().get_absolute_url()
    assert Client().get(url).status_code == 302
    assert Client().get(url, HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_an_altered_photo_is_refused_as_altered(world):
    complaint, _code = register(world, photos=[photo()])
    api = TokenClient(world.a.users["office_admin"])
    url = _listed_photo(api, complaint)["url"]
    tamper(complaint.photos.get().file)
    assert api.get(url).status_code == 409
