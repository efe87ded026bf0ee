"""Columns of the membership list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import OFFICE_COLUMN, Column

MEMBERSHIP_COLUMNS = [
    Column("user.username", gettext_lazy("Username"), order_by="user__username"),
    Column("user.full_name", gettext_lazy("Full name"), order_by="user__full_name"),
    Column("role", gettext_lazy("Role"), order_by="role"),
    OFFICE_COLUMN,
    Column("zone.name", gettext_lazy("Zone")),
    Column("school.name", gettext_lazy("School")),
    Column("department.name", gettext_lazy("Responsible unit")),
    Column("valid_from", gettext_lazy("From"), order_by="valid_from"),
    Column("valid_to", gettext_lazy("To"), order_by="valid_to"),
]
