"""Stateful rows of the rectification loop, built through the real services (STYLE §7.10).

County A of the two-county world: ``a_inspector`` is listed at schools 0 and 2 (zone 1, led by
``a_zone_leader``); ``a_liaison`` answers for school 0. ``other_zone_inspector`` is made here: the
login of county A's second inspector, listed at school 1 in zone 2 only.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dudao.core.testing.factories import make_user
from dudao.core.testing.world import fresh
from dudao.inspections.models import Rectification
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import (
    rectification_close,
    rectification_issue,
    rectification_return,
    rectification_submit,
)


def png_file(name: str = "整改照片.png", colour=(200, 30, 30)) -> SimpleUploadedFile:
    """A real, decodable PNG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_file(name: str = "整改报告.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def user(world, role: str, county: str = "a"):
    return fresh(getattr(world, county).users[role])


def other_zone_inspector(world):
    """County A's second inspector (listed at school 1, zone 2) with a login, made once per world."""
    inspector = type(world.a.inspectors[1]).objects.get(pk=world.a.inspectors[1].pk)
    if inspector.user_id is None:
        inspector.user = make_user("a_inspector2", "inspector", office=world.a.office)
        inspector.save(update_fields=["user"])
    return fresh(inspector.user)


def record_finding(world, *, county: str = "a", school: int = 0, severity: str = "general",
                   description: str = "食堂留样记录不全", files=(), found_on=None):
    c = getattr(world, county)
    return finding_record(actor=user(world, "inspector", county), school_id=c.schools[school].pk,
                          description=description, severity=severity, files=files, found_on=found_on)


def issue_notice(world, *, county: str = "a", school: int = 0, severity: str = "general",
                 issued_on: datetime.date | None = None, deadline: datetime.date | None = None,
                 requirements: str = "一周内补齐留样记录并报送整改报告") -> Rectification:
    finding = record_finding(world, county=county, school=school, severity=severity,
                             found_on=issued_on)
    return rectification_issue(actor=user(world, "inspector", county), finding_id=finding.pk,
                               requirements=requirements, issued_on=issued_on, deadline=deadline)


def answer(world, notice, *, measures: str = "已补齐留样记录，专人负责", files=(), county: str = "a"):
    return rectification_submit(actor=user(world, "school_liaison", county), rectification_id=notice.pk,
                                measures=measures, files=files)


def notice_in(world, state: str, *, county: str = "a", issued_on=None, deadline=None) -> Rectification:
    """A notice of school 0 brought to ``state`` through the services."""
    notice = issue_notice(world, county=county, issued_on=issued_on, deadline=deadline)
    inspector = user(world, "inspector", county)
    if state in ("submitted", "returned", "closed"):
        answer(world, notice, county=county)
    if state == "returned":
        rectification_return(actor=inspector, rectification_id=notice.pk, remarks="照片不清晰，请补充")
    if state == "closed":
        rectification_close(actor=inspector, rectification_id=notice.pk, remarks="复查合格")
    notice.refresh_from_db()
    assert notice.status == state
    return notice


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def overdue_notice(world) -> Rectification:
    """An issued notice whose deadline passed yesterday."""
    return notice_in(world, "issued", issued_on=days_ago(10), deadline=days_ago(1))
