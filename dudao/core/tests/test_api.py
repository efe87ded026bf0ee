"""API basics: token sign-in, an OpenAPI schema covering every router path, docs served locally."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.viewsets import ViewSetMixin

from dudao.core.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return make_user("api_user", "sysadmin")


def token_for(client, username, password):
    return client.post(reverse("api:token"), {"username": username, "password": password})


def test_token_authenticates(client, user):
    # when a user exchanges username and password for a token
    response = token_for(client, "api_user", PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]

    # then the token alone opens the API, and the same call without it is refused
    assert client.get(reverse("api:organizations-school-list"), HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert client.get(reverse("api:organizations-school-list")).status_code == 401
    assert client.get(reverse("api:organizations-school-list"), HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_wrong_password_gets_no_token(client, user):
    response = token_for(client, "api_user", "not-the-password")
    assert response.status_code == 400
    assert "token" not in response.json()


def router_paths() -> set[str]:
    """The OpenAPI paths of every viewset route under /api/v1/, read from the URL resolver."""
    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.callback

    paths = set()
    for raw, callback in walk(get_resolver().url_patterns, "/"):
        cls = getattr(callback, "cls", None)
        if not (raw.startswith("/api/v1/") and cls and issubclass(cls, ViewSetMixin)) or "<format>" in raw:
            continue
        path = raw.replace("^", "").replace("$", "")
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "{id}" if m[1] == "pk" else "{" + m[1] + "}", path)
        paths.add(path)
    return paths


def test_schema_is_openapi_and_covers_every_router_path(client):
    # when the schema is fetched (YAML, the default)
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)

    # then it is OpenAPI 3 and documents every path the router serves
    assert str(schema["openapi"]).startswith("3.")
    expected = router_paths()
    assert "/api/v1/inspectors/inspectors/{id}/suspend/" in expected  # the walk sees actions too
    assert len(expected) >= 15
    assert expected - set(schema["paths"]) == set()


def test_schema_as_json(client):
    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    assert "/api/v1/organizations/schools/" in response.json()["paths"]


def test_docs_need_no_external_url(client):
    # when the API docs page is rendered
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()

    # then nothing is fetched from another host: no absolute URL anywhere on the page ...
    assert re.findall(r"https?://", page) == []
    assert re.findall(r"""(?:src|href)=["']//""", page) == []
    # ... and every asset is a static file this installation serves
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    # (the script that starts the viewer is the page's own, a file too: the policy allows no inline script)
    own_script = f"{reverse('api:docs')}?script="
    assert own_script in assets and "<script>" not in page
    script = client.get(own_script)
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in script.content.decode()
    assets.remove(own_script)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
