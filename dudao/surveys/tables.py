"""Columns of the survey list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import Column


def _closes(survey):
    return survey.closes_on


SURVEY_COLUMNS = [
    Column("title", gettext_lazy("Title"), order_by="title", link=True),
    Column("year", gettext_lazy("Year"), order_by="year"),
    Column("office.name", gettext_lazy("Office"), order_by="office__name"),
    Column("version", gettext_lazy("Questionnaire")),
    Column("status", gettext_lazy("Status"), order_by="status"),
    Column(_closes, gettext_lazy("Closing date"), order_by="closes_on"),
    Column("school_count", gettext_lazy("Schools")),
    Column("response_count", gettext_lazy("Responses"), order_by="response_count"),
]
