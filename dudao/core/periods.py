"""Changing a school's dated history (who is listed there, which zone it is in) without losing it.

A school's periods (``DatedSchoolLink`` rows) never overlap and none is ever deleted. A change "X
from day D" (or "none from D", ending the current period) is applied like this:

* D falls inside the current, open period: the period ends on D − 1 and X runs from D. On the
  period's own first day the change is a correction: the period keeps its dates and takes X.
  Ending a period on its first day would leave it empty, so that is refused.
* D falls after every period: X runs from D.
* D falls in a gap between two recorded periods: X fills it, up to the day before the next one.
* Otherwise (D inside a closed period, or before the first one) the change is refused with the
  period it collides with: history is corrected period by period, not overwritten.

The caller locks nothing and audits: it gets the rows it touched with their changes.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

DAY = datetime.timedelta(days=1)


@dataclass
class PeriodChange:
    """What a change did to the rows whose other end is ``target``: ``link`` is the period in effect from D (None when ended), ``before``
    the other end it replaced on D, ``touched`` the existing rows changed with ``{field: [old,
    new]}``; ``changed`` is False when D was already covered by the same other end."""

    target: str
    link: object | None = None
    before: object | None = None
    touched: list[tuple[object, dict]] = field(default_factory=list)
    changed: bool = True

    def audit_entries(self, *, action: str, school, value, reason: str) -> list[tuple]:
        """The entries for ``record_many``: ``<model>.end`` or ``<model>.correct`` per row touched, then
        ``action`` on the school with the other end before → after (by name)."""
        prefix = action.rsplit(".", 1)[0]
        return [
            *((f"{prefix}.{'end' if 'valid_to' in changes else 'correct'}", row, changes, reason)
              for row, changes in self.touched),
            (action, school, {self.target: [getattr(self.before, "name", None), getattr(value, "name", None)]}, reason),
        ]


def _refused(row, what: str, rows: list, target: str) -> ValidationError:
    current = rows[-1]
    earliest = current.valid_from if current.valid_to is None else current.valid_to + DAY
    return ValidationError({"valid_from": _(
        "The school already has a %(what)s from %(start)s (%(name)s). History is kept: a change may start "
        "on %(earliest)s or later, or fill a gap between two periods."
    ) % {"what": what, "start": row.valid_from.isoformat(), "name": getattr(row, target).name,
         "earliest": earliest.isoformat()}})


def _set(row, name: str, value, touched: list) -> None:
    old = getattr(row, name)
    setattr(row, name, value)
    row.save(update_fields=[name, "updated_at"])
    touched.append((row, {name: [getattr(old, "name", old), getattr(value, "name", value)]}))


def check_no_overlap(model, school) -> None:
    """The database's own guarantee on PostgreSQL (an exclusion constraint), checked here too so
    that every database refuses a history whose periods overlap."""
    rows = list(model.objects.filter(school=school).order_by("valid_from").values_list("pk", "valid_from", "valid_to"))
    for (pk, _start, end), (next_pk, next_start, _end) in zip(rows, rows[1:], strict=False):
        if end is None or end >= next_start:
            raise IntegrityError(f"{model._meta.label} {pk} and {next_pk} overlap")


def change_period(model, *, school, target: str, value, on: datetime.date, what: str) -> PeriodChange:
    """Applies "``value`` from ``on``" (``None``: end the current period) to ``school``'s rows of
    ``model``, whose other end is the foreign key ``target``. Raises ``ValidationError`` (on
    ``valid_from``), having changed nothing, when the rules above refuse it."""
    type(school)._base_manager.select_for_update().filter(pk=school.pk).first()  # one change per school at a time
    rows = list(model.objects.select_for_update().filter(school=school).select_related(target).order_by("valid_from"))
    cover = next((r for r in rows if r.valid_from <= on and (r.valid_to is None or r.valid_to >= on)), None)
    if cover is not None and cover.valid_to is not None:
        raise _refused(cover, what, rows, target)
    if cover is None and value is None:
        raise ValidationError({"valid_from": _("The school has no %(what)s on %(on)s to end.")
                               % {"what": what, "on": on.isoformat()}})
    change = PeriodChange(target, before=getattr(cover, target) if cover else None)
    if cover is None:
        later = [r for r in rows if r.valid_from > on]
        if later and len(later) == len(rows):  # before the first recorded period: nothing to fill
            raise _refused(later[0], what, rows, target)
        change.link = model.objects.create(school=school, valid_from=on, **{target: value},
                                           valid_to=later[0].valid_from - DAY if later else None)
    elif value is not None and getattr(cover, f"{target}_id") == value.pk:
        return PeriodChange(target, link=cover, before=value, changed=False)
    elif cover.valid_from < on:
        _set(cover, "valid_to", on - DAY, change.touched)
        if value is not None:
            change.link = model.objects.create(school=school, valid_from=on, **{target: value})
    elif value is not None:  # the period's first day: a correction
        _set(cover, target, value, change.touched)
        change.link = cover
    else:
        raise ValidationError({"valid_from": _(
            "The %(what)s from %(start)s (%(name)s) starts that day and cannot end before it starts; to correct "
            "it, choose another with the same start date."
        ) % {"what": what, "start": cover.valid_from.isoformat(), "name": change.before.name}})
    check_no_overlap(model, school)
    return change
