"""A county office's first week: forms that ask for an effective date start at today, and a person
whose password an office or an administrator set chooses their own before doing anything else."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dudao.accounts.models import User
from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import PASSWORD
from dudao.core.testing.world import build_world, fresh

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
CHANGE_PAGE = "/accounts/password/"
NEW_PASSWORD = "Liu-Lin-2026-mine"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def date_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def admin_site_user(world):
    User.objects.filter(pk=world.sysadmin.pk).update(is_staff=True, is_superuser=True)  # as ``dudao demo``'s
    return fresh(world.sysadmin)


def grant_new_account(client, world, username="new_liaison") -> tuple[User, str]:
    client.force_login(world.a.users["office_admin"])
    response = client.post("/accounts/roles/add/", {
        "username": username, "full_name": "赵老师", "role": "school_liaison",
        "office": world.a.office.pk, "school": world.a.schools[3].pk, "valid_from": "2026-03-02",
    }, follow=True)
    password = re.search(r"([A-Za-z0-9]{12})$", str(list(response.context["messages"])[0])).group(1)
    client.logout()
    return User.objects.get(username=username), password


# ---- effective dates ----------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["/accounts/roles/add/", "/inspectors/schools/{school}/listing/",
                                  "/organizations/schools/{school}/zone/"])
def test_office_admin_finds_today_as_the_effective_date_in_chinese(world, client, page):
    # given the office administrator working in Chinese (the default language)
    client.force_login(world.a.users["office_admin"])
    # when they open the form that grants a role, re-lists a school or moves it to another zone
    response = client.get(page.format(school=world.a.schools[0].pk), HTTP_ACCEPT_LANGUAGE="zh-CN")
    # then the date input already holds today, in the form a browser's date picker shows
    assert response.status_code == 200
    assert date_value(response.content.decode(), "valid_from") == "2026-03-02"


# ---- the first sign-in ----------------------------------------------------------------------------

def test_new_account_signs_in_and_must_change_the_password_before_anything_else(world, client):
    # given an account the office just created, with the password it was shown once
    user, password = grant_new_account(client, world)
    assert user.must_change_password
    # when its owner signs in
    assert client.login(username=user.username, password=password)
    # then every page sends them to the change-password page, which remembers where they were going
    response = client.get("/inspections/visits/")
    assert response.status_code == 302
    assert response.url == CHANGE_PAGE + "?next=%2Finspections%2Fvisits%2F"
    assert client.get("/").url.startswith(CHANGE_PAGE)
    page = client.get(response.url)
    assert page.status_code == 200 and 'data-testid="password-change-required"' in page.content.decode()
    # when they choose their own password
    response = client.post(CHANGE_PAGE, {"old_password": password, "new_password1": NEW_PASSWORD,
                                         "new_password2": NEW_PASSWORD, "next": "/inspections/visits/"})
    # then they land where they were going, stay signed in, and the change is audited (no password in it)
    assert response.status_code == 302 and response.url == "/inspections/visits/"
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.user.change_password")
    assert event.changes == {"must_change_password": [True, False]}
    assert NEW_PASSWORD not in str(event.changes)


def test_the_office_password_cannot_be_kept(world, client):
    user, password = grant_new_account(client, world)
    client.login(username=user.username, password=password)
    response = client.post(CHANGE_PAGE, {"old_password": password, "new_password1": password,
                                         "new_password2": password})
    assert response.status_code == 400
    assert fresh(user).must_change_password
    assert client.get("/").status_code == 302


def test_signing_out_stays_possible_before_the_change(world, client):
    user, password = grant_new_account(client, world)
    client.login(username=user.username, password=password)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_is_sent_to_the_change_page(world, client):
    user, password = grant_new_account(client, world)
    client.login(username=user.username, password=password)
    response = client.get("/inspections/visits/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith(CHANGE_PAGE)


def test_office_resets_a_password_and_its_owner_must_change_it(world, client):
    # given a liaison who signs in normally
    liaison = world.a.users["school_liaison"]
    assert client.login(username=liaison.username, password=PASSWORD)
    assert client.get("/").status_code == 200
    # when the office resets their password
    office = Client()
    office.force_login(world.a.users["office_admin"])
    membership = liaison.memberships.get()
    response = office.post(f"/accounts/roles/{membership.pk}/reset-password/", follow=True)
    password = re.search(r"([A-Za-z0-9]{12})$", str(list(response.context["messages"])[0])).group(1)
    # then signing in with the new password leads to the change page first, and the reset is audited
    assert client.login(username=liaison.username, password=password)
    assert client.get("/").url.startswith(CHANGE_PAGE)
    reset = AuditEvent.objects.get(action="accounts.user.reset_password")
    assert reset.changes == {"must_change_password": [False, True]}


def test_sysadmin_sets_a_password_in_the_admin_and_its_owner_must_change_it(world, client):
    # given the system administrator in the Django admin
    target = world.a.users["inspector"]
    client.force_login(admin_site_user(world))
    # when they set the inspector's password
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    response = client.post(url, {"password1": "Admin-Set-2026", "password2": "Admin-Set-2026",
                                 "usable_password": "true"})
    # then the inspector must choose their own at the next sign-in, and it is audited
    assert response.status_code == 302
    assert fresh(target).must_change_password
    assert AuditEvent.objects.filter(action="accounts.user.set_password", target_id=str(target.pk)).exists()
    inspector = Client()
    assert inspector.login(username=target.username, password="Admin-Set-2026")
    assert inspector.get("/").url.startswith(CHANGE_PAGE)


def test_sysadmin_adds_an_account_in_the_admin_and_its_owner_must_change_the_password(world, client):
    client.force_login(admin_site_user(world))
    response = client.post(reverse("admin:accounts_user_add"), {
        "username": "added_in_admin", "password1": "Admin-Set-2026", "password2": "Admin-Set-2026",
        "usable_password": "true", "_save": "1",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert User.objects.get(username="added_in_admin").must_change_password


# ---- the API -------------------------------------------------------------------------------------

def test_api_client_with_an_office_set_password_is_told_to_change_it(world, client):
    # given a new account with a token, got with the office's password
    user, password = grant_new_account(client, world)
    api = Client()
    token = api.post("/api/v1/auth/token/", {"username": user.username, "password": password}).json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    # when the client reads with it, then a 403 says to change the password first
    response = api.get("/api/v1/organizations/schools/", **headers)
    assert response.status_code == 403
    assert "/api/v1/auth/password/" in response.json()["detail"]
    # when the client changes the password through the API (the office's password refused again)
    same = api.post("/api/v1/auth/password/", {"old_password": password, "new_password": password}, **headers)
    assert same.status_code == 400 and "new_password" in same.json()
    changed = api.post("/api/v1/auth/password/", {"old_password": password, "new_password": NEW_PASSWORD}, **headers)
    # then the same token reads, and the change is audited
    assert changed.status_code == 200
    assert api.get("/api/v1/organizations/schools/", **headers).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.user.change_password", target_id=str(user.pk)).exists()


def test_api_password_change_needs_the_current_password(world, client):
    user = world.a.users["inspector"]
    client.force_login(user)
    response = client.post("/api/v1/auth/password/", {"old_password": "wrong", "new_password": NEW_PASSWORD},
                           content_type="application/json")
    assert response.status_code == 400 and "old_password" in response.json()
    assert fresh(user).check_password(PASSWORD)
