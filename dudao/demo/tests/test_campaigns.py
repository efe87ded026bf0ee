"""The demo county's campaigns, loaded on the two-county world through the campaign services."""

import pytest

from dudao.campaigns.models import Campaign, CampaignTarget
from dudao.core.testing.world import build_world, fresh
from dudao.demo.campaigns import load_demo_campaigns
from dudao.documents.models import Document

pytestmark = pytest.mark.django_db


def test_demo_has_a_finished_and_a_running_campaign():
    # given the world's county A
    world = build_world()
    # when the demo campaigns are loaded
    opening, safety = load_demo_campaigns(admin=fresh(world.a.users["office_admin"]), office=world.a.office)
    # then the opening of term is closed with its notices, self-checks on time, a closed notice and its report
    opening.refresh_from_db()
    safety.refresh_from_db()
    assert opening.status == Campaign.Status.CLOSED and safety.status == Campaign.Status.LAUNCHED
    targets = list(opening.targets.all())
    checked = [t for t in targets if t.self_checked_at is not None]
    assert checked and not any(t.self_check_late for t in checked)
    assert {t.status for t in targets} == {CampaignTarget.Status.DONE}
    assert opening.targets.filter(problems__rectification__status="closed").exists()
    assert Document.objects.filter(kind="campaign_report", subject_id=opening.pk).count() == 1
    assert Document.objects.filter(kind="campaign_notice").count() == opening.targets.count() + safety.targets.count()
    assert not Document.objects.filter(kind__startswith="campaign").exclude(pdf="").exists()  # Word only
    # and the safety campaign runs with some self-checks in; teams are completed towards three inspectors
    assert safety.targets.filter(self_checked_at__isnull=False).exists()
    available = min(3, len(world.a.inspectors))
    assert {team.members.count() for c in (opening, safety) for team in c.teams.all()} == {available}
