"""Sign-in failure handling: wrong passwords lock the account and slow down the client.

After ``DUDAO_LOGIN_FAILURES_ALLOWED`` wrong passwords for an account in a row (a success, or a
quiet period as long as the lock, starts the count again) the account is locked for
``DUDAO_LOGIN_LOCKOUT_MINUTES``; the lock is audited and an office administrator (for the people of
their office) or a system administrator can lift it (``services.user_unlock``). A client address
(``core.ratelimit.client_ip``, which honours ``DUDAO_TRUSTED_PROXY_COUNT``) that gives
``DUDAO_LOGIN_CLIENT_FAILURES_ALLOWED`` wrong passwords, for any usernames, within one such period is
refused until the period ends. While refused, the password is not even checked.

``accounts.backends.RoleBackend`` applies this to every sign-in by password: the sign-in page, the
API token exchange, ``Client.login`` in tests. It leaves ``login_locked_until`` on the request so that
the page and the API can say until when.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.core import ratelimit

CLIENT_SCOPE = "sign-in-failures"
logger = logging.getLogger(__name__)


def lock_period() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.DUDAO_LOGIN_LOCKOUT_MINUTES)


def _client_window() -> int:
    return int(lock_period().total_seconds())


def refused_until(request, username: str) -> datetime.datetime | None:
    """The end of the lock of ``username``'s account or of the request's client, if either is locked now."""
    from dudao.accounts.models import User

    now = timezone.now()
    ends = []
    locked_until = User.objects.filter(username=username).values_list("locked_until", flat=True).first()
    if locked_until is not None and locked_until > now:
        ends.append(locked_until)
    if request is not None:
        failures, left = ratelimit.hits(CLIENT_SCOPE, ratelimit.client_ip(request), _client_window())
        if failures >= settings.DUDAO_LOGIN_CLIENT_FAILURES_ALLOWED:
            ends.append(now + datetime.timedelta(seconds=left))
    return max(ends) if ends else None


@transaction.atomic
def failed(request, username: str) -> datetime.datetime | None:
    """Counts a wrong password against the client and the account; locks what reached its limit.
    Returns the end of the lock this failure caused, if any."""
    from dudao.accounts.models import User

    now = timezone.now()
    ends = []
    if request is not None:
        ip = ratelimit.client_ip(request)
        failures, left = ratelimit.hit(CLIENT_SCOPE, ip, _client_window())
        if failures >= settings.DUDAO_LOGIN_CLIENT_FAILURES_ALLOWED:
            ends.append(now + datetime.timedelta(seconds=left))
            if failures == settings.DUDAO_LOGIN_CLIENT_FAILURES_ALLOWED:
                logger.warning("sign-in refused to client %s for %d s after %d wrong passwords", ip, left, failures)
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None:
        if user.last_failed_login is None or now - user.last_failed_login > lock_period():
            user.failed_logins = 0
        user.failed_logins += 1
        user.last_failed_login = now
        fields = ["failed_logins", "last_failed_login"]
        if user.failed_logins >= settings.DUDAO_LOGIN_FAILURES_ALLOWED:
            ends.append(_lock(user, now))
            fields.append("locked_until")
        user.save(update_fields=fields)
    return max(ends) if ends else None


def _lock(user, now) -> datetime.datetime:
    from dudao.audit.services import record

    old, failures = user.locked_until, user.failed_logins
    user.locked_until = now + lock_period()
    user.failed_logins = 0
    record(actor=None, action="accounts.user.lock", target=audit_target(user),
           changes={"locked_until": [old, user.locked_until]},
           reason=_("%(count)d wrong passwords in a row") % {"count": failures})
    return user.locked_until


def succeeded(user) -> None:
    """A right password (outside any lock) starts the count of failures again."""
    if user.failed_logins or user.last_failed_login:
        type(user).objects.filter(pk=user.pk).update(failed_logins=0, last_failed_login=None)
        user.failed_logins, user.last_failed_login = 0, None


def audit_target(user):
    """What a lock or an unlock of ``user`` is recorded against: their current role in an office, so
    that the office sees it in its audit log; the account itself when they have none."""
    membership = user.memberships.current().filter(office__isnull=False).order_by("valid_from", "pk").first()
    return membership or user


def refused_message(until: datetime.datetime) -> str:
    """Tells the person until when signing in is refused (rounded up to the minute, local time)."""
    local = timezone.localtime(until)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    shown = local.strftime("%H:%M") if local.date() == timezone.localdate() else local.strftime("%Y-%m-%d %H:%M")
    return _("Too many wrong passwords: signing in is paused until %(time)s. Please try again then.") % {
        "time": shown}
