"""The progress board as an Excel sheet: the same rows as the page, one per unit and one per item."""

from django.utils.translation import gettext as _

from dudao.core.excel import write_table
from dudao.directives import selectors


def board_workbook(*, user, directive=None) -> bytes:
    """Per item: directive, unit, what, deadline, state, board, last report, urges."""
    rows = selectors.item_rows(user=user, directive=directive)
    headers = [_("Directive"), _("Responsible unit"), _("What to do"), _("Deadline"), _("Status"), _("Progress board"),
               _("Last report"), _("Urges")]
    return write_table(headers, ([
        r["item"].directive.title, r["item"].unit_name, r["item"].content, r["item"].deadline,
        r["item"].get_status_display(), str(r["board_label"]), r["last_reported"], r["urges"],
    ] for r in rows), title=_("Progress board"))
