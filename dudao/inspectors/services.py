"""Listing inspectors at schools (挂牌), with the dated history of who was listed where."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.audit.services import model_delete, model_save, record
from dudao.inspectors.models import Inspector, Listing
from dudao.organizations.models import School

__all__ = ["model_save", "model_delete", "listing_assign"]


@transaction.atomic
def listing_assign(*, actor, school_id: int, inspector_id: int | None, on: datetime.date | None = None,
                   reason: str = "") -> Listing | None:
    """Lists an inspector at a school from ``on``, ending the previous listing the day before.

    ``inspector_id=None`` ends the school's listing without a successor.
    """
    on = on or timezone.localdate()
    if not actor.has_perm("inspectors.add_listing"):
        raise PermissionDenied
    school = School.objects.for_user(actor, "change").get(pk=school_id)
    inspector = Inspector.objects.for_user(actor, "change").get(pk=inspector_id) if inspector_id else None
    if inspector is not None:
        if not inspector.is_active:
            raise ValidationError({"inspector": _("The inspector is not active.")})
        if not school.region.path.startswith(inspector.office.region.path):
            raise ValidationError({"inspector": _("The inspector belongs to another office than the school.")})
    current = Listing.objects.select_for_update().filter(school=school, valid_to__isnull=True).first()
    if current is not None and inspector is not None and current.inspector_id == inspector.pk:
        return current
    before = current.inspector.name if current else None
    if current is not None:
        if current.valid_from >= on:
            current.delete()
        else:
            current.valid_to = on - datetime.timedelta(days=1)
            current.save(update_fields=["valid_to", "updated_at"])
    listing = Listing.objects.create(inspector=inspector, school=school, valid_from=on) if inspector else None
    record(actor=actor, action="inspectors.listing.assign", target=school,
           changes={"inspector": [before, inspector.name if inspector else None]}, reason=reason)
    return listing
