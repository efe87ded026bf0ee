"""Writes on the organisation tree: reference data through the audited ``model_save``, and zone
redrawing with its dated history."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.audit.services import model_delete, model_save, record_many
from dudao.core.periods import change_period
from dudao.organizations.models import School, Zone, ZoneMembership

__all__ = ["model_save", "model_delete", "zone_assign_school"]


@transaction.atomic
def zone_assign_school(*, actor, school_id: int, zone_id: int | None, on: datetime.date | None = None,
                       reason: str = "") -> ZoneMembership | None:
    """Moves a school into a zone from ``on`` (today by default), closing its previous membership
    the day before (the rules of ``core.periods``: nothing is deleted, periods never overlap).

    ``zone_id=None`` takes the school out of every zone. The earlier membership is kept with its
    dates, so the history of who belonged where stays readable.
    """
    on = on or timezone.localdate()
    if not actor.has_perm("organizations.change_zonemembership") and not actor.has_perm("organizations.add_zonemembership"):
        raise PermissionDenied
    school = School.objects.get_for_change(actor, school_id)  # unseen 404, seen but not the actor's 403
    # moving a school changes its membership, not the zone: seeing the zone is enough
    zone = Zone.objects.for_user(actor, "view").get(pk=zone_id) if zone_id else None
    if zone is not None and not school.region.path.startswith(zone.office.region.path):
        raise ValidationError({"zone": _("The zone belongs to another office than the school.")})
    change = change_period(ZoneMembership, school=school, target="zone", value=zone, on=on, what=_("zone membership"))
    if change.changed:
        record_many(actor=actor, entries=change.audit_entries(action="organizations.zonemembership.move", school=school,
                                                              value=zone, reason=reason))
    return change.link
