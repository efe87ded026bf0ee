"""Scope-matrix case of work reports (see ``dudao.core.testing.scope_matrix``)."""

import datetime

from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.workreports.models import Report
from dudao.workreports.selectors import report_list


def _report(world, county):
    """October's report of the county's second inspector (no login account), as a plain row: visible to
    no one outside the county, whatever their role."""
    c = getattr(world, county)
    return Report.objects.create(
        level="inspector", office=c.office, inspector=c.inspectors[1], zone=c.zones[1], period_kind="month",
        period_start=datetime.date(2026, 10, 1), period_end=datetime.date(2026, 10, 31),
        due_on=datetime.date(2026, 11, 5), title=f"{c.office.name}督导工作报告标记{county.upper()}",
        author=c.users["office_admin"],
    )


register(ScopeCase(
    label="workreports.Report",
    b_row=lambda world: _report(world, "b"),
    a_row=lambda world: _report(world, "a"),
    marker=lambda report: report.title,
    ui_list="workreports:report_list",
    ui_detail="workreports:report_detail",
    api_basename="reports-report",
    selectors={"report_list": lambda user: report_list(user=user)},
))
