"""The complaints API: every transition over the API (409 wrong state, 403 not allowed, audited),
assigning, a finding and a notice, the schema of an unrated complaint."""

import pytest
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.complaints.models import Complaint
from dudao.complaints.tests.helpers import register
from dudao.core.testing.world import fresh, world_rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def api(name, pk):
    return reverse(f"api:complaints-complaint-{name}", args=[pk])


@pytest.mark.parametrize(("name", "payload"), [
    ("verify", {"note": "核实"}), ("handle", {}), ("answer", {"answer": "答复"}), ("close", {}),
    ("reopen", {"reason": "重新办理"}),
])
def test_every_transition_has_an_api_twin_that_is_audited(world, client, name, payload):
    # given a complaint moved to the state the transition starts from
    complaint, _code = register(world)
    office = fresh(world.a.users["office_admin"])
    client.force_login(office)
    path = {"verify": [], "handle": [], "answer": ["handle"], "close": ["handle", "answer"],
            "reopen": ["handle", "answer"]}[name]
    for step in path:
        assert client.post(api(step, complaint.pk), {"answer": "答复"} if step == "answer" else {},
                           content_type="application/json").status_code == 200
    # when the transition is posted
    response = client.post(api(name, complaint.pk), payload, content_type="application/json")
    # then it answers the complaint in its new state, audited
    assert response.status_code == 200, response.content
    target = Complaint.TRANSITIONS[name].target
    assert response.json()["status"] == target
    assert AuditEvent.objects.filter(action=f"complaints.complaint.{name}", target_id=str(complaint.pk)).exists()
    # and posting it again (wrong state now, except reopen→handling→reopen) answers 409
    if name != "handle":
        again = client.post(api(name, complaint.pk), payload, content_type="application/json")
        assert again.status_code == 409


def test_api_refuses_those_who_may_not_act(world, client):
    complaint, _code = register(world)
    client.force_login(fresh(world.a.users["zone_leader"]))  # sees it, does not handle it
    assert client.post(api("handle", complaint.pk), {}, content_type="application/json").status_code == 403
    client.force_login(fresh(world.a.users["inspector"]))  # the handler may not close
    client.post(api("handle", complaint.pk), {}, content_type="application/json")
    client.post(api("answer", complaint.pk), {"answer": "答复"}, content_type="application/json")
    assert client.post(api("close", complaint.pk), {}, content_type="application/json").status_code == 403
    client.force_login(fresh(world.b.users["office_admin"]))  # another county: not found
    assert client.post(api("close", complaint.pk), {}, content_type="application/json").status_code == 404
    client.force_login(fresh(world.a.users["school_liaison"]))
    assert client.get(reverse("api:complaints-complaint-list")).status_code == 403


def test_the_api_assigns_records_a_finding_and_issues_a_notice(world, client):
    complaint, _code = register(world, concerns_inspector=True)
    client.force_login(fresh(world.a.users["office_admin"]))
    assert client.post(api("assign", complaint.pk), {"inspector": world.a.inspectors[0].pk},
                       content_type="application/json").status_code == 400
    # the office cannot record findings itself: the inspector it assigns does
    world.a.inspectors[1].user = world.a.users["zone_leader"]
    world.a.inspectors[1].save(update_fields=["user"])
    assert client.post(api("assign", complaint.pk), {"inspector": world.a.inspectors[1].pk},
                       content_type="application/json").status_code == 200
    client.force_login(fresh(world.a.users["zone_leader"]))
    assert client.post(api("handle", complaint.pk), {}, content_type="application/json").status_code == 200
    response = client.post(api("finding", complaint.pk), {"description": "督学未按时到校"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["finding"]
    response = client.post(api("notice", complaint.pk), {"requirements": "整改"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["rectification"]
    world.a.inspectors[1].user = None
    world.a.inspectors[1].save(update_fields=["user"])


def test_reading_an_unrated_complaint_gives_no_rating_and_the_schema_allows_it(world, client):
    complaint, _code = register(world)
    client.force_login(fresh(world.a.users["office_admin"]))
    body = client.get(reverse("api:complaints-complaint-detail", args=[complaint.pk])).json()
    assert body["rating"] is None
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()["components"]["schemas"]
    rating = schema["Complaint"]["properties"]["rating"]
    assert rating.get("nullable") is True or any(
        s.get("$ref", "").endswith("NullEnum") for s in rating.get("oneOf", rating.get("allOf", []))), rating
