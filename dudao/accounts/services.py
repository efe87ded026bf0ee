from django.db import transaction

from dudao.audit.services import record


@transaction.atomic
def user_set_language(*, actor, language: str):
    """Saves the user's interface language."""
    if actor.language != language:
        old = actor.language
        actor.language = language
        actor.save(update_fields=["language"])
        record(actor=actor, action="accounts.user.set_language", target=actor, changes={"language": [old, language]})
    return actor


def _generated_password() -> str:
    import secrets

    from dudao.accounts.validators import character_kinds

    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:  # upper case, lower case and digits, as a password the person chooses must mix
        password = "".join(secrets.choice(alphabet) for _ in range(12))
        if character_kinds(password) == 3:
            return password


@transaction.atomic
def membership_grant(*, actor, username: str, role: str, office, zone=None, school=None, department=None,
                     valid_from=None, valid_to=None, full_name: str = "", phone: str = "") -> tuple:
    """Gives ``username`` a role; creates the account when it does not exist.

    Returns ``(membership, password)`` where ``password`` is the generated initial password of a
    new account (shown once to the office) or ``None``.
    """
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from dudao.accounts.models import Membership, User

    if not actor.has_perm("accounts.add_membership"):
        raise PermissionDenied
    if not type(office).objects.for_user(actor, "change").filter(pk=office.pk).exists():
        raise PermissionDenied
    password = None
    user = User.objects.filter(username=username).first()
    if user is None:
        password = _generated_password()
        user = User(username=username, full_name=full_name, phone=phone, must_change_password=True)
        user.set_password(password)
        user.save()
        record(actor=actor, action="accounts.user.create", target=user,
               changes={"username": [None, username], "full_name": [None, full_name],
                        "must_change_password": [None, True]})
    membership = Membership(user=user, role=role, office=office, zone=zone, school=school, department=department,
                            valid_from=valid_from or timezone.localdate(), valid_to=valid_to)
    membership.full_clean()
    membership.save()
    record(actor=actor, action="accounts.membership.grant", target=membership,
           changes={"role": [None, role], "user": [None, username]})
    return membership, password


@transaction.atomic
def membership_end(*, actor, membership_id: int, on=None, reason: str = ""):
    """Ends a role now: it is valid until the day before ``on`` (today by default), kept for the history."""
    import datetime

    from django.utils import timezone

    from dudao.accounts.models import Membership

    membership = Membership.objects.for_user(actor, "change").select_for_update().get(pk=membership_id)
    on = on or timezone.localdate()
    old = membership.valid_to
    membership.valid_to = on - datetime.timedelta(days=1)
    membership.valid_from = min(membership.valid_from, membership.valid_to)
    membership.save(update_fields=["valid_from", "valid_to", "updated_at"])
    record(actor=actor, action="accounts.membership.end", target=membership,
           changes={"valid_to": [old, membership.valid_to]}, reason=reason)
    return membership


def _password_set(actor, user, password: str | None, *, must_change: bool, action: str, target=None) -> None:
    """Sets ``user``'s password (``None``: already set elsewhere) and whether they must change it at
    the next sign-in; the audit record (``accounts.user.<action>``) never holds the password."""
    old = user.must_change_password
    user.must_change_password = must_change
    fields = ["must_change_password"]
    if password is not None:
        user.set_password(password)
        fields.insert(0, "password")
    user.save(update_fields=fields)
    record(actor=actor, action=f"accounts.user.{action}", target=target or user,
           changes={"must_change_password": [old, must_change]})


@transaction.atomic
def user_reset_password(*, actor, membership_id: int) -> str:
    """Sets a new generated password for the account behind a membership the actor manages."""
    from dudao.accounts.models import Membership

    membership = Membership.objects.for_user(actor, "change").select_related("user").get(pk=membership_id)
    user = membership.user
    if user.is_superuser:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    password = _generated_password()
    _password_set(actor, user, password, must_change=True, action="reset_password", target=membership)
    return password


@transaction.atomic
def user_password_set_by_admin(*, actor, user_id: int):
    """Records that a system administrator set ``user``'s password (Django admin): unless they set
    their own, the person must choose their own password at the next sign-in."""
    from django.core.exceptions import PermissionDenied

    from dudao.accounts.models import User

    if not actor.is_superuser:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user_id)
    _password_set(actor, user, None, must_change=user.pk != actor.pk, action="set_password")
    return user


@transaction.atomic
def user_change_password(*, actor, password: str):
    """Saves the password the person chose for themselves (checked by the caller's form); this
    ends a required change. The audit record never holds the password."""
    _password_set(actor, actor, password, must_change=False, action="change_password")
    return actor


@transaction.atomic
def user_unlock(*, actor, membership_id: int):
    """Lifts the sign-in lock of the account behind a membership the actor manages (an office
    administrator for their office's people, a system administrator for anyone's)."""
    from django.core.exceptions import PermissionDenied

    from dudao.accounts.models import Membership, User

    if not actor.has_perm("accounts.change_membership"):
        raise PermissionDenied
    membership = Membership.objects.for_user(actor, "change").get(pk=membership_id)
    user = User.objects.select_for_update().get(pk=membership.user_id)
    old = user.locked_until
    user.locked_until, user.failed_logins, user.last_failed_login = None, 0, None
    user.save(update_fields=["locked_until", "failed_logins", "last_failed_login"])
    record(actor=actor, action="accounts.user.unlock", target=membership,
           changes={"locked_until": [old, None]})
    return membership
