"""The audit log pages and API: office users only, and scoped like everything else."""

import pytest
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.audit.tests.scope_cases import event_about_school
from dudao.core.testing.world import fresh, world_rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def events(world):
    return event_about_school(world.a), event_about_school(world.b)


@pytest.mark.parametrize(("role", "status"), [
    ("office_admin", 200), ("office_staff", 200),
    ("zone_leader", 403), ("inspector", 403), ("school_liaison", 403), ("principal", 403),
])
def test_audit_list_is_for_office_users(world, client, events, role, status):
    client.force_login(fresh(world.a.users[role]))
    assert client.get(reverse("audit:event_list")).status_code == status
    assert client.get(reverse("api:audit-auditevent-list")).status_code == status


def test_county_admin_sees_own_events_only(world, client, events):
    # given an event about a school of each county
    a_event, b_event = events
    client.force_login(fresh(world.a.users["office_admin"]))

    # when county A's administrator opens the audit log
    page = client.get(reverse("audit:event_list")).content.decode()

    # then A's event is listed, B's is neither listed nor reachable
    assert a_event.reason in page
    assert b_event.reason not in page
    assert client.get(reverse("audit:event_detail", args=[b_event.pk])).status_code == 404
    assert client.get(reverse("audit:event_detail", args=[a_event.pk])).status_code == 200


def test_city_office_sees_both_counties(world, client, events):
    client.force_login(fresh(world.city_user))
    page = client.get(reverse("audit:event_list")).content.decode()
    assert all(event.reason in page for event in events)


def test_audit_filter_by_action(world, client, events):
    from dudao.audit.services import record

    record(actor=world.a.users["office_admin"], action="inspectors.inspector.suspend",
           target=world.a.inspectors[0], reason="暂停-筛选")
    client.force_login(fresh(world.a.users["office_admin"]))

    page = client.get(reverse("audit:event_list") + "?action=inspectors.").content.decode()

    assert "暂停-筛选" in page
    assert events[0].reason not in page


def test_audit_log_cannot_be_written_through_the_api(world, client, events):
    client.force_login(fresh(world.sysadmin))
    before = AuditEvent.objects.count()
    response = client.post(reverse("api:audit-auditevent-list"), {"action": "x"}, content_type="application/json")
    assert response.status_code == 405
    response = client.delete(reverse("api:audit-auditevent-detail", args=[events[0].pk]))
    assert response.status_code == 405
    assert AuditEvent.objects.count() == before
