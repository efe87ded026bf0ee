"""The campaign API: the twins of the pages, each refusing whom the scope refuses."""

import pytest
from django.urls import reverse

from dudao.campaigns.tests.helpers import all_yes, launched, user

pytestmark = pytest.mark.django_db


def test_api_twins_and_scope(world, client):
    campaign = launched(world)
    target = campaign.targets.get(school=world.a.schools[1])
    # the principal of school 1 lists only that school's target, submits through the API (JSON answers)
    client.force_login(user(world, "principal"))
    listed = client.get(reverse("api:campaigns-target-list")).json()["results"]
    assert [t["id"] for t in listed if t["campaign"] == campaign.pk] == [target.pk]
    answers = dict.fromkeys(all_yes(campaign.checklist), True)
    response = client.post(reverse("api:campaigns-target-self-check", args=[target.pk]),
                           {"answers": answers, "summary": "ok"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "self_checked"
    assert client.post(reverse("api:campaigns-target-self-check", args=[target.pk]),
                       {"answers": answers}, content_type="application/json").status_code == 409
    # another school's target is not found for the principal
    other = campaign.targets.get(school=world.a.schools[0])
    assert client.get(reverse("api:campaigns-target-detail", args=[other.pk])).status_code == 404
    # the inspector (a team member) sees every target of the team, and the progress
    client.force_login(user(world, "inspector"))
    ids = {t["id"] for t in client.get(reverse("api:campaigns-target-list") + f"?campaign={campaign.pk}").json()["results"]}
    assert ids == set(campaign.targets.values_list("pk", flat=True))
    assert client.get(reverse("api:campaigns-campaign-progress", args=[campaign.pk])).json()["self_checked"] == 1
    # the inspector may not close the campaign (403), the office may (then 409 again)
    assert client.post(reverse("api:campaigns-campaign-close", args=[campaign.pk])).status_code == 403
    client.force_login(user(world, "office_admin"))
    assert client.post(reverse("api:campaigns-campaign-close", args=[campaign.pk])).status_code == 200
    assert client.post(reverse("api:campaigns-campaign-close", args=[campaign.pk])).status_code == 409
