"""Scope-matrix cases of special campaigns (see ``dudao.core.testing.scope_matrix``)."""

import itertools

from dudao.campaigns import selectors
from dudao.campaigns.tests.helpers import launched
from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.core.testing.world import fresh

_serial = itertools.count(1)


def _campaign(world, county):
    """A launched campaign of the county on its schools 1 and 2, marked with a unique title."""
    return launched(world, county=county, schools=(1, 3), title=f"{county.upper()}专项督导标记{next(_serial)}号")


def _target(world, county):
    return _campaign(world, county).targets.select_related("school").order_by("pk").first()


register(ScopeCase(
    label="campaigns.Campaign",
    b_row=lambda world: _campaign(world, "b"),
    a_row=lambda world: _campaign(world, "a"),
    marker=lambda campaign: campaign.title,
    ui_list="campaigns:campaign_list",
    ui_detail="campaigns:campaign_detail",
    api_basename="campaigns-campaign",
    selectors={"campaign_list": lambda user: selectors.campaign_list(user=fresh(user))},
))

register(ScopeCase(
    label="campaigns.CampaignTarget",
    b_row=lambda world: _target(world, "b"),
    a_row=lambda world: _target(world, "a"),
    marker=lambda target: target.school.name,
    ui_list="campaigns:target_list",
    ui_detail="campaigns:target_detail",
    api_basename="campaigns-target",
    selectors={"target_list": lambda user: selectors.target_list(user=fresh(user))},
))
