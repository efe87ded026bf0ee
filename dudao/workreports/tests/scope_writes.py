"""Writes of work reports in the scope matrix (see ``dudao.core.testing.scope_matrix``): a submitted
report of county A's second inspector is accepted by the county's office — or by the city office
above it, to which the county reports (the one write of a county row the city office makes)."""

from django.urls import reverse

from dudao.core.testing.scope_matrix import WriteCase, register_write
from dudao.core.workflow import apply_transition
from dudao.workreports.services import report_accept
from dudao.workreports.tests.scope_cases import _report


def _submitted(world):
    report = _report(world, "a")
    apply_transition(report, "submit", actor=None)  # the paper report handed in, as the system records it
    return report


register_write(WriteCase(
    label="workreports.Report", name="accept", allowed=("office_admin", "office_staff", "city_office_admin"),
    row=_submitted,
    service=lambda user, report: report_accept(actor=user, report_id=report.pk),
    api=lambda report: ("post", reverse("api:reports-report-accept", args=[report.pk]), {"reason": ""}),
))
