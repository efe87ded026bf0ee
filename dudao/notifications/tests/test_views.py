"""The pages and their API twins: a person's own channels, the office's channels with its secrets
masked, the delivery log filtered by status in a constant number of queries; Chinese and English."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.notifications import services
from dudao.notifications.models import ChannelSettings, Delivery, Kind, Notification, Preference

pytestmark = pytest.mark.django_db

SECRETS = {"wecom_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=WECOM-KEY-0000-1234",
           "dingtalk_url": "https://oapi.dingtalk.com/robot/send?access_token=DING-TOKEN-5678",
           "dingtalk_secret": "SEC-DING-SECRET-0001", "webhook_url": "https://sms.county.example/send?t=GW-URL-TOKEN",
           "webhook_secret": "GW-SHARED-SECRET-42"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def signed_in(client, user, language="zh-hans"):
    get_user_model().objects.filter(pk=user.pk).update(language=language)
    client.force_login(fresh(user))
    return client


def rows(response):
    assert response.status_code == 200
    return response.json()["results"]


def configured(world):
    return services.channel_settings_set(actor=fresh(world.a.users["office_admin"]), office_id=world.a.office.pk,
                                         **SECRETS)


def assert_no_secret(text):
    for value in SECRETS.values():
        assert value not in text
    for part in ("WECOM-KEY", "DING-TOKEN", "SEC-DING-SECRET-", "GW-URL-TOKEN", "GW-SHARED-SECRET"):
        assert part not in text


@pytest.mark.parametrize(("language", "words"), [("zh-hans", ["我的消息渠道", "新整改通知", "企业微信"]),
                                                  ("en", ["My message channels", "New rectification notice", "WeCom"])])
def test_a_person_sets_their_own_channels(world, client, language, words):
    liaison = world.a.users["school_liaison"]
    signed_in(client, liaison, language)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    text = page.content.decode()
    assert all(w in text for w in words)
    reply = client.post(reverse("notifications:preferences"), {"kind_overdue": ["wecom", "dingtalk"], "digest": "on"})
    assert reply.status_code == 302
    pref = Preference.objects.get(user=liaison)
    assert pref.channels[Kind.OVERDUE] == ["wecom", "dingtalk"] and pref.channels[Kind.NEW_NOTICE] == [] and pref.digest
    # e-mail without an address is refused on the form
    reply = client.post(reverse("notifications:preferences"), {"kind_overdue": ["email"]})
    assert reply.status_code == 400


def test_preferences_api_is_ones_own(world, client):
    inspector = world.a.users["inspector"]
    services.preference_set(actor=fresh(world.a.users["zone_leader"]), channels={Kind.OVERDUE: ["wecom"]})
    signed_in(client, inspector)
    assert client.get("/api/v1/notifications/preferences/mine/").json() == {"channels": {}, "digest": False}
    reply = client.post("/api/v1/notifications/preferences/set/",
                        {"channels": {"overdue": ["dingtalk"]}, "digest": True}, content_type="application/json")
    assert reply.status_code == 200 and reply.json() == {"channels": {"overdue": ["dingtalk"]}, "digest": True}
    assert client.post("/api/v1/notifications/preferences/set/", {"channels": {"nonsense": []}},
                       content_type="application/json").status_code == 400
    # the zone leader's choice is untouched and never shown to the inspector
    assert Preference.objects.get(user=world.a.users["zone_leader"]).channels == {"overdue": ["wecom"]}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_office_page_shows_secrets_masked_and_keeps_them(world, client, language):
    configured(world)
    signed_in(client, world.a.users["office_admin"], language)
    page = client.get(reverse("notifications:channels"))
    assert page.status_code == 200
    text = page.content.decode()
    assert_no_secret(text)
    assert "••••0001" in text and ("钉钉" in text if language == "zh-hans" else "DingTalk" in text)
    # saving with the secret fields left empty keeps them; a ticked one is removed
    reply = client.post(reverse("notifications:channels"), {
        "office": world.a.office.pk, "kind_new_notice": ["wecom"], "low_priority": ["survey_closing"],
        "clear": ["webhook_secret"]})
    assert reply.status_code == 302
    row = ChannelSettings.objects.get(office=world.a.office)
    assert row.dingtalk_secret == SECRETS["dingtalk_secret"] and row.webhook_secret == ""
    assert row.defaults[Kind.NEW_NOTICE] == ["wecom"] and row.low_priority == ["survey_closing"]


def test_office_channels_are_the_offices_own(world, client):
    configured(world)
    # another county's administrator neither sees nor changes them
    signed_in(client, world.b.users["office_admin"])
    assert client.get(reverse("notifications:channels") + f"?office={world.a.office.pk}").status_code == 404
    assert rows(client.get("/api/v1/notifications/channel-settings/")) == []
    reply = client.post("/api/v1/notifications/channel-settings/set/", {"office": world.a.office.pk,
                        "wecom_url": "https://example.com/x"}, content_type="application/json")
    assert reply.status_code == 404
    # staff read nothing of them; an inspector has no such page
    signed_in(client, world.a.users["office_staff"])
    assert client.get(reverse("notifications:channels")).status_code == 403
    assert client.post("/api/v1/notifications/channel-settings/set/", {"office": world.a.office.pk},
                       content_type="application/json").status_code == 403
    assert ChannelSettings.objects.get(office=world.a.office).wecom_url == SECRETS["wecom_url"]


def test_office_api_shows_secrets_masked(world, client):
    configured(world)
    signed_in(client, world.a.users["office_admin"])
    listing = client.get("/api/v1/notifications/channel-settings/")
    assert listing.status_code == 200
    assert_no_secret(listing.content.decode())
    reply = client.post("/api/v1/notifications/channel-settings/set/",
                        {"office": world.a.office.pk, "defaults": {"overdue": ["dingtalk"]}},
                        content_type="application/json")
    assert reply.status_code == 200
    assert_no_secret(reply.content.decode())
    assert reply.json()["dingtalk_secret"] == "••••0001" and reply.json()["defaults"] == {"overdue": ["dingtalk"]}


def _log(world, n):
    user = world.a.users["inspector"]
    for i in range(n):
        note = Notification.objects.create(recipient=user, title=f"整改通知 {i}", kind=Kind.NEW_NOTICE)
        Delivery.objects.create(notification=note, office=world.a.office, channel="wecom",
                                status=Delivery.Status.FAILED if i % 2 else Delivery.Status.SENT,
                                attempts=3 if i % 2 else 1, last_error="HTTP 500" if i % 2 else "")


def test_delivery_log_filters_by_status_in_constant_queries(world, client, django_assert_max_num_queries):
    signed_in(client, world.a.users["office_admin"])
    _log(world, 4)
    with django_assert_max_num_queries(30) as few:
        page = client.get(reverse("notifications:deliveries") + "?status=failed")
    _log(world, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("notifications:deliveries") + "?status=failed")
    assert page.status_code == 200 and "服务器返回错误（状态码 500）" in page.content.decode()
    failed = rows(client.get("/api/v1/notifications/deliveries/?status=failed"))
    assert failed and {r["status"] for r in failed} == {"failed"} and failed[0]["last_error"] == "HTTP 500"
    assert failed[0]["reason"] == "服务器返回错误（状态码 500）。"
    # another county's administrator sees none of it
    signed_in(client, world.b.users["office_admin"])
    assert rows(client.get("/api/v1/notifications/deliveries/")) == []
