"""Writes of complaints in the scope matrix (see ``dudao.core.testing.scope_matrix``): a registered
complaint about county A's school 0 is handled by the county's office or by its handler, the
inspector listed at the school; the zone leader reads it, the city office above watches it."""

from django.urls import reverse

from dudao.complaints.services import complaint_handle
from dudao.complaints.tests.scope_cases import _complaint
from dudao.core.testing.scope_matrix import WriteCase, register_write

register_write(WriteCase(
    label="complaints.Complaint", name="handle", allowed=("office_admin", "office_staff", "inspector"),
    row=lambda world: _complaint(world, "a"),
    service=lambda user, complaint: complaint_handle(actor=user, complaint_id=complaint.pk, note="已核实"),
    api=lambda complaint: ("post", reverse("api:complaints-complaint-handle", args=[complaint.pk]), {"note": "已核实"}),
))
