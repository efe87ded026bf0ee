"""The campaign's results table and rectification list as Excel sheets (the same rows as the pages)."""

from django.utils.translation import gettext as _

from dudao.campaigns import selectors
from dudao.core.excel import write_table


def _score(value):
    return "" if value is None else value


def results_workbook(*, user, campaign) -> bytes:
    rows = selectors.campaign_results(user=user, campaign=campaign)
    headers = [_("School"), _("Team"), _("Status"), _("Self-check score"), _("Late"), _("Team score"),
               _("Visited on"), _("Problems"), _("Notices"), _("Notices closed")]
    return write_table(headers, ([
        r["school"].name, r["team"].name if r["team"] else "", r["status_label"], _score(r["self_score"]),
        _("Yes") if r["late"] else "", _score(r["team_score"]),
        r["visited_on"], r["problems"], r["notices"], r["notices_closed"],
    ] for r in rows), title=_("Results"))


def rectifications_workbook(*, user, campaign) -> bytes:
    rows = selectors.campaign_rectification_list(user=user, campaign=campaign)
    headers = [_("No."), _("School"), _("Checklist item"), _("Problem"), _("Notice number"), _("Requirements"),
               _("Measures taken"), _("Deadline"), _("Status"), _("Progress")]
    return write_table(headers, ([
        r["no"], r["school"].name, r["item"], r["description"], r["number"], r["requirements"], r["measures"],
        r["deadline"], str(r["status_label"]), str(r["progress_label"]),
    ] for r in rows), title=_("Rectification list"))
