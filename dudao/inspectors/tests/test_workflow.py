"""The inspector's service status as a state machine (STYLE §7.6).

This is the transition-table test: the only test that builds rows in a given ``status`` directly.
Every (state, transition) pair of ``Inspector.TRANSITIONS`` is tried through the service, the API
twin and the HTML view.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import InspectorFactory, ListingFactory, SchoolFactory
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.workflow import TransitionNotAllowed, available_transitions
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.services import INSPECTOR_TRANSITION_SERVICES

pytestmark = pytest.mark.django_db

PAIRS = [(state, name) for state in Inspector.Status.values for name in Inspector.TRANSITIONS]


def allowed(state, name) -> bool:
    return state in Inspector.TRANSITIONS[name].sources


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def inspector_in(world, state, county="a") -> Inspector:
    office = getattr(world, county).office
    return InspectorFactory(office=office, status=state)


def api_url(inspector, name):
    return reverse(f"api:inspectors-inspector-{name}", args=[inspector.pk])


def ui_url(inspector, name):
    return reverse("inspectors:inspector_transition", args=[inspector.pk, name])


def test_table_covers_every_state():
    # every state is reachable from some transition and every transition has a source
    targets = {t.target for t in Inspector.TRANSITIONS.values()}
    sources = set().union(*(t.sources for t in Inspector.TRANSITIONS.values()))
    assert targets | sources == set(Inspector.Status.values)
    assert set(INSPECTOR_TRANSITION_SERVICES) == set(Inspector.TRANSITIONS)


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_service_applies_transition_exactly_where_table_allows(world, state, name):
    # given an inspector of county A in ``state`` and the county's office administrator
    inspector = inspector_in(world, state)
    actor = fresh(world.a.users["office_admin"])
    events_before = AuditEvent.objects.count()
    service = INSPECTOR_TRANSITION_SERVICES[name]

    if allowed(state, name):
        # when the transition runs, then the status moves and one audit event says so
        service(actor=actor, inspector_id=inspector.pk, reason="测试")
        inspector.refresh_from_db()
        assert inspector.status == Inspector.TRANSITIONS[name].target
        event = AuditEvent.objects.get(seq__gt=0, action=f"inspectors.inspector.{name}", target_id=str(inspector.pk))
        assert event.changes == {"status": [state, Inspector.TRANSITIONS[name].target]}
        assert event.reason == "测试"
        assert AuditEvent.objects.count() == events_before + 1
    else:
        # when the transition runs from a wrong state, then it is refused and nothing is written
        with pytest.raises(TransitionNotAllowed):
            service(actor=actor, inspector_id=inspector.pk)
        inspector.refresh_from_db()
        assert inspector.status == state
        assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_api_twin_answers_200_or_409(world, client, state, name):
    inspector = inspector_in(world, state)
    client.force_login(fresh(world.a.users["office_admin"]))
    events_before = AuditEvent.objects.count()

    response = client.post(api_url(inspector, name), {"reason": "API"}, content_type="application/json")

    inspector.refresh_from_db()
    if allowed(state, name):
        assert response.status_code == 200
        assert response.json()["status"] == Inspector.TRANSITIONS[name].target == inspector.status
        assert AuditEvent.objects.count() == events_before + 1
    else:
        assert response.status_code == 409
        assert inspector.status == state
        assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_html_view_answers_redirect_or_409(world, client, state, name):
    inspector = inspector_in(world, state)
    client.force_login(fresh(world.a.users["office_admin"]))
    events_before = AuditEvent.objects.count()

    response = client.post(ui_url(inspector, name), {"reason": "页面"})

    inspector.refresh_from_db()
    if allowed(state, name):
        assert response.status_code == 302
        assert response["Location"] == inspector.get_absolute_url()
        assert inspector.status == Inspector.TRANSITIONS[name].target
        assert AuditEvent.objects.count() == events_before + 1
    else:
        assert response.status_code == 409
        assert inspector.status == state
        assert AuditEvent.objects.count() == events_before


# ---- permission: same setup, allowed and denied ---------------------------------------------

@pytest.mark.parametrize(("role", "may"), [("office_admin", True), ("office_staff", False)])
def test_dismiss_needs_delete_permission(world, client, role, may):
    """Office staff may suspend but not dismiss (``inspectors.delete_inspector``)."""
    inspector = inspector_in(world, Inspector.Status.ACTIVE)
    actor = fresh(world.a.users[role])
    events_before = AuditEvent.objects.count()

    if may:
        INSPECTOR_TRANSITION_SERVICES["dismiss"](actor=actor, inspector_id=inspector.pk)
        inspector.refresh_from_db()
        assert inspector.status == Inspector.Status.DISMISSED
    else:
        with pytest.raises(PermissionDenied):
            INSPECTOR_TRANSITION_SERVICES["dismiss"](actor=actor, inspector_id=inspector.pk)
        inspector.refresh_from_db()
        assert inspector.status == Inspector.Status.ACTIVE
        assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("surface", ["api", "ui"])
@pytest.mark.parametrize(("role", "expected"), [("office_admin", None), ("office_staff", 403)])
def test_dismiss_permission_over_http(world, client, surface, role, expected):
    inspector = inspector_in(world, Inspector.Status.ACTIVE)
    client.force_login(fresh(world.a.users[role]))

    url = api_url(inspector, "dismiss") if surface == "api" else ui_url(inspector, "dismiss")
    response = client.post(url, {}, content_type="application/json") if surface == "api" else client.post(url)

    inspector.refresh_from_db()
    if expected is None:
        assert response.status_code in (200, 302)
        assert inspector.status == Inspector.Status.DISMISSED
    else:
        assert response.status_code == expected
        assert inspector.status == Inspector.Status.ACTIVE


@pytest.mark.parametrize("surface", ["service", "api", "ui"])
def test_inspector_role_may_not_suspend(world, client, surface):
    """An inspector sees the county's inspectors (reference rows) but may not change them."""
    inspector = inspector_in(world, Inspector.Status.ACTIVE)
    user = fresh(world.a.users["inspector"])
    client.force_login(user)

    if surface == "service":
        with pytest.raises(PermissionDenied):
            INSPECTOR_TRANSITION_SERVICES["suspend"](actor=user, inspector_id=inspector.pk)
    else:
        url = api_url(inspector, "suspend") if surface == "api" else ui_url(inspector, "suspend")
        assert client.post(url).status_code == 403
    inspector.refresh_from_db()
    assert inspector.status == Inspector.Status.ACTIVE


