"""Columns of the evaluation list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import OFFICE_COLUMN, TITLE_COLUMN, YEAR_COLUMN, Column

EVALUATION_COLUMNS = [
    TITLE_COLUMN,
    YEAR_COLUMN,
    OFFICE_COLUMN,
    Column("version.instrument.name", gettext_lazy("Indicator system")),
    Column("kind", gettext_lazy("Units")),
    Column("status", gettext_lazy("Phase"), order_by="status"),
]
