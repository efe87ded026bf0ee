"""Scope-matrix case of the audit log (see ``dudao.core.testing.scope_matrix``).

The event is written by the audited service about a school of the county, as in real use.
"""

from django.apps import apps

from dudao.audit.models import AuditEvent
from dudao.audit.services import model_save
from dudao.core.testing.scope_matrix import ScopeCase, register


def marker(event) -> str:
    return event.reason


def event_about_school(county) -> AuditEvent:
    """An audit event about the county's first school, with a reason only this event carries."""
    reason = f"{county.region.name}审计标记"
    school = apps.get_model("organizations", "School").objects.get(pk=county.schools[0].pk)
    school.liaison_name = f"{county.region.name}新联系人"
    model_save(actor=county.users["office_admin"], instance=school, reason=reason)
    return AuditEvent.objects.get(reason=reason)


register(ScopeCase(
    label="audit.AuditEvent",
    b_row=lambda world: event_about_school(world.b),
    a_row=lambda world: event_about_school(world.a),
    marker=marker,
    ui_list="audit:event_list",
    ui_detail="audit:event_detail",
    api_basename="audit-auditevent",
))
