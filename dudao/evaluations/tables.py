"""Columns of the evaluation list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import Column

EVALUATION_COLUMNS = [
    Column("title", gettext_lazy("Title"), order_by="title", link=True),
    Column("year", gettext_lazy("Year"), order_by="year"),
    Column("office.name", gettext_lazy("Office")),
    Column("version.instrument.name", gettext_lazy("Indicator system")),
    Column("kind", gettext_lazy("Units")),
    Column("status", gettext_lazy("Phase"), order_by="status"),
]
