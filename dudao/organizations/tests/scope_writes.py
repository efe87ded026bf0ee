"""Writes of the organisation tree in the scope matrix (see ``dudao.core.testing.scope_matrix``):
county A's office edits its schools and redraws its zones; the city office above watches."""

from django.urls import reverse

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.organizations.models import School, ZoneMembership
from dudao.organizations.services import zone_assign_school

OFFICE = ("office_admin", "office_staff")

# an edit through the generic form and API (``model_save``): the API checks the change scope
register_write(WriteCase(
    label="organizations.School", name="edit", allowed=OFFICE,
    row=lambda world: School.objects.get(pk=world.a.schools[0].pk),
    api=lambda school: ("patch", reverse("api:organizations-school-detail", args=[school.pk]),
                        {"name": f"{school.name}（更名）"}),
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
