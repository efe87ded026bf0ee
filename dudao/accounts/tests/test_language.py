"""Chinese first: zh-hans by default, the browser's English when asked, and a saved choice wins."""

import pytest
from django.conf import settings
from django.urls import reverse

from dudao.accounts.models import User
from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import make_user
from dudao.core.testing.world import fresh

pytestmark = pytest.mark.django_db

CHINESE = "登录"  # "Sign in" in the zh_Hans catalogue
ENGLISH = "Sign in"


@pytest.fixture
def user():
    return make_user("lang_user", "sysadmin")


def login_page(client, **headers):
    response = client.get(reverse("accounts:login"), **headers)
    assert response.status_code == 200
    return response


def test_chinese_without_any_hint(client):
    # given no Accept-Language header and no cookie
    response = login_page(client)
    # then the page is Chinese
    assert response["Content-Language"] == "zh-hans"
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    assert CHINESE in page and ENGLISH not in page


def test_browser_english_is_honoured(client):
    response = login_page(client, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert ENGLISH in page and CHINESE not in page


def test_browser_chinese_variant_is_simplified_chinese(client):
    assert login_page(client, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")["Content-Language"] == "zh-hans"


def test_unsupported_browser_language_falls_back_to_chinese(client):
    assert login_page(client, HTTP_ACCEPT_LANGUAGE="fr-FR,de;q=0.8")["Content-Language"] == "zh-hans"


def test_saved_language_wins_over_the_browser(client, user):
    # given a user who saved Chinese, with an English browser
    User.objects.filter(pk=user.pk).update(language="zh-hans")
    client.force_login(fresh(user))
    # when they open a page
    response = client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    # then it is Chinese
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


def test_saved_english_wins_over_a_chinese_browser(client, user):
    User.objects.filter(pk=user.pk).update(language="en")
    client.force_login(fresh(user))
    response = client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response["Content-Language"] == "en"


def test_switching_language_saves_it_on_the_account(client, user):
    # given a signed-in user with no saved language
    client.force_login(fresh(user))
    before = AuditEvent.objects.count()

    # when they switch to English
    response = client.post(reverse("accounts:language"), {"language": "en", "next": "/organizations/schools/"})

    # then they go back where they were, the choice is saved and audited, and later pages are English
    assert response.status_code == 302
    assert response["Location"] == "/organizations/schools/"
    assert fresh(user).language == "en"
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("seq").changes == {"language": ["", "en"]}
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # the account alone must carry it
    assert client.get(reverse("reports:dashboard"))["Content-Language"] == "en"


def test_switching_language_signed_out_sets_a_cookie(client):
    response = client.post(reverse("accounts:language"), {"language": "en", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert login_page(client)["Content-Language"] == "en"


def test_unknown_language_and_foreign_next_are_ignored(client, user):
    client.force_login(fresh(user))
    response = client.post(reverse("accounts:language"), {"language": "fr", "next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    assert fresh(user).language == ""
