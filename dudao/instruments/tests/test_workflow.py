"""The version state machine (STYLE §7.6): every (state, transition) pair of
``InstrumentVersion.TRANSITIONS`` through the service, the API twin and the page.

This is the transition-table test, the only one that builds versions in a given ``status`` directly.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.core.workflow import TransitionNotAllowed
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.services import VERSION_TRANSITION_SERVICES
from dudao.instruments.tests.conftest import office_admin

pytestmark = pytest.mark.django_db

PAIRS = [(state, name) for state in InstrumentVersion.Status.values for name in InstrumentVersion.TRANSITIONS]


def allowed(state, name) -> bool:
    return state in InstrumentVersion.TRANSITIONS[name].sources


def version_in(world, state, county="a") -> InstrumentVersion:
    """A publishable version (one answerable item) of a county office's instrument, in ``state``."""
    office = getattr(world, county).office
    instrument = Instrument.objects.create(office=office, code=f"wf-{state}", name=f"流程{state}", kind="checklist")
    version = InstrumentVersion.objects.create(instrument=instrument, number=1, status=state)
    Item.objects.create(version=version, position=1, code="1", text="是否正常", response_type="yes_no")
    return version


def test_table_covers_every_state_and_has_a_service_per_transition():
    targets = {t.target for t in InstrumentVersion.TRANSITIONS.values()}
    sources = set().union(*(t.sources for t in InstrumentVersion.TRANSITIONS.values()))
    assert targets | sources == set(InstrumentVersion.Status.values)
    assert set(VERSION_TRANSITION_SERVICES) == set(InstrumentVersion.TRANSITIONS)


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_service_applies_transition_exactly_where_table_allows(world, state, name):
    # given a version of county A in ``state`` and the county's administrator
    version = version_in(world, state)
    actor = office_admin(world)
    events = AuditEvent.objects.count()
    if allowed(state, name):
        # when the transition runs, then the status moves and one audit event says so
        VERSION_TRANSITION_SERVICES[name](actor=actor, version_id=version.pk, reason="测试")
        version.refresh_from_db()
        assert version.status == InstrumentVersion.TRANSITIONS[name].target
        event = AuditEvent.objects.get(action=f"instruments.version.{name}", target_id=str(version.pk))
        assert event.changes == {"status": [state, InstrumentVersion.TRANSITIONS[name].target]}
        assert AuditEvent.objects.count() == events + 1
    else:
        # when it runs from a wrong state, then it is refused and nothing is written
        with pytest.raises(TransitionNotAllowed):
            VERSION_TRANSITION_SERVICES[name](actor=actor, version_id=version.pk)
        version.refresh_from_db()
        assert version.status == state
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_api_twin_answers_200_or_409(world, client, state, name):
    version = version_in(world, state)
    client.force_login(office_admin(world))
    response = client.post(reverse(f"api:instruments-version-{name}", args=[version.pk]), {"reason": "接口"})
    version.refresh_from_db()
    if allowed(state, name):
        assert response.status_code == 200, response.content
        assert response.json()["status"] == version.status == InstrumentVersion.TRANSITIONS[name].target
    else:
        assert response.status_code == 409
        assert version.status == state


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_page_applies_or_answers_409(world, client, state, name):
    version = version_in(world, state)
    client.force_login(office_admin(world))
    response = client.post(reverse("instruments:version_transition", args=[version.pk, name]))
    version.refresh_from_db()
    if allowed(state, name):
        assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
        assert version.status == InstrumentVersion.TRANSITIONS[name].target
    else:
        assert response.status_code == 409
        assert version.status == state


@pytest.mark.parametrize("name", list(InstrumentVersion.TRANSITIONS))
def test_transitions_need_the_change_permission_and_the_change_scope(world, client, name):
    # given a version in the transition's source state, of county A
    state = next(iter(InstrumentVersion.TRANSITIONS[name].sources))
    version = version_in(world, state)
    # then office staff (no change permission) are refused; they do not even see a draft
    refusal = InstrumentVersion.DoesNotExist if state == "draft" else PermissionDenied
    with pytest.raises(refusal):
        VERSION_TRANSITION_SERVICES[name](actor=world.a.users["office_staff"], version_id=version.pk)
    client.force_login(world.a.users["office_staff"])
    assert client.post(reverse(f"api:instruments-version-{name}", args=[version.pk])).status_code == 403
    # and county B's administrator does not even find it
    with pytest.raises(InstrumentVersion.DoesNotExist):
        VERSION_TRANSITION_SERVICES[name](actor=office_admin(world, "b"), version_id=version.pk)
    client.force_login(office_admin(world, "b"))
    assert client.post(reverse(f"api:instruments-version-{name}", args=[version.pk])).status_code == 404
    assert client.post(reverse("instruments:version_transition", args=[version.pk, name])).status_code == 404
    version.refresh_from_db()
    assert version.status == state
