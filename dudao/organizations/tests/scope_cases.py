"""Scope-matrix cases of the organisation tree (see ``dudao.core.testing.scope_matrix``)."""

import datetime

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.organizations import selectors
from dudao.organizations.models import CalendarDay, Department, Office, Region, School, Zone, ZoneMembership

register(ScopeCase(
    label="organizations.Region",
    b_row=lambda world: Region.objects.get(pk=world.b.township.pk),
    a_row=lambda world: Region.objects.get(pk=world.a.township.pk),
    marker=lambda region: region.name,
    ui_list="organizations:region_list",
    ui_detail="organizations:region_detail",
    api_basename="organizations-region",
))

register(ScopeCase(
    label="organizations.Office",
    b_row=lambda world: Office.objects.get(pk=world.b.office.pk),
    a_row=lambda world: Office.objects.get(pk=world.a.office.pk),
    marker=lambda office: office.name,
    ui_list="organizations:office_list",
    ui_detail="organizations:office_detail",
    api_basename="organizations-office",
))

register(ScopeCase(
    label="organizations.School",
    # school 4 has no listed inspector, so it also shows on the office dashboard's "unlisted" list
    b_row=lambda world: School.objects.get(pk=world.b.schools[3].pk),
    a_row=lambda world: School.objects.get(pk=world.a.schools[3].pk),
    marker=lambda school: school.code,
    ui_list="organizations:school_list",
    ui_detail="organizations:school_detail",
    api_basename="organizations-school",
    selectors={"school_list": lambda user: selectors.school_list(user=user)},
))

register(ScopeCase(
    label="organizations.Zone",
    b_row=lambda world: Zone.objects.get(pk=world.b.zones[1].pk),
    a_row=lambda world: Zone.objects.get(pk=world.a.zones[1].pk),
    marker=lambda zone: zone.name,
    ui_list="organizations:zone_list",
    ui_detail="organizations:zone_detail",
    api_basename="organizations-zone",
    selectors={"zone_list_with_counts": lambda user: selectors.zone_list_with_counts(user=user)},
))

register(ScopeCase(
    label="organizations.Department",
    b_row=lambda world: Department.objects.get(pk=world.b.departments[1].pk),
    a_row=lambda world: Department.objects.get(pk=world.a.departments[1].pk),
    marker=lambda department: department.name,
    ui_list="organizations:department_list",
    ui_detail="organizations:department_detail",
    api_basename="organizations-department",
))

register(ScopeCase(
    label="organizations.ZoneMembership",
    b_row=lambda world: ZoneMembership.objects.get(school=world.b.schools[0]),
    a_row=lambda world: ZoneMembership.objects.get(school=world.a.schools[0]),
    marker=lambda membership: membership.school.code,
    api_basename="organizations-zonemembership",
))


def calendar_day(county) -> CalendarDay:
    """The county office's own day off (a county holiday), entered once per world."""
    return CalendarDay.objects.get_or_create(office=county.office, date=datetime.date(2025, 10, 9), defaults={
        "kind": CalendarDay.Kind.HOLIDAY, "name": "县庆", "note": f"{county.region.name}县庆放假"})[0]


register(ScopeCase(
    label="organizations.CalendarDay",
    b_row=lambda world: calendar_day(world.b),
    a_row=lambda world: calendar_day(world.a),
    marker=lambda day: day.note,
    api_basename="organizations-calendarday",
))
