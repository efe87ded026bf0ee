"""Scope-matrix case of role memberships (see ``dudao.core.testing.scope_matrix``)."""

from dudao.accounts.models import Membership
from dudao.core.testing.scope_matrix import ScopeCase, register

register(ScopeCase(
    label="accounts.Membership",
    b_row=lambda world: Membership.objects.get(user=world.b.users["office_staff"]),
    a_row=lambda world: Membership.objects.get(user=world.a.users["office_staff"]),
    marker=lambda membership: membership.user.username,
    ui_list="accounts:membership_list",
))
