"""Scope-matrix cases of complaints and publications (see ``dudao.core.testing.scope_matrix``)."""

import itertools

from dudao.complaints import selectors
from dudao.complaints.services import complaint_register, publication_publish
from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.core.testing.world import fresh
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import rectification_issue

_serial = itertools.count(1)


def _complaint(world, county: str):
    c = getattr(world, county)
    complaint, _code = complaint_register(school_id=c.schools[0].pk, kind="complaint",
                                          text=f"{c.region.name}投诉标记{next(_serial)}号")
    return complaint


def _publication(world, county: str):
    c = getattr(world, county)
    finding = finding_record(actor=fresh(c.users["inspector"]), school_id=c.schools[0].pk, description="问题")
    notice = rectification_issue(actor=fresh(c.users["inspector"]), finding_id=finding.pk, requirements="整改")
    return publication_publish(actor=fresh(c.users["office_admin"]), rectification_id=notice.pk,
                               title=f"{c.region.name}公开标记{next(_serial)}号")


register(ScopeCase(
    label="complaints.Complaint",
    b_row=lambda world: _complaint(world, "b"),
    a_row=lambda world: _complaint(world, "a"),
    marker=lambda complaint: complaint.text,
    ui_list="complaints:complaint_list",
    ui_detail="complaints:complaint_detail",
    api_basename="complaints-complaint",
    selectors={"complaint_list": lambda user: selectors.complaint_list(user=user)},
))

register(ScopeCase(
    label="complaints.Publication",
    b_row=lambda world: _publication(world, "b"),
    a_row=lambda world: _publication(world, "a"),
    marker=lambda publication: publication.title,
    ui_list="complaints:publication_list",
    api_basename="complaints-publication",
    selectors={"publication_list": lambda user: selectors.publication_list(user=user)},
))
