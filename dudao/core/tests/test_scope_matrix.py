"""The scope matrix (STYLE §7.7): no county-A user reaches a county-B row through any surface.

Cases are registered by each app in ``tests/scope_cases.py``; see
``dudao.core.testing.scope_matrix``. The world is built once per module and rolled back.
"""

import pytest

from dudao.core.testing.scope_matrix import discover, hidden_status, probe
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
    return fresh(world.a.users[viewer])


def signed_in(client, user):
    client.force_login(user)
    return client


def test_every_expected_model_is_registered():
    # given the models the scope rule covers today
    expected = {
        "organizations.Region", "organizations.Office", "organizations.School", "organizations.Zone",
        "organizations.ZoneMembership", "inspectors.Inspector", "inspectors.Listing", "audit.AuditEvent",
        "accounts.Membership", "documents.Document", "reports.Report",
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
