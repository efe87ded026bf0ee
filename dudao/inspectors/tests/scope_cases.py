"""Scope-matrix cases of inspectors and listings (see ``dudao.core.testing.scope_matrix``)."""

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.inspectors import selectors
from dudao.inspectors.models import Inspector, Listing
from dudao.organizations.models import School
from dudao.organizations.selectors import current_listing_by_school

register(ScopeCase(
    label="inspectors.Inspector",
    # the second inspector has no user account, so nothing but scope decides who sees them
    b_row=lambda world: Inspector.objects.get(pk=world.b.inspectors[1].pk),
    a_row=lambda world: Inspector.objects.get(pk=world.a.inspectors[1].pk),
    marker=lambda inspector: inspector.certificate_no,
    ui_list="inspectors:inspector_list",
    ui_detail="inspectors:inspector_detail",
    api_basename="inspectors-inspector",
    selectors={"inspector_list": lambda user: selectors.inspector_list(user=user)},
))


def _current_listings(user):
    every_school = School.objects.values_list("pk", flat=True)  # the selector itself must scope
    return current_listing_by_school(user=user, school_ids=every_school).values()


register(ScopeCase(
    label="inspectors.Listing",
    b_row=lambda world: Listing.objects.get(school=world.b.schools[0]),
    a_row=lambda world: Listing.objects.get(school=world.a.schools[0]),
    marker=lambda listing: listing.school.code,
    ui_list="inspectors:listing_list",
    api_basename="inspectors-listing",
    selectors={"current_listing_by_school": _current_listings},
))
# the archive (documents and bundles), and the training file, cases and terms
from dudao.inspectors.tests import scope_cases_development, scope_cases_documents  # noqa: E402, F401
