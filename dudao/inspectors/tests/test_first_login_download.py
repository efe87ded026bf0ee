"""A file download with an API token is refused, like the API, to an account that must first change
the password an office set; the same token downloads once the password is changed."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client

from dudao.core.testing.world import build_world, fresh
from dudao.inspectors.signboards import signboard_generate

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
NEW_PASSWORD = "Liu-Lin-2026-mine"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_file_download_with_the_token_of_an_office_set_password_is_refused_until_changed(world, client):
    # given a document of the county and a new office staff account with a token
    document = signboard_generate(actor=fresh(world.a.users["office_admin"]), school_id=world.a.schools[0].pk,
                                  base_url="http://testserver", pdf=False)
    client.force_login(world.a.users["office_admin"])
    response = client.post("/accounts/roles/add/", {"username": "new_staff", "role": "office_staff",
                                                    "office": world.a.office.pk, "valid_from": "2026-03-02"},
                           follow=True)
    password = re.search(r"([A-Za-z0-9]{12})$", str(list(response.context["messages"])[0])).group(1)
    token = Client().post("/api/v1/auth/token/", {"username": "new_staff", "password": password}).json()["token"]
    url = f"/documents/{document.pk}/download/docx/"
    # when the token client downloads the Word file, then it is told to change the password first
    refused = Client().get(url, HTTP_AUTHORIZATION=f"Token {token}")
    assert refused.status_code == 403 and "/api/v1/auth/password/" in refused.json()["detail"]
    # and once changed, the same token downloads it
    api = Client()
    assert api.post("/api/v1/auth/password/", {"old_password": password, "new_password": NEW_PASSWORD},
                    HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert api.get(url, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
