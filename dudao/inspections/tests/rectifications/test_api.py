"""The rectification API: issuing, escalating, the summary, the overdue filter and the office's
deadline policies."""


import pytest
from django.urls import reverse

from dudao.inspections.models import DeadlinePolicy
from dudao.inspections.tests.rectification_fixtures import (
    notice_in,
    overdue_notice,
    record_finding,
    user,
)

pytestmark = pytest.mark.django_db


def test_api_issue_escalate_and_summary(world, client):
    finding = record_finding(world)
    client.force_login(user(world, "inspector"))
    created = client.post(reverse("api:inspections-rectification-list"),
                          {"finding": finding.pk, "requirements": "限期整改"}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "issued" and created.json()["overdue"] is False

    late = overdue_notice(world)
    client.force_login(user(world, "office_admin"))
    escalated = client.post(reverse("api:inspections-rectification-escalate", args=[late.pk]),
                            {"kind": "criticism", "note": "通报"}, content_type="application/json")
    assert escalated.status_code == 200
    assert [e["kind"] for e in escalated.json()["escalations"]] == ["criticism"]

    summary = client.get(reverse("api:inspections-rectification-summary")).json()
    assert (summary["open"], summary["overdue"]) == (2, 1)
    assert summary["by_school"][0] == {"id": world.a.schools[0].pk, "name": world.a.schools[0].name, "open": 2,
                                       "overdue": 1}
    assert summary["by_zone"][0]["id"] == world.a.zones[0].pk
    assert summary["by_inspector"][0]["id"] == world.a.inspectors[0].pk


def test_api_filters_overdue(world, client):
    late, on_time = overdue_notice(world), notice_in(world, "issued")
    client.force_login(user(world, "office_staff"))
    rows = client.get(reverse("api:inspections-rectification-list") + "?overdue=yes").json()["results"]
    assert [r["id"] for r in rows] == [late.pk] and on_time.pk not in [r["id"] for r in rows]


def test_api_deadline_policies(world, client):
    client.force_login(user(world, "office_admin"))
    url = reverse("api:inspections-deadlinepolicy-list")
    first = client.post(url, {"office": world.a.office.pk, "severity": "minor", "days": 21},
                        content_type="application/json")
    again = client.post(url, {"office": world.a.office.pk, "severity": "minor", "days": 25},
                        content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 201), again.content
    assert DeadlinePolicy.objects.get(office=world.a.office, severity="minor").days == 25
    assert [row["days"] for row in client.get(url).json()["results"]] == [25]
    client.force_login(user(world, "office_staff"))
    assert client.post(url, {"office": world.a.office.pk, "severity": "minor", "days": 2},
                       content_type="application/json").status_code == 403
