"""Columns of the campaign and target lists: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import OFFICE_COLUMN, STATUS_COLUMN, TITLE_COLUMN, Column

CAMPAIGN_COLUMNS = [
    TITLE_COLUMN,
    Column("theme", gettext_lazy("Theme"), order_by="theme"),
    OFFICE_COLUMN,
    STATUS_COLUMN,
    Column("start_date", gettext_lazy("Start"), order_by="start_date"),
    Column("self_check_due", gettext_lazy("Self-check due"), order_by="self_check_due"),
    Column("end_date", gettext_lazy("End"), order_by="end_date"),
]


TARGET_COLUMNS = [
    Column("school.name", gettext_lazy("School"), order_by="school__sort_key", link=True),
    Column("campaign.title", gettext_lazy("Campaign")),
    Column("campaign.self_check_due", gettext_lazy("Self-check due")),
    Column("team.name", gettext_lazy("Team")),
    STATUS_COLUMN,
    Column("self_check_late", gettext_lazy("Late")),
    Column("visited_on", gettext_lazy("Visited on"), order_by="visited_on"),
]
