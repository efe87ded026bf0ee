"""Recording a problem found at a school (问题), the start of the rectification loop.

A finding names the checklist item it falls under (an item of the visit's frozen checklist
version when it comes from a visit, STYLE rule 8), a severity that sets the default deadline of
its notice (STANDARDS §1.6: the office decides), a description and evidence files.
"""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.audit.services import record
from dudao.core.tally import tally_move
from dudao.inspections.models import Finding, FindingMonth, Severity, Visit
from dudao.inspections.selectors.visits import checklist_for_school
from dudao.inspections.services.attachments import attachment_store
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.organizations.models import School

__all__ = ["finding_record", "finding_item_choices", "item_name", "requirements_draft"]

_BRACKETS = re.compile(r"[（(][^（）()]*[）)]")


def item_name(text: str | None) -> str:
    """A checklist item as people name it: its wording without the closing full stop or the
    examples in brackets (安全管理情况（园舍设施、门卫值守……）。 → 安全管理情况)."""
    name = _BRACKETS.sub("", text or "").strip().rstrip("。.；;").strip()
    return name or (text or "").strip()


def requirements_draft(finding) -> str:
    """The requirements of a notice on ``finding`` as the inspector would start to write them."""
    subject = item_name(finding.item.text) if finding.item_id else ""
    text = finding.description.strip().rstrip("。")
    if subject:
        return _("Regarding “{item}”: {problem}. Draw up measures and rectify by the deadline, then report "
                 "the rectification with evidence.").format(item=subject, problem=text)
    return _("Problem: {problem}. Draw up measures and rectify by the deadline, then report the rectification "
             "with evidence.").format(problem=text)


def finding_item_choices(*, user, visit=None, school=None):
    """The checklist items a finding may name: those of the visit's checklist version; for a finding
    at ``school`` without a visit (from a complaint), those of the school's routine checklist; or
    else the items of every published checklist the user can read (the national 8 items among them)."""
    items = Item.objects.exclude(response_type=Item.ResponseType.SECTION).select_related("version__instrument")
    if visit is not None:
        return items.filter(version_id=visit.checklist_id) if visit.checklist_id else items.none()
    if school is not None:
        version = checklist_for_school(school=school)
        return items.filter(version=version).order_by("position", "pk") if version else items.none()
    checklists = Instrument.objects.for_user(user).filter(kind=Instrument.Kind.CHECKLIST)
    return items.filter(version__instrument__in=checklists, version__status=InstrumentVersion.Status.PUBLISHED)


@transaction.atomic
def finding_record(*, actor, description: str, school_id: int | None = None, visit_id: int | None = None,
                   item_id: int | None = None, item_code: str = "", severity: str = Severity.GENERAL,
                   found_on: datetime.date | None = None, files=()) -> Finding:
    """Records a problem an inspector found at a school in their scope, with evidence files.

    With ``visit_id`` the school is the visit's and the item must belong to the visit's checklist
    version. The school must be one the inspector is listed at (or in the zone leader's zone):
    another school answers 404; a role without ``inspections.add_finding`` gets 403.
    """
    if not actor.has_perm("inspections.add_finding"):
        raise PermissionDenied
    visit = Visit.objects.for_user(actor, "view").get(pk=visit_id) if visit_id else None
    if visit is not None:
        if school_id is not None and int(school_id) != visit.school_id:
            raise ValidationError({"school": [_("The finding must be at the school of the visit.")]})
        school_id = visit.school_id
    if school_id is None:
        raise ValidationError({"school": [_("Choose the school.")]})
    school = School.objects.get_for_change(actor, school_id, permission="inspections.add_finding")

    item = None
    if item_id:
        item = finding_item_choices(user=actor, visit=visit).filter(pk=item_id).first()
        if item is None:
            raise ValidationError({"item": [
                _("The item is not on the checklist of this visit.") if visit is not None
                else _("Choose an item of a published checklist.")
            ]})
    elif visit is not None and (item_code or "").strip():
        # a code of the visit's own checklist names that item (the API takes codes)
        item = finding_item_choices(user=actor, visit=visit).filter(code=item_code.strip()).first()
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": [_("Describe the problem.")]})
    if severity not in Severity.values:
        raise ValidationError({"severity": [_("Choose a severity.")]})
    today = timezone.localdate()
    found_on = found_on or (visit.date if visit is not None else today)
    if found_on > today:
        raise ValidationError({"found_on": [_("The date cannot be in the future.")]})

    finding = Finding.objects.create(
        school=school, visit=visit, item=item, item_code=(item_code or "").strip() or (item.code if item else ""),
        severity=severity, description=description, found_on=found_on, created_by=actor,
    )
    tally_move(FindingMonth, None, FindingMonth.line_of(finding))
    for uploaded in files:
        attachment_store(actor=actor, school=school, uploaded_file=uploaded, finding=finding)
    record(actor=actor, action="inspections.finding.create", target=finding, changes={
        "school": [None, school.pk], "visit": [None, visit.pk if visit else None],
        "item_code": [None, finding.item_code], "severity": [None, severity], "found_on": [None, found_on],
    })
    return finding
