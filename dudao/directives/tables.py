"""Columns of the directive lists: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import OFFICE_COLUMN, STATUS_COLUMN, TITLE_COLUMN, Column

DIRECTIVE_COLUMNS = [
    TITLE_COLUMN,
    Column("source", gettext_lazy("Source"), order_by="source"),
    OFFICE_COLUMN,
    Column("decided_on", gettext_lazy("Decided on"), order_by="decided_on"),
    STATUS_COLUMN,
    Column("item_count", gettext_lazy("Items")),
    Column("done_count", gettext_lazy("Done")),
    Column("late_count", gettext_lazy("Late")),
]
