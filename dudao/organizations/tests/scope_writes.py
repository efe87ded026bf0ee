"""Writes of the organisation tree in the scope matrix (see ``dudao.core.testing.scope_matrix``):
county A's office edits its schools and redraws its zones; the city office above watches."""

from django.urls import reverse

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.organizations.models import CalendarDay, Department, School, ZoneMembership
from dudao.organizations.services import calendar_day_save, zone_assign_school
from dudao.organizations.tests.scope_cases import calendar_day

OFFICE = ("office_admin", "office_staff")

# an edit through the generic form and API (``model_save``): the API checks the change scope
register_write(WriteCase(
    label="organizations.School", name="edit", allowed=OFFICE,
    row=lambda world: School.objects.get(pk=world.a.schools[0].pk),
    api=lambda school: ("patch", reverse("api:organizations-school-detail", args=[school.pk]),
                        {"name": f"{school.name}（更名）"}),
))

# a responsible unit that is not a school: only the office administrator edits it
register_write(WriteCase(
    label="organizations.Department", name="edit", allowed=("office_admin",),
    row=lambda world: Department.objects.get(pk=world.a.departments[0].pk),
    api=lambda department: ("patch", reverse("api:organizations-department-detail", args=[department.pk]),
                            {"name": f"{department.name}（更名）"}),
))


def _other_zone(membership) -> int:
    return membership.zone.office.zones.exclude(pk=membership.zone_id).order_by("pk").values_list("pk", flat=True)[0]


register_write(WriteCase(
    label="organizations.ZoneMembership", name="move", allowed=OFFICE,
    row=lambda world: ZoneMembership.objects.get(school=world.a.schools[0], valid_to__isnull=True),
    service=lambda user, membership: zone_assign_school(actor=user, school_id=membership.school_id,
                                                        zone_id=_other_zone(membership)),
    api=lambda membership: ("post", reverse("api:organizations-school-assign-zone", args=[membership.school_id]),
                            {"zone": _other_zone(membership)}),
))


def _renamed(day) -> CalendarDay:
    copy = CalendarDay.objects.get(pk=day.pk)
    copy.name = "县庆（更正）"
    return copy


# an office's own calendar day: only its administrator corrects it; the city office above watches
register_write(WriteCase(
    label="organizations.CalendarDay", name="edit", allowed=("office_admin",),
    row=lambda world: calendar_day(world.a),
    service=lambda user, day: calendar_day_save(actor=user, instance=_renamed(day)),
    api=lambda day: ("patch", reverse("api:organizations-calendarday-detail", args=[day.pk]), {"name": "县庆（更正）"}),
))
