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


@pytest.fixture
def json_schema(client):
    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    return [(path, method, operation) for path, item in schema["paths"].items()
            for method, operation in item.items() if method in ("get", "post", "put", "patch", "delete")]


def test_schema_documents_the_error_answers(json_schema):
    # every operation documents 400, 403 and 404, with the exception handler's bodies
    error = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in operations(json_schema):
        responses = operation["responses"]
        assert {"400", "403", "404"} <= set(responses), (method, path)
        assert responses["404"]["content"]["application/json"]["schema"] == error, (method, path)
        if method != "get":
            assert {"409", "415"} <= set(responses), (method, path)
    assert json_schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    # 401 where a user must be signed in; not on the token exchange
    assert "401" in json_schema["paths"]["/api/v1/organizations/schools/"]["get"]["responses"]
    assert "401" not in json_schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]


@pytest.mark.parametrize("path", [
    "/api/v1/campaigns/campaigns/{id}/results/",
    "/api/v1/campaigns/campaigns/{id}/rectifications/",
    "/api/v1/surveys/surveys/{id}/links/",
])
def test_a_detail_route_list_is_whole_not_paged(json_schema, path):
    operation = json_schema["paths"][path]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert [p["name"] for p in operation["parameters"]] == ["id"]


def test_campaign_answers_are_described(json_schema):
    schemas = json_schema["components"]["schemas"]
    paths = json_schema["paths"]
    progress = paths["/api/v1/campaigns/campaigns/{id}/progress/"]["get"]["responses"]["200"]
    assert progress["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CampaignProgress"}
    assert {"targets", "self_checked", "percent", "rectified_percent"} <= set(schemas["CampaignProgress"]["properties"])
    assert {"self_score", "team_score", "notices_closed"} <= set(schemas["CampaignResult"]["properties"])
    assert {"rectification", "deadline", "progress"} <= set(schemas["CampaignRectificationRow"]["properties"])
    report = paths["/api/v1/campaigns/campaigns/{id}/report/"]["post"]["responses"]
    assert "201" in report and "200" not in report
    units = paths["/api/v1/evaluations/evaluations/{id}/units/"]["post"]["responses"]
    assert "201" in units and "200" not in units


def test_an_attachment_download_is_any_content_type(json_schema):
    responses = json_schema["paths"]["/api/v1/inspections/attachments/{id}/download/"]["get"]["responses"]
    assert list(responses["200"]["content"]) == ["*/*"]
    assert responses["410"]["content"]["application/json"]["schema"]["required"] == ["detail", "kind", "sha256"]


def test_an_operation_s_own_400_may_also_be_the_invalid_input_answer(json_schema):
    # an import answers its report with 400, but a request without a file gets the field errors
    answer = json_schema["paths"]["/api/v1/monitoring/years/{id}/import/"]["post"]["responses"]["400"]
    assert answer["content"]["application/json"]["schema"] == {"anyOf": [
        {"$ref": "#/components/schemas/ImportReport"}, {"$ref": "#/components/schemas/ValidationError"}]}


def test_refused_creates_are_not_operations(json_schema):
    # POST on these lists answers 405: the schema does not offer it
    for path in ("/api/v1/complaints/complaints/", "/api/v1/instruments/versions/"):
        assert "post" not in json_schema["paths"][path]


def test_an_address_the_api_does_not_serve_is_a_json_404(client, user):
    # e.g. an id that is not a number before an action: no route matches
    response = client.post("/api/v1/accounts/memberships/0.5/unlock/", HTTP_AUTHORIZATION=f"Token {token_of(client)}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}
    # a page outside the API keeps the 404 page
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def token_of(client) -> str:
    return token_for(client, "api_user", PASSWORD).json()["token"]
