"""The work report's 专项督导 section (``workreports.drafting.SECTIONS`` names ``campaign_report_rows``)."""

import datetime
from types import SimpleNamespace

import pytest

from dudao.campaigns.selectors import campaign_report_rows
from dudao.campaigns.tests.helpers import launched, make_campaign, user

pytestmark = pytest.mark.django_db


def test_section_lists_the_running_campaigns_of_the_office_and_of_an_inspectors_schools(world):
    # given a launched campaign on schools 0-2 and a draft
    campaign = launched(world, title="甲县开学专项督导（报告栏目）")
    make_campaign(world, title="甲县草稿专项督导")
    start, end = campaign.start_date, campaign.end_date
    office = SimpleNamespace(level="office", office=world.a.office, schools={})
    inspector = SimpleNamespace(level="inspector", office=world.a.office, schools={world.a.schools[0].pk: None})
    elsewhere = SimpleNamespace(level="inspector", office=world.a.office, schools={world.a.schools[3].pk: None})
    # when the office's and the inspectors' reports are drafted
    rows = campaign_report_rows(user=user(world, "office_admin"), subject=office, start=start, end=end)
    # then the launched campaign is there with its numbers, the draft is not
    names = [r["name"] for r in rows]
    assert "甲县开学专项督导（报告栏目）" in names and "甲县草稿专项督导" not in names
    assert "覆盖3所学校" in rows[names.index("甲县开学专项督导（报告栏目）")]["detail"]
    assert [r["name"] for r in campaign_report_rows(user=user(world, "inspector"), subject=inspector, start=start,
                                                    end=end)] == ["甲县开学专项督导（报告栏目）"]
    assert campaign_report_rows(user=user(world, "office_admin"), subject=elsewhere, start=start, end=end) == []
    later = end + datetime.timedelta(days=1)
    assert campaign_report_rows(user=user(world, "office_admin"), subject=office, start=later, end=later) == []
