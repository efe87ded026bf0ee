"""Columns of the region, office, school and zone lists: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import Column


def _tree_name(region):
    """The name indented by its depth, so the list in path order reads as the 省→市→县→乡镇 tree."""
    return ("　" * (region.level - 1) + "└ " if region.level > 1 else "") + region.name


def _zone_name(school):
    ms = getattr(school, "current_zone", None)
    return ms[0].zone.name if ms else ""


def _inspector_name(school):
    ls = getattr(school, "current_listing", None)
    return ls[0].inspector.name if ls else ""


def _latitude(school):
    return float(school.latitude) if school.latitude is not None else ""


def _longitude(school):
    return float(school.longitude) if school.longitude is not None else ""


def _zone_count(zone):
    return zone.school_count


REGION_COLUMNS = [
    Column(_tree_name, gettext_lazy("Name"), order_by="path", link=True, export=False),
    Column("name", gettext_lazy("Name"), html=False),
    Column("code", gettext_lazy("Division code"), order_by="code"),
    Column("level", gettext_lazy("Level"), order_by="level"),
    Column("parent.name", gettext_lazy("Parent"), order_by="parent__sort_key"),
]


OFFICE_COLUMNS = [
    Column("name", gettext_lazy("Name"), order_by="name", link=True),
    Column("region.name", gettext_lazy("Region"), order_by="region__sort_key"),
    Column("region.level", gettext_lazy("Level"), order_by="region__level"),
    Column("hotline", gettext_lazy("Complaint hotline")),
    Column("schools_per_inspector", gettext_lazy("Schools per inspector")),
    Column("schools_per_zone", gettext_lazy("Schools per zone")),
    Column("checkin_radius_m", gettext_lazy("Check-in radius (m)")),
]


SCHOOL_COLUMNS = [
    Column("code", gettext_lazy("School code"), order_by="code"),
    Column("name", gettext_lazy("Name"), order_by="sort_key", link=True),
    Column("kind", gettext_lazy("Kind"), order_by="kind"),
    Column("ownership", gettext_lazy("Ownership"), order_by="ownership"),
    Column("location", gettext_lazy("Urban / rural"), order_by="location"),
    Column("region.name", gettext_lazy("Region"), order_by="region__sort_key"),
    Column(_zone_name, gettext_lazy("Zone")),
    Column(_inspector_name, gettext_lazy("Responsible inspector")),
    Column("enrolment_total", gettext_lazy("Enrolment"), order_by="enrolment_primary"),
    Column("liaison_name", gettext_lazy("Liaison person")),
    Column("liaison_phone", gettext_lazy("Liaison phone"), html=False),
    Column("address", gettext_lazy("Address"), html=False),
    Column(_latitude, gettext_lazy("Latitude"), html=False),
    Column(_longitude, gettext_lazy("Longitude"), html=False),
]


ZONE_COLUMNS = [
    Column("name", gettext_lazy("Name"), order_by="name", link=True),
    Column("office.name", gettext_lazy("Office"), order_by="office__name"),
    Column(_zone_count, gettext_lazy("Schools now"), order_by="school_count"),
    Column("is_active", gettext_lazy("Active")),
]


DEPARTMENT_COLUMNS = [
    Column("name", gettext_lazy("Name"), order_by="name", link=True),
    Column("kind", gettext_lazy("Kind of unit"), order_by="kind"),
    Column("office.name", gettext_lazy("Office"), order_by="office__name"),
    Column("region.name", gettext_lazy("Township")),
    Column("number", gettext_lazy("Order"), order_by="number"),
    Column("is_active", gettext_lazy("Active")),
]
