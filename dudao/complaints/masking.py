"""Who may read a complainant's name and phone, and what everyone else reads instead.

Only the handling inspector and the administrators and staff of the office that owns the
complaint see them (STANDARDS §1.3(三): the inspector 受理、核实 complaints; the sender is protected).
Everywhere else (lists, exports, documents, audit records, API answers of other users, the
public follow-up page) they are masked: 张** and 138****5678.
"""

from django.utils import timezone

from dudao.accounts.models import Membership, Role

OFFICE_ROLES = (Role.OFFICE_ADMIN, Role.OFFICE_STAFF)


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, min(len(name) - 1, 2))


def mask_phone(phone: str) -> str:
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if not digits:
        return ""
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:] if len(digits) >= 11 else digits[:2] + "****" + digits[-2:]
    return "****"


def owning_office_ids(user) -> frozenset[int]:
    """The offices where ``user`` is an administrator or staff member today (cached on the user)."""
    cached = getattr(user, "_complaints_office_ids", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False):
            cached = frozenset()
        else:
            cached = frozenset(Membership.objects.current(timezone.localdate()).filter(
                user_id=user.pk, role__in=OFFICE_ROLES, office__isnull=False).values_list("office_id", flat=True))
        user._complaints_office_ids = cached
    return cached


def identity_visible(user, complaint) -> bool:
    """True for the complaint's handling inspector and its office's administrators and staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    if complaint.handler_id and complaint.handler is not None and complaint.handler.user_id == user.pk:
        return True
    return complaint.office_id in owning_office_ids(user)


def identity(user, complaint) -> dict:
    """The name and phone as ``user`` may read them."""
    if identity_visible(user, complaint):
        return {"name": complaint.name, "phone": complaint.phone, "masked": False}
    return {"name": mask_name(complaint.name), "phone": mask_phone(complaint.phone), "masked": True}
