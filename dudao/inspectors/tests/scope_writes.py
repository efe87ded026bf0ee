"""Writes of inspectors and listings in the scope matrix (see ``dudao.core.testing.scope_matrix``):
county A's office suspends its inspectors and lists them at its schools; the school-bound users
read them, the city office above watches."""

from django.urls import reverse

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.services import inspector_suspend, listing_assign

OFFICE = ("office_admin", "office_staff")

register_write(WriteCase(
    label="inspectors.Inspector", name="suspend", allowed=OFFICE,
    row=lambda world: Inspector.objects.get(pk=world.a.inspectors[1].pk),
    service=lambda user, inspector: inspector_suspend(actor=user, inspector_id=inspector.pk, reason="停职"),
    api=lambda inspector: ("post", reverse("api:inspectors-inspector-suspend", args=[inspector.pk]),
                           {"reason": "停职"}),
))


def _relisting(world):
    # school 1 is listed to the second inspector; the write lists the first one there instead
    return Listing.objects.get(school=world.a.schools[1], valid_to__isnull=True)


def _first_inspector(listing) -> int:
    return Inspector.objects.filter(office=listing.inspector.office_id).exclude(pk=listing.inspector_id).order_by(
        "pk").values_list("pk", flat=True)[0]


register_write(WriteCase(
    label="inspectors.Listing", name="assign", allowed=OFFICE,
    row=_relisting,
    service=lambda user, listing: listing_assign(actor=user, school_id=listing.school_id,
                                                 inspector_id=_first_inspector(listing)),
    api=lambda listing: ("post", reverse("api:inspectors-listing-assign"),
                         {"school": listing.school_id, "inspector": _first_inspector(listing)}),
))
