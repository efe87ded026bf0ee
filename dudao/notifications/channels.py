"""Where a message goes besides the inbox: e-mail, a WeCom (企业微信) group robot, a DingTalk (钉钉)
robot, and a generic HTTP webhook an office points at its own SMS gateway.

Every channel is one function behind one interface::

    send(message, address, settings) -> None      # raises DeliveryFailed(reason)

``message`` is a ``Message`` (title, body, link, kind, recipient's name and phone), ``address`` is
the person's side (their e-mail address; empty for the office's robots), ``settings`` the office's
``ChannelSettings`` (robot and webhook addresses, the DingTalk secret, the shared-secret header).
A channel makes one try with a short timeout; the delivery job retries. A reason never holds an
address or a secret: a webhook address carries its key in the query string.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.utils.translation import gettext_lazy

TIMEOUT_SECONDS = 5
WECOM_MARKDOWN_LIMIT = 4096  # bytes of markdown content a WeCom group robot accepts
WEBHOOK_SECRET_HEADER = "X-Dudao-Secret"


class DeliveryFailed(Exception):
    """A channel could not deliver; ``reason`` is safe to store and show (no address, no secret)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Message:
    title: str
    body: str = ""
    link: str = ""
    kind: str = "other"
    recipient_name: str = ""
    recipient_phone: str = ""


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64(HMAC-SHA256(key=secret, f"{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def _text(message: Message) -> str:
    return "\n\n".join(part for part in (message.title, message.body, message.link) if part)


def _post_json(url: str, payload: dict, headers: dict | None = None) -> bytes:
    if not url:
        raise DeliveryFailed("no address configured")
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (an office's own address)
            return response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:  # the reason's type only: its text may quote the address
        kind = type(exc.reason).__name__ if isinstance(exc.reason, BaseException) else "URLError"
        raise DeliveryFailed(f"connection failed: {kind}") from None
    except TimeoutError:
        raise DeliveryFailed(f"no answer within {TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise DeliveryFailed(f"connection failed: {type(exc).__name__}") from None


def _robot_answer(raw: bytes) -> None:
    """WeCom and DingTalk answer 200 with ``{"errcode": 0, "errmsg": "ok"}``; another errcode is a refusal."""
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise DeliveryFailed("the robot's answer was not JSON") from None
    code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if code:
        raise DeliveryFailed(f"refused: errcode {code} {str(answer.get('errmsg', ''))[:100]}")


def send_email(message: Message, address: str, settings) -> None:
    if not address:
        raise DeliveryFailed("the person has no e-mail address")
    mail = EmailMessage(subject=message.title, body=_text(message), to=[address])
    try:
        mail.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"mail server: {type(exc).__name__}") from None


def send_wecom(message: Message, address: str, settings) -> None:
    """A WeCom group robot: ``{"msgtype": "markdown", "markdown": {"content": ...}}`` (≤ 4096 bytes)."""
    lines = [f"**{message.title}**"]
    if message.body:
        lines.append(message.body)
    if message.link:
        lines.append(f"[{message.link}]({message.link})")
    content = "\n".join(lines).encode()[:WECOM_MARKDOWN_LIMIT].decode(errors="ignore")
    _robot_answer(_post_json(settings.wecom_url, {"msgtype": "markdown", "markdown": {"content": content}}))


def send_dingtalk(message: Message, address: str, settings) -> None:
    """A DingTalk robot: markdown with a title; signed with ``timestamp`` and ``sign`` in the query."""
    url = settings.dingtalk_url
    if url and settings.dingtalk_secret:
        timestamp = int(time.time() * 1000)
        joiner = "&" if urllib.parse.urlsplit(url).query else "?"
        url = f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(settings.dingtalk_secret, timestamp)}"
    text = f"### {message.title}\n\n{message.body}" + (f"\n\n[{message.link}]({message.link})" if message.link else "")
    _robot_answer(_post_json(url, {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}))


def send_webhook(message: Message, address: str, settings) -> None:
    """The office's own gateway (an SMS gateway): the message as JSON, the shared secret in a header."""
    headers = {WEBHOOK_SECRET_HEADER: settings.webhook_secret} if settings.webhook_secret else {}
    _post_json(settings.webhook_url, {
        "title": message.title, "body": message.body, "link": message.link, "kind": message.kind,
        "recipient": {"name": message.recipient_name, "phone": message.recipient_phone},
    }, headers)


SENDERS = {"email": send_email, "wecom": send_wecom, "dingtalk": send_dingtalk, "webhook": send_webhook}


def send(channel: str, message: Message, address: str, settings) -> None:
    """Sends ``message`` through ``channel`` once; raises ``DeliveryFailed`` with a safe reason."""
    try:
        sender = SENDERS[channel]
    except KeyError:
        raise DeliveryFailed(f"unknown channel {channel}") from None
    sender(message, address, settings)


# The stored reasons as people read them (the log keeps the technical text; the API returns both).
_REASON_TEXTS = (
    (re.compile(r"^HTTP (\d+)$"), gettext_lazy("The server answered with an error (status {0}).")),
    (re.compile(r"^connection failed"), gettext_lazy("The address could not be reached.")),
    (re.compile(r"^no answer within (\d+) s$"), gettext_lazy("No answer within {0} seconds.")),
    (re.compile(r"^refused: errcode (\d+)"), gettext_lazy("The robot refused the message (error {0}).")),
    (re.compile(r"^the robot's answer was not JSON$"), gettext_lazy("The robot's answer could not be read.")),
    (re.compile(r"^mail server"), gettext_lazy("The mail server could not be reached or refused the message.")),
    (re.compile(r"^the person has no e-mail address$"), gettext_lazy("The recipient has no e-mail address.")),
    (re.compile(r"^no address configured$"), gettext_lazy("The office has not set this channel's address.")),
)


def reason_text(reason: str) -> str:
    """A stored reason in the reader's language; an unforeseen one as a general failure."""
    if not reason:
        return ""
    for pattern, text in _REASON_TEXTS:
        match = pattern.match(reason)
        if match:
            return str(text).format(*match.groups())
    return str(gettext_lazy("Sending failed for an unexpected reason."))
