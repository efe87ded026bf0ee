"""Columns of the complaint and publication lists: one list drives the HTML table, the sort links and the Excel export."""

from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.complaints.masking import mask_name, mask_phone
from dudao.core.tables import OVERDUE_COLUMNS, SCHOOL_COLUMN, STATUS_COLUMN, Column
from dudao.inspectors.signboards import public_url


def _sender(complaint) -> str:
    """Lists and exports show the sender masked, whoever reads them."""
    if complaint.is_anonymous:
        return _("Anonymous")
    return " ".join(p for p in (mask_name(complaint.name), mask_phone(complaint.phone)) if p)


def _short_text(complaint):
    return complaint.text if len(complaint.text) <= 40 else complaint.text[:39] + "…"


def _received(complaint):
    from django.utils import timezone

    return timezone.localdate(complaint.created_at)


def _handler(complaint):
    return complaint.handler.name if complaint.handler_id else (_("The office") if complaint.concerns_inspector else "")


def _public_link(publication):
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>',
                       public_url(publication.school_id, ""), _("Public page"))


COMPLAINT_COLUMNS = [
    Column("pk", gettext_lazy("No."), order_by="pk", link=True),
    Column(_received, gettext_lazy("Received"), order_by="created_at"),
    Column("kind", gettext_lazy("Kind"), order_by="kind"),
    SCHOOL_COLUMN,
    Column(_short_text, gettext_lazy("Message"), export=False),
    Column("text", gettext_lazy("Message"), html=False),
    Column(_sender, gettext_lazy("Sender")),
    Column(_handler, gettext_lazy("Handling inspector")),
    STATUS_COLUMN,
    Column("due_on", gettext_lazy("Answer due"), order_by="due_on"),
    *OVERDUE_COLUMNS,
    Column("response_days", gettext_lazy("Days to answer")),
    Column("rating", gettext_lazy("Rating"), order_by="rating"),
]


PUBLICATION_COLUMNS = [
    Column("title", gettext_lazy("Title"), order_by="title"),
    Column("kind", gettext_lazy("Kind"), order_by="kind"),
    SCHOOL_COLUMN,
    Column("created_at", gettext_lazy("Published"), order_by="created_at"),
    Column("withdrawn_at", gettext_lazy("Withdrawn"), order_by="withdrawn_at"),
    Column(_public_link, gettext_lazy("Public page"), export=False),
]
