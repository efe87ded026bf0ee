"""Columns of the statistics year and school return lists: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import STATUS_COLUMN, Column

STATISTICS_YEAR_COLUMNS = [
    Column("year", gettext_lazy("Year"), order_by="year", link=True),
    Column("office.name", gettext_lazy("Office"), order_by="office__name"),
    STATUS_COLUMN,
    Column("locked_by", gettext_lazy("Locked by")),
    Column("locked_at", gettext_lazy("Locked at"), order_by="locked_at"),
]


SCHOOL_RETURN_COLUMNS = [
    Column("school.name", gettext_lazy("School"), order_by="school__sort_key", link=True),
    Column("school.code", gettext_lazy("School code"), order_by="school__code"),
    Column("statistics_year.year", gettext_lazy("Year"), order_by="statistics_year__year"),
    Column("stage", gettext_lazy("Stage"), order_by="stage"),
    Column("students", gettext_lazy("Pupils"), order_by="students"),
    Column("teachers", gettext_lazy("Full-time teachers")),
    Column("books", gettext_lazy("Books")),
    Column("submitted_at", gettext_lazy("Submitted at"), order_by="submitted_at"),
]
