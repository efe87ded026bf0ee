"""Listing inspectors at schools (挂牌), with the dated history of who was listed where."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.audit.services import model_delete, model_save, period_change_recorded, record_many
from dudao.core.workflow import apply_transition
from dudao.inspectors.models import Inspector, Listing
from dudao.organizations.models import School

__all__ = [
    "model_save", "model_delete", "listing_assign", "inspector_suspend", "inspector_reinstate", "inspector_dismiss",
]


@transaction.atomic
def listing_assign(*, actor, school_id: int, inspector_id: int | None, on: datetime.date | None = None,
                   reason: str = "") -> Listing | None:
    """Lists an inspector at a school from ``on``, ending the previous listing the day before (the
    rules of ``core.periods``: nothing is deleted, periods never overlap, a backdated change that
    would rewrite history is refused).

    ``inspector_id=None`` ends the school's listing without a successor.
    """
    on = on or timezone.localdate()
    if not actor.has_perm("inspectors.add_listing"):
        raise PermissionDenied
    school = School.objects.get_for_change(actor, school_id)  # unseen 404, seen but not the actor's 403
    inspector = Inspector.objects.get_for_change(actor, inspector_id) if inspector_id else None
    if inspector is not None:
        if not inspector.is_active:
            raise ValidationError({"inspector": _("The inspector is not active.")})
        if not school.region.path.startswith(inspector.office.region.path):
            raise ValidationError({"inspector": _("The inspector belongs to another office than the school.")})
    return period_change_recorded(Listing, actor=actor, school=school, target="inspector", value=inspector, on=on,
                                  what=_("listing"), action="inspectors.listing.assign", reason=reason)


def _inspector_transition(*, actor, inspector_id: int, name: str, reason: str = "") -> Inspector:
    inspector = Inspector.objects.for_user(actor, "view").select_for_update().get(pk=inspector_id)
    change = apply_transition(inspector, name, actor=actor)
    ended = []
    if name == "dismiss":
        today = timezone.localdate()
        for listing in Listing.objects.filter(inspector=inspector, valid_to__isnull=True):
            listing.valid_to = max(today, listing.valid_from)
            listing.save(update_fields=["valid_to", "updated_at"])
            ended.append(("inspectors.listing.end", listing, {"valid_to": [None, listing.valid_to]}, reason))
    record_many(actor=actor, entries=[*ended, (f"inspectors.inspector.{name}", inspector, change, reason)])
    return inspector


@transaction.atomic
def inspector_suspend(*, actor, inspector_id: int, reason: str = "") -> Inspector:
    """Suspends an inspector in service (暂停); their listings stay until re-listed."""
    return _inspector_transition(actor=actor, inspector_id=inspector_id, name="suspend", reason=reason)


@transaction.atomic
def inspector_reinstate(*, actor, inspector_id: int, reason: str = "") -> Inspector:
    """Puts a suspended inspector back in service."""
    return _inspector_transition(actor=actor, inspector_id=inspector_id, name="reinstate", reason=reason)


@transaction.atomic
def inspector_dismiss(*, actor, inspector_id: int, reason: str = "") -> Inspector:
    """Dismisses an inspector (解聘) and ends their current listings today."""
    return _inspector_transition(actor=actor, inspector_id=inspector_id, name="dismiss", reason=reason)


INSPECTOR_TRANSITION_SERVICES = {
    "suspend": inspector_suspend,
    "reinstate": inspector_reinstate,
    "dismiss": inspector_dismiss,
}
