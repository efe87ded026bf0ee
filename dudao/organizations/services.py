"""Writes on the organisation tree: reference data through the audited ``model_save``, and zone
redrawing with its dated history."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import owns_region
from dudao.audit.services import model_delete, model_save, period_change_recorded
from dudao.organizations.models import CalendarDay, Office, School, Zone, ZoneMembership

__all__ = ["calendar_day_delete", "calendar_day_save", "calendar_day_set", "may_move_schools", "model_save", "model_delete",
           "zone_assign_school"]


def may_move_schools(actor) -> bool:
    """Whether ``actor`` may move schools between zones (``zone_assign_school``, the Excel import)."""
    return actor.has_perm("organizations.change_zonemembership") or actor.has_perm("organizations.add_zonemembership")


@transaction.atomic
def zone_assign_school(*, actor, school_id: int, zone_id: int | None, on: datetime.date | None = None,
                       reason: str = "") -> ZoneMembership | None:
    """Moves a school into a zone from ``on`` (today by default), closing its previous membership
    the day before (the rules of ``core.periods``: nothing is deleted, periods never overlap).

    ``zone_id=None`` takes the school out of every zone. The earlier membership is kept with its
    dates, so the history of who belonged where stays readable.
    """
    on = on or timezone.localdate()
    if not may_move_schools(actor):
        raise PermissionDenied
    school = School.objects.get_for_change(actor, school_id)  # unseen 404, seen but not the actor's 403
    # moving a school changes its membership, not the zone: seeing the zone is enough
    zone = Zone.objects.for_user(actor, "view").get(pk=zone_id) if zone_id else None
    if zone is not None and not school.region.path.startswith(zone.office.region.path):
        raise ValidationError({"zone": _("The zone belongs to another office than the school.")})
    return period_change_recorded(ZoneMembership, actor=actor, school=school, target="zone", value=zone, on=on,
                                  what=_("zone membership"), action="organizations.zonemembership.move", reason=reason)


# ---- the working-day calendar ---------------------------------------------------------------------

def _calendar_office(actor, office_id: int | None, action: str) -> Office:
    """The office whose calendar ``actor`` changes: one they see (404 otherwise) and own (403 for an
    office below or above theirs, and without the permission of ``action``)."""
    if not actor.has_perm(f"organizations.{action}_calendarday"):
        raise PermissionDenied
    if office_id is None:
        raise ValidationError({"office": _("The statutory days cannot be changed; enter the office's own day.")})
    office = Office.objects.for_user(actor, "view").select_related("region").get(pk=office_id)
    if not owns_region(actor, office.region.path):
        raise PermissionDenied
    return office


@transaction.atomic
def calendar_day_save(*, actor, instance: CalendarDay, reason: str = "") -> CalendarDay:
    """Saves an office's own day (a holiday or a working day for the office and the offices below it
    that have no entry of their own for the date), audited; the statutory days are read-only."""
    creating = instance.pk is None
    office = _calendar_office(actor, instance.office_id, "add" if creating else "change")
    if not creating:
        stored = CalendarDay.objects.get_for_change(actor, instance.pk)
        if stored.office_id != office.pk:
            raise ValidationError({"office": _("A day stays with its office; enter the day for the other office.")})
    if CalendarDay.objects.filter(office=office, date=instance.date).exclude(pk=instance.pk).exists():
        raise ValidationError({"date": _("The office already has an entry for this date; change that one.")})
    return model_save(actor=actor, instance=instance, reason=reason)


@transaction.atomic
def calendar_day_set(*, actor, office_id: int, date: datetime.date, kind: str, name: str = "", note: str = "",
                     reason: str = "") -> CalendarDay:
    """Makes ``date`` a holiday or a working day for the office: its entry for the date is added, or
    corrected when it has one (the page's form and the Excel import)."""
    office = _calendar_office(actor, office_id, "add")
    row = CalendarDay.objects.filter(office=office, date=date).first() or CalendarDay(office=office, date=date)
    if row.pk and (row.kind, row.name, row.note) == (kind, name, note):
        return row
    row.kind, row.name, row.note = kind, name, note
    return calendar_day_save(actor=actor, instance=row, reason=reason)


@transaction.atomic
def calendar_day_delete(*, actor, instance: CalendarDay, reason: str = "") -> None:
    """Removes an office's own day: the statutory day or the weekday rule holds again. Audited."""
    if instance.office_id is None:
        raise PermissionDenied
    row = CalendarDay.objects.get_for_change(actor, instance.pk, permission="organizations.delete_calendarday")
    _calendar_office(actor, row.office_id, "delete")
    model_delete(actor=actor, instance=row, reason=reason)
