"""Guessing passwords: after a few wrong ones the account is locked for a while and the client is
slowed down, on the sign-in page and at the API's token exchange; the lock is audited, the person is
told until when, and the office can lift it. Passwords people choose mix kinds of characters, and a
browser left alone is signed out."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import Client

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import PASSWORD
from dudao.core.testing.world import build_world, fresh

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
LOCKED_ZH = "密码错误次数过多，登录已暂停至 10:00，请届时再试。"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="zh-CN", **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# ---- the sign-in page ------------------------------------------------------------------------------

def test_fifty_wrong_passwords_lock_the_account_and_the_right_one_is_refused_until_the_lock_ends(
        world, client, clock, settings):
    settings.DUDAO_LOGIN_FAILURES_ALLOWED, settings.DUDAO_LOGIN_LOCKOUT_MINUTES = 5, 30
    liaison = world.a.users["school_liaison"]
    # given someone trying 50 passwords for the liaison's account
    for attempt in range(50):
        assert sign_in(client, liaison.username, f"guess-{attempt}").status_code == 200
    # when the right password comes
    response = sign_in(client, liaison.username, PASSWORD)
    # then it is refused, with the time to try again in Chinese, and the account is locked for 30 minutes
    assert not signed_in(client)
    page = response.content.decode()
    assert 'data-testid="login-locked"' in page and LOCKED_ZH in page
    assert fresh(liaison).locked_until == NOW + datetime.timedelta(minutes=30)
    # and another browser (its own address) is refused too: the account is locked, not the client
    other = Client(REMOTE_ADDR="10.0.0.9")
    sign_in(other, liaison.username, PASSWORD)
    assert not signed_in(other)
    # when the lock has ended, the right password lets them in
    clock.shift(datetime.timedelta(minutes=30, seconds=1))
    sign_in(client, liaison.username, PASSWORD)
    assert signed_in(client)


def test_the_lock_is_audited_once_in_the_office_log_in_words(world, client, clock):
    liaison = world.a.users["school_liaison"]
    for attempt in range(12):
        sign_in(client, liaison.username, f"guess-{attempt}")
    # then one lock is recorded, against the liaison's role so that their office sees it
    event = AuditEvent.objects.get(action="accounts.user.lock")
    assert event.actor is None and event.target_id == str(liaison.memberships.get().pk)
    assert event.region_path == world.a.office.region.path
    assert event.reason == "连续 5 次密码错误"
    office = Client()
    office.force_login(world.a.users["office_admin"])
    label = "密码错误过多，锁定登录"  # in the filter's choices, and on the event's row
    log = office.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert log.count(label) == 2 and str(liaison) in log
    # and the neighbour county's office does not see it
    neighbour = Client()
    neighbour.force_login(world.b.users["office_admin"])
    assert neighbour.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode().count(label) == 1


def test_a_right_password_starts_the_count_again(world, client, clock):
    inspector = world.a.users["inspector"]
    for attempt in range(4):
        sign_in(client, inspector.username, f"guess-{attempt}")
    sign_in(client, inspector.username, PASSWORD)
    assert signed_in(client)
    client.logout()
    for attempt in range(4):
        sign_in(client, inspector.username, f"guess-{attempt}")
    sign_in(client, inspector.username, PASSWORD)
    assert signed_in(client) and fresh(inspector).locked_until is None


def test_a_client_guessing_many_accounts_is_refused_and_others_behind_the_proxy_are_not(
        world, clock, settings):
    # given the site behind one proxy, and a client trying one password on many usernames
    settings.DUDAO_TRUSTED_PROXY_COUNT = 1
    settings.DUDAO_LOGIN_CLIENT_FAILURES_ALLOWED = 20
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    for n in range(20):
        sign_in(attacker, f"teacher{n}", "123456")
    # when the same client then gives a right password, it is refused with the time to try again
    response = sign_in(attacker, world.a.users["inspector"].username, PASSWORD)
    assert not signed_in(attacker) and 'data-testid="login-locked"' in response.content.decode()
    assert fresh(world.a.users["inspector"]).locked_until is None  # the account itself is not locked
    # and a colleague coming through the same proxy from another address signs in
    colleague = Client(HTTP_X_FORWARDED_FOR="198.51.100.4", REMOTE_ADDR="10.0.0.1")
    sign_in(colleague, world.a.users["inspector"].username, PASSWORD)
    assert signed_in(colleague)


# ---- the API's token exchange ---------------------------------------------------------------------

def test_hundred_wrong_token_requests_lock_the_account_and_the_answer_says_until_when(world, client, clock):
    inspector = world.a.users["inspector"]
    answers = [client.post(TOKEN, {"username": inspector.username, "password": f"guess-{n}"},
                           HTTP_ACCEPT_LANGUAGE="zh-CN").status_code for n in range(100)]
    # the first four are wrong passwords, the fifth locks, and from then on the account is refused
    assert answers[:4] == [400] * 4 and set(answers[4:]) == {429}
    response = client.post(TOKEN, {"username": inspector.username, "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED_ZH}
    assert response["Retry-After"] == str(30 * 60)
    assert AuditEvent.objects.filter(action="accounts.user.lock").count() == 1
    clock.shift(datetime.timedelta(minutes=31))
    assert client.post(TOKEN, {"username": inspector.username, "password": PASSWORD}).status_code == 200


# ---- unlocking -------------------------------------------------------------------------------------

def lock(user):
    for attempt in range(5):
        Client().post(TOKEN, {"username": user.username, "password": f"guess-{attempt}"})
    assert fresh(user).locked_until is not None


def test_the_office_admin_unlocks_a_person_of_their_office_from_the_accounts_page(world, client, clock):
    liaison = world.a.users["school_liaison"]
    lock(liaison)
    membership = liaison.memberships.get()
    office = Client()
    office.force_login(world.a.users["office_admin"])
    # the accounts page offers to unlock the locked person
    page = office.get(f"/accounts/roles/?q={liaison.username}", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'data-testid="unlock"' in page and "解除登录锁定" in page
    # the neighbour county's office cannot unlock them
    neighbour = Client()
    neighbour.force_login(world.b.users["office_admin"])
    assert neighbour.post(f"/accounts/roles/{membership.pk}/unlock/").status_code in (403, 404)
    assert fresh(liaison).locked_until is not None
    # when their own office unlocks them, they sign in with the right password, and it is audited
    assert office.post(f"/accounts/roles/{membership.pk}/unlock/").status_code == 302
    sign_in(client, liaison.username, PASSWORD)
    assert signed_in(client)
    event = AuditEvent.objects.get(action="accounts.user.unlock")
    assert event.actor == world.a.users["office_admin"] and event.target_id == str(membership.pk)


def test_the_api_twin_shows_the_lock_and_lifts_it(world, client, clock):
    inspector = world.a.users["inspector"]
    lock(inspector)
    membership = inspector.memberships.get()
    admin = Client()
    admin.force_login(world.sysadmin)
    listed = admin.get(f"/api/v1/accounts/memberships/{membership.pk}/").json()
    assert listed["username"] == inspector.username and listed["locked_until"] is not None
    # an inspector cannot unlock anyone
    other = Client()
    other.force_login(world.a.users["office_staff"])
    assert other.post(f"/api/v1/accounts/memberships/{membership.pk}/unlock/").status_code in (403, 404)
    # the system administrator can
    response = admin.post(f"/api/v1/accounts/memberships/{membership.pk}/unlock/")
    assert response.status_code == 200 and response.json()["locked_until"] is None
    assert client.post(TOKEN, {"username": inspector.username, "password": PASSWORD}).status_code == 200


# ---- password policy and idle sessions --------------------------------------------------------------

@pytest.mark.parametrize("weak", ["abcdefgh", "abcdefg1", "ABCDEFG!", "Ab1!"])
def test_a_weak_password_is_refused_with_the_rule_in_chinese(world, client, weak):
    user = world.a.users["inspector"]
    client.force_login(user)
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": weak,
                                                    "new_password2": weak}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 400
    page = response.content.decode()
    assert "密码须至少包含大写字母、小写字母、数字和符号中的 3 种" in page or "密码长度太短" in page
    assert fresh(user).check_password(PASSWORD)
    api = client.post("/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": weak},
                      HTTP_ACCEPT_LANGUAGE="zh-CN", content_type="application/json")
    assert api.status_code == 400 and "new_password" in api.json()


def test_a_password_of_three_kinds_is_accepted(world, client):
    user = world.a.users["inspector"]
    client.force_login(user)
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "harbour-Lights-42",
                                                    "new_password2": "harbour-Lights-42"})
    assert response.status_code == 302 and fresh(user).check_password("harbour-Lights-42")


def test_an_idle_browser_is_signed_out_and_an_active_one_stays(world, client, clock, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    sign_in(client, world.a.users["inspector"].username, PASSWORD)
    assert client.cookies["sessionid"]["max-age"] == 30 * 60
    # working every 20 minutes keeps the session for more than 30 minutes
    for _ in range(3):
        clock.shift(datetime.timedelta(minutes=20))
        assert client.get("/").status_code == 200
    # left alone for 31 minutes, the next page asks to sign in again
    clock.shift(datetime.timedelta(minutes=31))
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_generated_initial_passwords_mix_three_kinds():
    from dudao.accounts.services import _generated_password
    from dudao.accounts.validators import character_kinds

    assert all(character_kinds(_generated_password()) == 3 for _ in range(500))
