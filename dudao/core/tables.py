"""Table columns: one list drives the HTML table, the sort links and the Excel export."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Column:
    """One column: a dotted accessor (or callable), a label, and the field it sorts by."""

    accessor: str | Callable[[Model], Any]
    label: Any
    order_by: str | None = None
    link: bool = False
    export: bool = True
    html: bool = True

    @property
    def key(self) -> str:
        return self.accessor if isinstance(self.accessor, str) else getattr(self.accessor, "__name__", "col")

    def value(self, obj):
        if callable(self.accessor):
            return self.accessor(obj)
        value = obj
        for part in self.accessor.split("."):
            if value is None:
                return ""
            display = getattr(value, f"get_{part}_display", None)
            value = display() if callable(display) else getattr(value, part, "")
            if callable(value) and not isinstance(value, Model):
                value = value()
        return "" if value is None else value

    def export_value(self, obj):
        """Numbers and dates stay numbers and dates in the workbook; anything else is its text."""
        value = self.value(obj)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, (int, float, datetime.date)):
            return value
        return str(value) if value is not None else ""


# The columns many lists show alike.
TITLE_COLUMN = Column("title", gettext_lazy("Title"), order_by="title", link=True)
STATUS_COLUMN = Column("status", gettext_lazy("Status"), order_by="status")
YEAR_COLUMN = Column("year", gettext_lazy("Year"), order_by="year")
OFFICE_COLUMN = Column("office.name", gettext_lazy("Office"))
SCHOOL_COLUMN = Column("school.name", gettext_lazy("School"), order_by="school__sort_key")


def _overdue_badge(row):
    if getattr(row, "overdue", False):
        return format_html('<span class="badge bg-red-lt" data-testid="overdue-badge">{}</span>', _("Overdue"))
    return ""


def _overdue_text(row):
    return _("Yes") if getattr(row, "overdue", False) else _("No")


# A row's ``overdue`` (its list's selector annotates it): a red badge on the page, yes or no in the export.
OVERDUE_COLUMNS = (Column(_overdue_badge, gettext_lazy("Overdue"), export=False),
                   Column(_overdue_text, gettext_lazy("Overdue"), html=False))


def order_rows(queryset, sort: str, fields: dict[str, str], default: tuple[str, ...] = ()):
    """``queryset`` sorted by a table's ``sort`` key (``-key``: descending; then by pk) through
    ``fields`` (key → field), or by ``default`` when the key names no sortable column."""
    order_by = fields.get(sort.lstrip("-"))
    if order_by:
        return queryset.order_by(f"-{order_by}" if sort.startswith("-") else order_by, "pk")
    if default:
        return queryset.order_by(*default)
    return queryset
