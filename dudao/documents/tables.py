"""Columns of the document list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import OFFICE_COLUMN, TITLE_COLUMN, Column


def _kind_label(document):
    return document.kind_label


DOCUMENT_COLUMNS = [
    Column("date", gettext_lazy("Date"), order_by="date"),
    Column(_kind_label, gettext_lazy("Kind of document"), order_by="kind"),
    Column("number", gettext_lazy("Document number"), order_by="number"),
    TITLE_COLUMN,
    Column("school.name", gettext_lazy("School"), order_by="school__name"),
    OFFICE_COLUMN,
    Column("created_by", gettext_lazy("Made by")),
]
