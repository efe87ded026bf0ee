"""Each channel sends through a real local server: e-mail to an SMTP server (aiosmtpd), the WeCom
and DingTalk robots and the office's gateway to an HTTP server; the payloads are read back."""

import base64
import hashlib
import hmac
import time
import urllib.parse

import pytest

from dudao.notifications import channels
from dudao.notifications.models import ChannelSettings
from dudao.notifications.tests.servers import HTTPServer, SMTPServer, free_port

MESSAGE = channels.Message(title="整改通知 甲督整〔2026〕1号：请按期整改", body="操场围栏破损，须于期限内修复。",
                           link="https://dudao.example/inspections/1/", kind="new_notice",
                           recipient_name="李联络", recipient_phone="13700001111")


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.DEFAULT_FROM_EMAIL = "督导室 <dudao@county.example>"
        yield server


@pytest.fixture
def http():
    with HTTPServer() as server:
        yield server


def test_email_arrives_with_chinese_subject_and_body(smtp):
    channels.send("email", MESSAGE, "liaison@school.example", ChannelSettings())
    ((to, mail),) = smtp.messages
    assert to == ["liaison@school.example"]
    assert mail["Subject"].strip() == MESSAGE.title  # an encoded word, folded after "Subject:"
    text = mail.get_content()
    assert MESSAGE.body in text and MESSAGE.link in text


def test_email_to_a_closed_port_fails_with_a_reason(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    with pytest.raises(channels.DeliveryFailed) as failed:
        channels.send("email", MESSAGE, "liaison@school.example", ChannelSettings())
    assert failed.value.reason.startswith("mail server:") and "school.example" not in failed.value.reason


def test_wecom_robot_gets_markdown(http):
    channels.send("wecom", MESSAGE, "", ChannelSettings(wecom_url=http.url("/cgi-bin/webhook/send?key=K-SECRET")))
    (request,) = http.requests
    assert request.path == "/cgi-bin/webhook/send" and request.query == {"key": "K-SECRET"}
    payload = request.json()
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["content"].startswith(f"**{MESSAGE.title}**")
    assert MESSAGE.body in payload["markdown"]["content"] and MESSAGE.link in payload["markdown"]["content"]


def test_wecom_content_is_cut_to_4096_bytes(http):
    long = channels.Message(title="长消息", body="字" * 3000)
    channels.send("wecom", long, "", ChannelSettings(wecom_url=http.url("/send")))
    assert len(http.requests[0].json()["markdown"]["content"].encode()) <= 4096


def test_dingtalk_robot_is_signed(http):
    # DingTalk's custom robot (open.dingtalk.com/document/group/custom-robot-access, 加签):
    # sign = urlencode(base64(HMAC-SHA256(key=secret, f"{timestamp}\n{secret}"))), timestamp in ms
    secret = "SEC0123456789abcdef"
    before = int(time.time() * 1000)
    channels.send("dingtalk", MESSAGE, "", ChannelSettings(dingtalk_url=http.url("/robot/send?access_token=T1"),
                                                           dingtalk_secret=secret))
    (request,) = http.requests
    assert request.query["access_token"] == "T1"
    timestamp = int(request.query["timestamp"])
    assert before <= timestamp <= int(time.time() * 1000)
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert request.query["sign"] == expected.decode()  # the server's parse undid the URL encoding
    payload = request.json()
    assert payload["msgtype"] == "markdown" and payload["markdown"]["title"] == MESSAGE.title
    assert MESSAGE.body in payload["markdown"]["text"]


def test_dingtalk_sign_is_url_encoded():
    sign = channels.dingtalk_sign("secret", 1700000000000)
    digest = hmac.new(b"secret", b"1700000000000\nsecret", hashlib.sha256).digest()
    assert sign == urllib.parse.quote_plus(base64.b64encode(digest).decode())


def test_robot_refusal_is_a_failure(http):
    http.answer = {"errcode": 310000, "errmsg": "sign not match"}
    with pytest.raises(channels.DeliveryFailed) as failed:
        channels.send("dingtalk", MESSAGE, "", ChannelSettings(dingtalk_url=http.url("/robot/send?access_token=T1")))
    assert failed.value.reason == "refused: errcode 310000 sign not match"


def test_gateway_gets_the_message_and_the_shared_secret(http):
    channels.send("webhook", MESSAGE, "", ChannelSettings(webhook_url=http.url("/sms"), webhook_secret="gw-secret"))
    (request,) = http.requests
    assert request.headers[channels.WEBHOOK_SECRET_HEADER] == "gw-secret"
    assert request.json() == {"title": MESSAGE.title, "body": MESSAGE.body, "link": MESSAGE.link, "kind": "new_notice",
                              "recipient": {"name": "李联络", "phone": "13700001111"}}


def test_server_error_and_closed_port_fail_without_the_address(http):
    http.status = 500
    office = ChannelSettings(webhook_url=http.url("/sms?token=TOKEN-IN-URL"))
    with pytest.raises(channels.DeliveryFailed) as failed:
        channels.send("webhook", MESSAGE, "", office)
    assert failed.value.reason == "HTTP 500"
    with pytest.raises(channels.DeliveryFailed) as failed:
        channels.send("webhook", MESSAGE, "", ChannelSettings(webhook_url=f"http://127.0.0.1:{free_port()}/sms?token=T"))
    assert failed.value.reason.startswith("connection failed") and "token" not in failed.value.reason.lower()
