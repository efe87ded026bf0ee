"""Columns of the instrument list: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.core.tables import Column


def _owner(instrument) -> str:
    return instrument.office.name if instrument.office_id else _("National")


def _published(instrument) -> str:
    return f"v{instrument.latest_published_number}" if instrument.latest_published_number else ""


def _draft(instrument) -> str:
    return f"v{instrument.draft_number}" if instrument.draft_number else ""


_owner.__name__, _published.__name__, _draft.__name__ = "owner", "published", "draft"


INSTRUMENT_COLUMNS = [
    Column("code", gettext_lazy("Code"), order_by="code"),
    Column("name", gettext_lazy("Name"), order_by="name", link=True),
    Column("kind", gettext_lazy("Kind"), order_by="kind"),
    Column("audience", gettext_lazy("For"), order_by="audience"),
    Column(_owner, gettext_lazy("Owner"), order_by="office__region__path"),
    Column(_published, gettext_lazy("Published version"), order_by="latest_published_number"),
    Column(_draft, gettext_lazy("Draft")),
    Column("updated_at", gettext_lazy("Updated"), order_by="updated_at"),
]
