"""Writes of special campaigns in the scope matrix (see ``dudao.core.testing.scope_matrix``).

A launched campaign of county A on its schools 0 and 1, with one team whose member with a login is
the county's inspector. The school answers its own target's self-check, the team records its result,
the county's office runs the campaign; the city office above watches.
"""

from django.urls import reverse

from dudao.campaigns import services
from dudao.campaigns.tests.helpers import all_yes, checklist, launched
from dudao.core.testing.scope_matrix import WriteCase, register_write


def _target(world):
    return launched(world, schools=(0, 1)).targets.get(school=world.a.schools[0])


register_write(WriteCase(
    label="campaigns.Campaign", name="close", allowed=("office_admin", "office_staff"),
    row=lambda world: launched(world, schools=(0, 1)),
    service=lambda user, campaign: services.campaign_close(actor=user, campaign_id=campaign.pk, reason="结束"),
    api=lambda campaign: ("post", reverse("api:campaigns-campaign-close", args=[campaign.pk]), {"reason": "结束"}),
))

register_write(WriteCase(
    label="campaigns.CampaignTarget", name="self_check", allowed=("school_liaison",),
    row=_target,
    service=lambda user, target: services.target_self_check_submit(
        actor=user, target_id=target.pk, answers=all_yes(checklist()), summary="自查完毕"),
    api=lambda target: ("post", reverse("api:campaigns-target-self-check", args=[target.pk]),
                        {"answers": all_yes(checklist()), "summary": "自查完毕"}),
))

register_write(WriteCase(
    label="campaigns.CampaignTarget", name="result", allowed=("inspector",),
    row=_target,
    service=lambda user, target: services.target_result_record(
        actor=user, target_id=target.pk, answers=all_yes(checklist()), summary="现场督导"),
    api=lambda target: ("post", reverse("api:campaigns-target-result", args=[target.pk]),
                        {"answers": all_yes(checklist()), "summary": "现场督导"}),
))