@pytest.mark.parametrize("surface", ["service", "api", "ui"])
def test_out_of_scope_inspector_is_not_found(world, client, surface):
    # given an inspector of county B and county A's administrator
    inspector = inspector_in(world, Inspector.Status.ACTIVE, county="b")
    user = fresh(world.a.users["office_admin"])
    client.force_login(user)

    if surface == "service":
        with pytest.raises(Inspector.DoesNotExist):
            INSPECTOR_TRANSITION_SERVICES["suspend"](actor=user, inspector_id=inspector.pk)
    else:
        url = api_url(inspector, "suspend") if surface == "api" else ui_url(inspector, "suspend")
        assert client.post(url).status_code == 404
    inspector.refresh_from_db()
    assert inspector.status == Inspector.Status.ACTIVE


def test_unknown_transition_name_is_not_found(world, client):
    inspector = inspector_in(world, Inspector.Status.ACTIVE)
    client.force_login(fresh(world.a.users["office_admin"]))
    assert client.post(ui_url(inspector, "promote")).status_code == 404


def test_transition_view_refuses_get(world, client):
    inspector = inspector_in(world, Inspector.Status.ACTIVE)
    client.force_login(fresh(world.a.users["office_admin"]))
    assert client.get(ui_url(inspector, "suspend")).status_code == 405
    inspector.refresh_from_db()
    assert inspector.status == Inspector.Status.ACTIVE


def test_dismiss_ends_current_listings_today(world):
    # given an inspector listed at a school since September
    inspector = inspector_in(world, Inspector.Status.ACTIVE)
    listing = ListingFactory(inspector=inspector, school=SchoolFactory(region=world.a.township),
                             valid_from=datetime.date(2025, 9, 1))

    # when the inspector is dismissed
    INSPECTOR_TRANSITION_SERVICES["dismiss"](actor=fresh(world.a.users["office_admin"]), inspector_id=inspector.pk)

    # then the listing ends today and the school is free for a new inspector
    listing.refresh_from_db()
    assert listing.valid_to == timezone.localdate()
    assert not Listing.objects.filter(inspector=inspector, valid_to__isnull=True).exists()


@pytest.mark.parametrize(("role", "state", "expected"), [
    ("office_admin", Inspector.Status.ACTIVE, ["suspend", "dismiss"]),
    ("office_admin", Inspector.Status.SUSPENDED, ["reinstate", "dismiss"]),
    ("office_admin", Inspector.Status.DISMISSED, []),
    ("office_staff", Inspector.Status.ACTIVE, ["suspend"]),
    ("inspector", Inspector.Status.ACTIVE, []),
])
def test_available_transitions_follow_state_and_permission(world, role, state, expected):
    inspector = inspector_in(world, state)
    assert available_transitions(inspector, fresh(world.a.users[role])) == expected
