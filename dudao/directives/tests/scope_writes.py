"""Writes of directives in the scope matrix (see ``dudao.core.testing.scope_matrix``): a directive of
county A assigned to its first two schools (and to its bureau department); the office urges, reviews
and publishes, the unit (the liaison of the first school, the unit liaison of the department)
reports; the city office above reads them and changes nothing."""

from django.urls import reverse

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.core.testing.world import fresh
from dudao.directives import services
from dudao.directives.tests.helpers import assigned

OFFICE = ("office_admin", "office_staff")


def _first_item(world):
    return assigned(world).items.get(school=world.a.schools[0])


def _reported_item(world):
    item = _first_item(world)
    services.item_report(actor=fresh(world.a.users["school_liaison"]), item_id=item.pk, text="已办结", is_final=True)
    item.refresh_from_db()
    return item


register_write(WriteCase(
    label="directives.Directive", name="publish", allowed=OFFICE,
    row=assigned,
    service=lambda user, directive: services.directive_publish(actor=user, directive_id=directive.pk),
    api=lambda directive: ("post", reverse("api:directives-directive-publish", args=[directive.pk]), {}),
))

register_write(WriteCase(
    label="directives.DirectiveItem", name="report", allowed=("school_liaison",),
    row=_first_item,
    service=lambda user, item: services.item_report(actor=user, item_id=item.pk, text="已排查", is_final=True),
    api=lambda item: ("post", reverse("api:directives-item-report", args=[item.pk]), {"text": "已排查"}),
))

def _department_item(world):
    return assigned(world, departments=(0,)).items.get(department=world.a.departments[0])


# the contact of the bureau department reports on its item; nobody else does, the school's users included
register_write(WriteCase(
    label="directives.DirectiveItem", name="report_department", allowed=("unit_liaison",),
    row=_department_item,
    service=lambda user, item: services.item_report(actor=user, item_id=item.pk, text="已牵头排查", is_final=True),
    api=lambda item: ("post", reverse("api:directives-item-report", args=[item.pk]), {"text": "已牵头排查"}),
))

register_write(WriteCase(
    label="directives.DirectiveItem", name="urge", allowed=OFFICE,
    row=_first_item,
    service=lambda user, item: services.item_urge(actor=user, item_id=item.pk, note="请加快办理"),
    api=lambda item: ("post", reverse("api:directives-item-urge", args=[item.pk]), {"note": "请加快办理"}),
))

register_write(WriteCase(
    label="directives.DirectiveItem", name="accept", allowed=OFFICE,
    row=_reported_item,
    service=lambda user, item: services.item_accept(actor=user, item_id=item.pk),
    api=lambda item: ("post", reverse("api:directives-item-accept", args=[item.pk]), {}),
))
