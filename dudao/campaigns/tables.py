"""Columns of the campaign and target lists: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy

from dudao.core.tables import Column

CAMPAIGN_COLUMNS = [
    Column("title", gettext_lazy("Title"), order_by="title", link=True),
    Column("theme", gettext_lazy("Theme"), order_by="theme"),
    Column("office.name", gettext_lazy("Office")),
    Column("status", gettext_lazy("Status"), order_by="status"),
    Column("start_date", gettext_lazy("Start"), order_by="start_date"),
    Column("self_check_due", gettext_lazy("Self-check due"), order_by="self_check_due"),
    Column("end_date", gettext_lazy("End"), order_by="end_date"),
]


TARGET_COLUMNS = [
    Column("school.name", gettext_lazy("School"), order_by="school__sort_key", link=True),
    Column("campaign.title", gettext_lazy("Campaign")),
    Column("campaign.self_check_due", gettext_lazy("Self-check due")),
    Column("team.name", gettext_lazy("Team")),
    Column("status", gettext_lazy("Status"), order_by="status"),
    Column("self_check_late", gettext_lazy("Late")),
    Column("visited_on", gettext_lazy("Visited on"), order_by="visited_on"),
]
