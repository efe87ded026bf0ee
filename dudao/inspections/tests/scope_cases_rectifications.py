"""Scope-matrix cases of findings, rectification notices and deadline policies (see
``dudao.core.testing.scope_matrix``); imported by ``scope_cases``.

Rows are made through the real services by the county's own inspector or office administrator.
"""

import itertools

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.core.testing.world import fresh
from dudao.inspections.selectors import rectifications as selectors_rectifications
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import deadline_policy_set, rectification_issue

_serial = itertools.count(1)


def _finding(world, county: str):
    c = getattr(world, county)
    return finding_record(actor=fresh(c.users["inspector"]), school_id=c.schools[0].pk,
                          description=f"{c.region.name}问题标记{next(_serial)}号")


def _notice(world, county: str):
    c = getattr(world, county)
    return rectification_issue(actor=fresh(c.users["inspector"]), finding_id=_finding(world, county).pk,
                               requirements="限期整改")


def _policy(world, county: str):
    c = getattr(world, county)
    return deadline_policy_set(actor=fresh(c.users["office_admin"]), office_id=c.office.pk, severity="urgent",
                               days=2)


register(ScopeCase(
    label="inspections.Finding",
    b_row=lambda world: _finding(world, "b"),
    a_row=lambda world: _finding(world, "a"),
    marker=lambda finding: finding.description,
    ui_list="inspections:finding_list",
    ui_detail="inspections:finding_detail",
    api_basename="inspections-finding",
    selectors={"finding_list": lambda user: selectors_rectifications.finding_list(user=user)},
))

register(ScopeCase(
    label="inspections.Rectification",
    b_row=lambda world: _notice(world, "b"),
    a_row=lambda world: _notice(world, "a"),
    marker=lambda notice: notice.number,
    ui_list="inspections:rectification_list",
    ui_detail="inspections:rectification_detail",
    api_basename="inspections-rectification",
    selectors={"rectification_list": lambda user: selectors_rectifications.rectification_list(user=user)},
))

register(ScopeCase(
    label="inspections.DeadlinePolicy",
    b_row=lambda world: _policy(world, "b"),
    a_row=lambda world: _policy(world, "a"),
    api_basename="inspections-deadlinepolicy",
))


from dudao.inspections.tests import scope_cases_visits  # noqa: E402, F401  (visits and evidence files)
