"""Scoped reads of directives, shared by the pages, the API and the Excel export.

The board reads the items in scope once (with their last report and their number of urges as
annotations), so its number of queries does not grow with the number of units or items.
"""

import datetime
from collections import Counter

from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.directives.models import Board, Directive, DirectiveItem, ProgressReport, ReportFile, Urge

DIRECTIVE_RELATED = ("office__region", "created_by", "bulletin")
ITEM_RELATED = ("directive__office__region", "school__region", "department", "reviewed_by")
# schools by name, then the departments and township offices in the office's order
UNIT_ORDER = (F("school__sort_key").asc(nulls_last=True), "department__number", "department_id")
OPEN = (Directive.Status.ASSIGNED, Directive.Status.PUBLISHED)

# the seven stages of the follow-up, in order (立项 → 计划 → 反馈 → 督办 → 审核 → 通报 → 归档)
STAGES = (
    ("register", pgettext_lazy("directive stage", "Register")),
    ("plan", pgettext_lazy("directive stage", "Plan")),
    ("report", pgettext_lazy("directive stage", "Report")),
    ("urge", pgettext_lazy("directive stage", "Urge")),
    ("review", pgettext_lazy("directive stage", "Review")),
    ("publish", pgettext_lazy("directive stage", "Bulletin")),
    ("archive", pgettext_lazy("directive stage", "Archive")),
)


def directive_list(*, user):
    """The directives in scope, each with the number of its items the user sees, done and late."""
    today = timezone.localdate()
    seen = Q(items__in=DirectiveItem.objects.for_user(user, "view").values("pk"))
    unit_open = Q(items__status__in=(DirectiveItem.Status.PENDING, DirectiveItem.Status.RETURNED))
    return (Directive.objects.for_user(user, "view").select_related(*DIRECTIVE_RELATED)
            .annotate(item_count=Count("items", filter=seen, distinct=True),
                      done_count=Count("items", filter=seen & Q(items__status=DirectiveItem.Status.ACCEPTED),
                                       distinct=True),
                      late_count=Count("items", filter=seen & unit_open & Q(items__deadline__lt=today),
                                       distinct=True)))


def directive_get(*, user, pk: int) -> Directive:
    return Directive.objects.for_user(user, "view").select_related(*DIRECTIVE_RELATED).get(pk=pk)


def directive_can_change(*, user, directive) -> bool:
    return Directive.objects.for_user(user, "change").filter(pk=directive.pk).exists()


def item_list(*, user, directive=None):
    qs = (DirectiveItem.objects.for_user(user, "view").select_related(*ITEM_RELATED)
          .annotate(urge_count=Count("urges", distinct=True), last_reported_at=Max("reports__created_at")))
    return qs.filter(directive=directive) if directive is not None else qs


def item_get(*, user, pk: int) -> DirectiveItem:
    return item_list(user=user).get(pk=pk)


def report_list(*, user, item):
    return (ProgressReport.objects.for_user(user, "view").filter(item=item).select_related("reported_by")
            .prefetch_related("files"))


def file_list(*, user):
    return ReportFile.objects.for_user(user, "view").select_related("item")


def urge_list(*, user, item):
    return Urge.objects.for_user(user, "view").filter(item=item).select_related("sent_by", "document")


def last_reported_on(item) -> datetime.date | None:
    """The day of the item's last progress report (``item_list`` annotates it)."""
    return timezone.localdate(item.last_reported_at) if getattr(item, "last_reported_at", None) else None


def item_rows(*, user, directive=None, on: datetime.date | None = None, items=None) -> list[dict]:
    """The items in scope with their place on the board, last report and urges, by unit (schools, then
    departments and township offices) then deadline."""
    on = on or timezone.localdate()
    items = items if items is not None else item_list(user=user, directive=directive)
    rows = []
    for item in items.order_by(*UNIT_ORDER, "deadline", "pk"):
        last = last_reported_on(item)
        rows.append({"item": item, "board": item.board(on), "board_label": Board(item.board(on)).label,
                     "last_reported": last, "next_report_due": item.next_report_due(last),
                     "urges": item.urge_count})
    return rows


def board_counts(rows) -> dict:
    """``{items, on_time, late, returned, done}`` of item rows."""
    counted = Counter(r["board"] for r in rows)
    return {"items": len(rows), **{state.value: counted.get(state.value, 0) for state in Board}}


def unit_board(*, user, directive=None, on: datetime.date | None = None) -> list[dict]:
    """One row per responsible unit (a school, or a department or township office): how many of its
    items are on time, late, returned and done."""
    units: dict[tuple, dict] = {}
    for row in item_rows(user=user, directive=directive, on=on):
        item = row["item"]
        unit = units.setdefault(item.unit_key, {"name": item.unit_name, "school": item.school,
                                                "department": item.department, "items": 0, "urges": 0,
                                                **{state.value: 0 for state in Board}})
        unit["items"] += 1
        unit["urges"] += row["urges"]
        unit[row["board"]] += 1
    return list(units.values())


def directive_stages(*, directive, rows) -> list[dict]:
    """The seven stages with whether each has been reached (``rows``: the directive's item rows)."""
    status = directive.status
    reached = {
        "register": True,
        "plan": status != Directive.Status.REGISTERED,
        "report": any(r["last_reported"] or r["item"].status != DirectiveItem.Status.PENDING for r in rows),
        "urge": any(r["urges"] for r in rows),
        "review": any(r["item"].reviewed_at for r in rows),
        "publish": status in (Directive.Status.PUBLISHED, Directive.Status.ARCHIVED),
        "archive": status == Directive.Status.ARCHIVED,
    }
    return [{"code": code, "label": label, "done": reached[code]} for code, label in STAGES]


BOARD_HELP = {
    Board.ON_TIME: _("Still within the deadline, or completion reported and waiting for review."),
    Board.LATE: _("Past the deadline and not reported done."),
    Board.RETURNED: _("The office returned the completion report."),
    Board.DONE: _("Accepted by the office."),
}
