"""The scope matrix (STYLE §7.7): no county-A user reaches a county-B row through any surface, and
nobody makes a write outside their change scope.

Cases are registered by each app in ``tests/scope_cases.py``, writes in ``tests/scope_writes.py``;
see ``dudao.core.testing.scope_matrix``. The world is built once per module and rolled back.
"""

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

from dudao.core.testing.scope_matrix import (
    WRITERS,
    audit_count,
    discover,
    hidden_status,
    probe,
    refused_statuses,
    row_state,
    send,
    status_of,
    writes,
)
from dudao.core.testing.world import ROLES, fresh, world_rolled_back

CASES = discover()
WIDE_VIEWERS = ("city_office_admin", "sysadmin")  # the city office sees its counties; sysadmin all
VIEWERS = (*ROLES, *WIDE_VIEWERS)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def user_for(world, viewer: str):
    if viewer == "city_office_admin":
        return fresh(world.city_user)
    if viewer == "sysadmin":
        return fresh(world.sysadmin)
    if viewer == "neighbour_office_admin":
        return fresh(world.b.users["office_admin"])
    return fresh(world.a.users[viewer])


def signed_in(client, user):
    client.force_login(user)
    return client


def test_every_expected_model_is_registered():
    # given the models the scope rule covers today
    expected = {
        "organizations.Region", "organizations.Office", "organizations.School", "organizations.Zone",
        "organizations.ZoneMembership", "inspectors.Inspector", "inspectors.Listing", "audit.AuditEvent",
        "accounts.Membership", "documents.Document", "workreports.Report", "directives.Directive",
        "directives.DirectiveItem",
    }
    # then each has a case, and each case names at least one list surface
    registered = {case.label for case in CASES}
    assert expected <= registered
    assert all({"ui_list", "api_list"} & set(case.surfaces()) for case in CASES)


@pytest.mark.parametrize(
    ("case", "surface", "viewer"),
    [(case, surface, viewer) for case in CASES for surface in case.surfaces() for viewer in VIEWERS],
    ids=lambda value: str(value),
)
def test_county_b_row_reaches_only_wide_viewers(world, client, case, surface, viewer):
    # given a row of county B and a signed-in viewer
    row = case.b_row(world)
    user = user_for(world, viewer)
    signed_in(client, user)

    # when the viewer looks through the surface
    seen = probe(surface, case, client, user, row)

    # then only the city office and the system administrator see it
    if viewer in WIDE_VIEWERS:
        assert seen.visible, f"{viewer} must see {case.label} of county B through {surface}"
        assert seen.status in (None, 200)
    else:
        assert not seen.visible, f"{viewer} of county A sees {case.label} of county B through {surface}"
        assert seen.status == hidden_status(surface, case, user)


@pytest.mark.parametrize(
    ("case", "surface"),
    [(case, surface) for case in CASES for surface in case.surfaces()],
    ids=lambda value: str(value),
)
def test_county_a_office_admin_sees_own_rows(world, client, case, surface):
    # given a row of county A and the county's office administrator
    row = case.a_row(world)
    user = user_for(world, "office_admin")
    signed_in(client, user)

    # when the administrator looks through the surface
    seen = probe(surface, case, client, user, row)

    # then the row is there (the matrix above cannot pass on empty pages)
    assert seen.visible, f"office_admin of county A does not see {case.label} of county A through {surface}"
    assert seen.status in (None, 200)


# ---- the write column --------------------------------------------------------------------------

WRITES = writes()
REFUSED = [(write, writer) for write in WRITES for writer in WRITERS if writer not in write.allowed]


def test_every_scoped_workflow_has_writes_in_the_matrix():
    # given the models whose rows people move through states or edit
    expected = {
        "inspections.Rectification", "inspections.Finding", "inspections.Visit", "campaigns.Campaign",
        "campaigns.CampaignTarget", "complaints.Complaint", "evaluations.Unit", "plans.WorkPlan", "plans.Task",
        "inspectors.Inspector", "inspectors.Listing", "organizations.School", "organizations.ZoneMembership",
        "instruments.InstrumentVersion", "surveys.Survey", "workreports.Report", "directives.Directive",
        "directives.DirectiveItem",
    }
    # then each has a write, and the city office is refused at least one (it watches its counties)
    assert expected <= {write.label for write in WRITES}
    assert "inspections.Rectification.escalate" in {str(write) for write in WRITES}
    assert all(write.service or write.api for write in WRITES)


@pytest.mark.parametrize(("write", "writer"), [(w, u) for w, u in REFUSED if w.service], ids=str)
def test_writer_outside_the_change_scope_is_refused_by_the_service(world, write, writer):
    # given a county-A row in the state the write needs, and a writer who may not make it
    row = write.row(world)
    user = user_for(world, writer)
    before, events = row_state(row), audit_count()

    # when the writer makes it through the service
    with pytest.raises((PermissionDenied, ObjectDoesNotExist, Http404)) as refused:
        write.service(user, row)

    # then it is refused (403 for a row they see, 404 for one they do not), and nothing changed
    assert status_of(refused.value) in refused_statuses(write, fresh(user), row)
    assert row_state(row) == before
    assert audit_count() == events


@pytest.mark.parametrize(("write", "writer"), [(w, u) for w, u in REFUSED if w.api], ids=str)
def test_writer_outside_the_change_scope_is_refused_by_the_api(world, client, write, writer):
    # given a county-A row in the state the write needs, and a signed-in writer who may not make it
    row = write.row(world)
    user = user_for(world, writer)
    signed_in(client, user)
    before, events = row_state(row), audit_count()

    # when the writer makes it through the API
    status = send(client, write.api(row))

    # then it answers 403 or 404 in the same way, and nothing changed
    assert status in refused_statuses(write, fresh(user), row)
    assert row_state(row) == before
    assert audit_count() == events


@pytest.mark.parametrize("write", [w for w in WRITES if w.service], ids=str)
def test_allowed_writer_makes_the_write_through_the_service(world, write):
    # given the row and the first writer allowed to make the write (the matrix above cannot pass
    # on writes nobody can make)
    row = write.row(world)
    before, events = row_state(row), audit_count()

    # when they make it
    write.service(user_for(world, write.allowed[0]), row)

    # then the row changed or the write is on the audit log
    assert row_state(row) != before or audit_count() > events


@pytest.mark.parametrize("write", [w for w in WRITES if w.api], ids=str)
def test_allowed_writer_makes_the_write_through_the_api(world, client, write):
    row = write.row(world)
    signed_in(client, user_for(world, write.allowed[-1]))
    before, events = row_state(row), audit_count()

    status = send(client, write.api(row))

    assert status < 300, f"{write.allowed[-1]} could not {write} through the API ({status})"
    assert row_state(row) != before or audit_count() > events
