"""Who is told about a school or an office: the active accounts that hold the role there on a day
(default today), each once, in account order. Every app's notifications ask here.

Like ``scope``, this layer reaches the higher apps' rows (listings, zones, offices) through string
relations (``apps.get_model``) and imports nothing above it.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q

from dudao.accounts.models import Membership, Role
from dudao.accounts.scope import OFFICE_ROLES

SCHOOL_CONTACT_ROLES = (Role.SCHOOL_LIAISON, Role.PRINCIPAL)


def _active(user_ids) -> list:
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def holders(membership_filter: Q, on=None) -> list:
    """The active accounts with a current membership matching ``membership_filter``."""
    return _active(Membership.objects.current(on).filter(membership_filter).values("user_id"))


def school_contacts(school_id: int, on=None) -> list:
    """The school's liaisons and principal: they receive notices and returns."""
    return holders(Q(role__in=SCHOOL_CONTACT_ROLES, school_id=school_id), on)


def department_contacts(department_id: int, on=None) -> list:
    """The contacts (承办单位联络人) of a responsible unit that is not a school."""
    return holders(Q(role=Role.UNIT_LIAISON, department_id=department_id), on)


def unit_contacts(*, school_id: int | None = None, department_id: int | None = None, on=None) -> list:
    """The contacts of a responsible unit: a school's liaisons and principal, or a department's contacts."""
    if school_id is not None:
        return school_contacts(school_id, on)
    return department_contacts(department_id, on) if department_id is not None else []


def school_inspector_users(school_id: int, on=None) -> list:
    """The sign-in accounts of the inspectors listed at the school."""
    Listing = apps.get_model("inspectors", "Listing")
    return _active(Listing.objects.current(on).filter(school_id=school_id, inspector__user__isnull=False)
                   .values("inspector__user_id"))


def zone_leaders(school_id: int, on=None) -> list:
    """The leaders of the zone(s) the school is in."""
    ZoneMembership = apps.get_model("organizations", "ZoneMembership")
    zones = ZoneMembership.objects.current(on).filter(school_id=school_id).values("zone_id")
    return holders(Q(role=Role.ZONE_LEADER, zone_id__in=zones), on)


def office_people(office, on=None) -> list:
    """The administrators and staff of an office (a row or its id; ``None``: nobody), e.g. the
    school's own office (``organizations.selectors.office_of_school``)."""
    if office is None:
        return []
    return holders(Q(role__in=OFFICE_ROLES, office=office), on)
