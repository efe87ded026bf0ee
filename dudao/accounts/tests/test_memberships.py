"""Office administrators give people roles in their area, end them and reset passwords; all audited."""

import re

import pytest

from dudao.accounts.models import Membership, User
from dudao.audit.models import AuditEvent
from dudao.core.testing.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_office_admin_creates_a_liaison_account_for_a_school(client, world):
    # given the county A office administrator
    client.force_login(world.a.users["office_admin"])
    school = world.a.schools[3]
    # when they grant a new username the school-liaison role at a county-A school
    response = client.post("/accounts/roles/add/", {
        "username": "new_liaison", "full_name": "赵老师", "role": "school_liaison",
        "office": world.a.office.pk, "school": school.pk, "valid_from": "2026-01-01",
    }, follow=True)
    # then the account exists with that one role, its password was shown once, and both are audited
    user = User.objects.get(username="new_liaison")
    assert Membership.objects.filter(user=user, role="school_liaison", school=school).exists()
    shown = [str(m) for m in response.context["messages"]]
    password = re.search(r"([A-Za-z0-9]{12})$", shown[0]).group(1)
    assert user.check_password(password)
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"accounts.user.create", "accounts.membership.grant"}
    # and the new liaison, once they chose their own password, sees exactly their school
    client.force_login(user)
    client.post("/accounts/password/", {"old_password": password, "new_password1": "Zhao-own-2026",
                                        "new_password2": "Zhao-own-2026"})
    assert user.scope.school_ids == {school.pk}
    assert client.get(f"/organizations/schools/{school.pk}/").status_code == 200
    assert client.get(f"/organizations/schools/{world.a.schools[0].pk}/").status_code == 404


def test_grant_rejects_a_school_of_another_county(client, world):
    client.force_login(world.a.users["office_admin"])
    response = client.post("/accounts/roles/add/", {
        "username": "x", "role": "school_liaison", "office": world.a.office.pk,
        "school": world.b.schools[0].pk, "valid_from": "2026-01-01",
    })
    assert response.status_code == 400
    assert not User.objects.filter(username="x").exists()


def test_end_role_and_reset_password(client, world):
    admin = world.a.users["office_admin"]
    liaison = world.a.users["school_liaison"]
    membership = liaison.memberships.get()
    client.force_login(admin)
    client.post(f"/accounts/roles/{membership.pk}/reset-password/")
    liaison.refresh_from_db()
    assert not liaison.check_password("dudao-demo")
    client.post(f"/accounts/roles/{membership.pk}/end/")
    membership.refresh_from_db()
    assert membership.valid_to is not None
    liaison = User.objects.get(pk=liaison.pk)
    assert not membership.is_current
    assert liaison.scope.school_ids == frozenset()


def test_neighbour_county_cannot_touch_the_roles(client, world):
    membership = world.a.users["school_liaison"].memberships.get()
    client.force_login(world.b.users["office_admin"])
    assert client.post(f"/accounts/roles/{membership.pk}/end/").status_code == 404
    assert "a_liaison" not in client.get("/accounts/roles/").content.decode()
    client.force_login(world.a.users["inspector"])
    assert client.get("/accounts/roles/").status_code == 403
