"""Columns of the rating list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext_lazy, pgettext_lazy

from dudao.assessment import selectors
from dudao.core.tables import Column


def _period(rating):
    return selectors.period_of(rating.period_kind, rating.period_start).label


_period.__name__ = "period"


RATING_COLUMNS = [
    Column("inspector.name", gettext_lazy("Inspector"), order_by="inspector__sort_key"),
    Column(_period, gettext_lazy("Period")),
    Column("role", pgettext_lazy("assessment role", "Rater"), order_by="role"),
    Column("school.name", gettext_lazy("School")),
    Column("rater", gettext_lazy("Rated by")),
    Column("score", gettext_lazy("Score"), order_by="score"),
    Column("updated_at", gettext_lazy("Recorded"), order_by="updated_at"),
]
