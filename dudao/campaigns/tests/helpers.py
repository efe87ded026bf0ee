"""Campaigns built through the real services for tests, in the two-county world."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.campaigns import services
from dudao.campaigns.models import Campaign
from dudao.core.testing.factories import InspectorFactory
from dudao.core.testing.world import fresh
from dudao.instruments.campaign_checklists import OPENING_CODE, SAFETY_CODE
from dudao.instruments.models import Instrument

__all__ = ["OPENING_CODE", "SAFETY_CODE", "all_yes", "checklist", "launched", "make_campaign", "pdf_file", "png_file",
           "user"]


def user(world, role: str, county: str = "a"):
    return fresh(getattr(world, county).users[role])


def checklist(code: str = OPENING_CODE):
    return Instrument.objects.get(office__isnull=True, code=code).latest_published()


def all_yes(version, no=()) -> dict:
    """Answers to every yes/no item of ``version``: yes, except the codes in ``no``."""
    return {i.code: (i.code not in no) for i in version.items.filter(response_type="yes_no")}


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make_campaign(world, *, county: str = "a", title: str = "", schools=(0, 1, 2), team_size: int = 3,
                  code: str = OPENING_CODE, due: int = 5) -> Campaign:
    """A draft campaign of the county's office on ``schools`` (indexes) with one team: the county's
    signed-in inspector (listed at schools 0 and 2) plus inspectors to make ``team_size``."""
    c = getattr(world, county)
    admin = user(world, "office_admin", county)
    campaign = services.campaign_create(
        actor=admin, office_id=c.office.pk, title=title or f"{c.office.name}开学工作专项督导", theme="opening",
        checklist=checklist(code).pk, start_date=days(-5), self_check_due=days(due), end_date=days(max(due, 0) + 30),
        description="全面检查开学准备。", rule={"by": "schools", "schools": [c.schools[i].pk for i in schools]},
    )
    members = [c.inspectors[0]] + [InspectorFactory(office=c.office) for _ in range(max(team_size - 1, 0))]
    services.campaign_team_save(actor=admin, campaign_id=campaign.pk, name="第一督导组",
                                member_ids=[m.pk for m in members[:team_size]], leader_id=members[0].pk,
                                target_ids=list(campaign.targets.values_list("pk", flat=True)))
    return campaign


def launched(world, **kwargs) -> Campaign:
    campaign = make_campaign(world, **kwargs)
    admin = user(world, "office_admin", kwargs.get("county", "a"))
    return services.campaign_launch(actor=admin, campaign_id=campaign.pk, notices=False)


def png_file(name: str = "evidence.png") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_file(name: str = "自查报告.pdf") -> SimpleUploadedFile:
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, data, content_type="application/pdf")
