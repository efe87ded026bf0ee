"""Columns of the survey list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import STATUS_COLUMN, TITLE_COLUMN, YEAR_COLUMN, Column


def _closes(survey):
    return survey.closes_on


SURVEY_COLUMNS = [
    TITLE_COLUMN,
    YEAR_COLUMN,
    Column("office.name", gettext_lazy("Office"), order_by="office__name"),
    Column("version", gettext_lazy("Questionnaire")),
    STATUS_COLUMN,
    Column(_closes, gettext_lazy("Closing date"), order_by="closes_on"),
    Column("school_count", gettext_lazy("Schools")),
    Column("response_count", gettext_lazy("Responses"), order_by="response_count"),
]
