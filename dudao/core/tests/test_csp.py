"""The Content-Security-Policy: every page carries it, scripts only from the site, no eval; settings extend it."""

import pytest
from django.urls import reverse

from dudao.core.middleware import content_security_policy
from dudao.core.testing.world import fresh, world_rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} twice"
        parsed[name] = sources
    return parsed


PAGES = [("reports:dashboard", "office_admin"), ("inspections:visit_list", "inspector"),
         ("inspections:visit_add", "inspector"), ("organizations:school_list", "office_admin"),
         ("plans:workplan_list", "office_admin"), ("surveys:survey_list", "office_admin"), ("api:docs", "office_admin")]


@pytest.mark.parametrize(("name", "who"), PAGES)
def test_every_page_forbids_inline_script_and_eval(world, client, name, who):
    # when someone opens a page
    client.force_login(fresh(world.a.users[who]))
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")

    # then its policy takes scripts from the site only: no inline script, no eval, no plug-in, no framing
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    # photos chosen on the device are previewed from blob: URLs; Tabler's CSS draws icons from data: URLs
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_sign_in_and_error_pages_carry_the_policy(client):
    # the login page (no one signed in) and a page that does not exist
    for response in (client.get(reverse("accounts:login")), client.get("/no-such-page/")):
        assert "script-src 'self';" in response["Content-Security-Policy"]


def test_files_and_data_carry_no_policy(world, client):
    # a static file, the API's JSON: no policy (a policy on a PDF would stop Chrome's viewer)
    client.force_login(fresh(world.a.users["office_admin"]))
    for response in (client.get(reverse("api:schema")), client.get("/api/v1/organizations/schools/")):
        assert response.status_code == 200
        assert not response["Content-Type"].startswith("text/html")
        assert "Content-Security-Policy" not in response


def test_settings_extend_the_policy_and_may_only_report(world, client, settings):
    # given an operator who adds a map server's images, a report address and frames by the site itself
    settings.DUDAO_CSP = "img-src https://maps.example.gov.cn; report-uri /csp-reports/ ; Frame-Ancestors 'self';"
    settings.DUDAO_CSP_REPORT_ONLY = True
    response = client.get(reverse("accounts:login"))

    # then the browser is asked to report, not block, with the sources added and the rest unchanged
    assert "Content-Security-Policy" not in response
    policy = directives(response["Content-Security-Policy-Report-Only"])
    assert policy["img-src"] == ["'self'", "data:", "blob:", "https://maps.example.gov.cn"]
    assert policy["report-uri"] == ["/csp-reports/"]
    assert policy["frame-ancestors"] == ["'self'"]  # 'none' gives way to the source added
    assert policy["script-src"] == ["'self'"]


def test_policy_without_extension_is_the_default():
    assert content_security_policy("") == content_security_policy(" ; ")
    assert content_security_policy("").startswith("default-src 'self'; script-src 'self'; ")
