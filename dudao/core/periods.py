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
from django.utils import timezone
from django.utils.translation import gettext as _

DAY = datetime.timedelta(days=1)
CHUNK = 2000  # schools per query of the bulk functions


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


def _assign(row, name: str, value, touched: list) -> None:
    old = getattr(row, name)
    setattr(row, name, value)
    touched.append((row, {name: [getattr(old, "name", old), getattr(value, "name", value)]}))


def _set(row, name: str, value, touched: list) -> None:
    _assign(row, name, value, touched)
    row.save(update_fields=[name, "updated_at"])


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def check_no_overlap(model, school) -> None:
    """The database's own guarantee on PostgreSQL (an exclusion constraint), checked here too so
    that every database refuses a history whose periods overlap."""
    check_no_overlaps(model, [school.pk])


def check_no_overlaps(model, school_ids) -> None:
    """``check_no_overlap`` for many schools, a few thousand per query."""
    for ids in _chunks(sorted(set(school_ids))):
        rows = list(model.objects.filter(school_id__in=ids).order_by("school_id", "valid_from")
                    .values_list("school_id", "pk", "valid_from", "valid_to"))
        for (school, pk, _start, end), (next_school, next_pk, next_start, _end) in zip(rows, rows[1:], strict=False):
            if school == next_school and (end is None or end >= next_start):
                raise IntegrityError(f"{model._meta.label} {pk} and {next_pk} overlap")


@dataclass(frozen=True)
class PeriodPlan:
    """What "a value from ``on``" does to one school's periods, decided from its rows alone: the
    period ``cover`` covering ``on`` (None when none does) ``ends`` on ``on`` − 1, or is ``corrected``
    to the value (it starts on ``on``); a new period ``opens`` from ``on`` until ``until`` (None:
    open-ended). Nothing of these: ``on`` was already covered by the same value."""

    cover: object | None = None
    ends: bool = False
    corrects: bool = False
    opens: bool = False
    until: datetime.date | None = None

    @property
    def changed(self) -> bool:
        return self.ends or self.corrects or self.opens


def plan_period(rows: list, *, target: str, value, on: datetime.date, what: str) -> PeriodPlan:
    """The rules above applied to "``value`` from ``on``" (``None``: end the current period), given
    the school's ``rows`` ordered by ``valid_from``; writes nothing. Raises ``ValidationError`` (on
    ``valid_from``) when they refuse it."""
    cover = next((r for r in rows if r.valid_from <= on and (r.valid_to is None or r.valid_to >= on)), None)
    if cover is not None and cover.valid_to is not None:
        raise _refused(cover, what, rows, target)
    if cover is None and value is None:
        raise ValidationError({"valid_from": _("The school has no %(what)s on %(on)s to end.")
                               % {"what": what, "on": on.isoformat()}})
    if cover is None:
        later = [r for r in rows if r.valid_from > on]
        if later and len(later) == len(rows):  # before the first recorded period: nothing to fill
            raise _refused(later[0], what, rows, target)
        return PeriodPlan(opens=True, until=later[0].valid_from - DAY if later else None)
    if value is not None and getattr(cover, f"{target}_id") == value.pk:
        return PeriodPlan(cover)
    if cover.valid_from < on:
        return PeriodPlan(cover, ends=True, opens=value is not None)
    if value is not None:  # the period's first day: a correction
        return PeriodPlan(cover, corrects=True)
    raise ValidationError({"valid_from": _(
        "The %(what)s from %(start)s (%(name)s) starts that day and cannot end before it starts; to correct "
        "it, choose another with the same start date."
    ) % {"what": what, "start": cover.valid_from.isoformat(), "name": getattr(cover, target).name}})


def change_period(model, *, school, target: str, value, on: datetime.date, what: str) -> PeriodChange:
    """Applies "``value`` from ``on``" (``None``: end the current period) to ``school``'s rows of
    ``model``, whose other end is the foreign key ``target``. Raises ``ValidationError`` (on
    ``valid_from``), having changed nothing, when the rules above refuse it."""
    type(school)._base_manager.select_for_update().filter(pk=school.pk).first()  # one change per school at a time
    rows = list(model.objects.select_for_update().filter(school=school).select_related(target).order_by("valid_from"))
    plan = plan_period(rows, target=target, value=value, on=on, what=what)
    if not plan.changed:
        return PeriodChange(target, link=plan.cover, before=value, changed=False)
    cover = plan.cover
    change = PeriodChange(target, before=getattr(cover, target) if cover else None)
    if plan.ends:
        _set(cover, "valid_to", on - DAY, change.touched)
    if plan.corrects:
        _set(cover, target, value, change.touched)
        change.link = cover
    if plan.opens:
        change.link = model.objects.create(school=school, valid_from=on, **{target: value}, valid_to=plan.until)
    check_no_overlap(model, school)
    return change


def periods_by_school(model, school_ids, *, target: str, lock: bool = False, related: bool = True) -> dict[int, list]:
    """The rows of ``model`` of the schools ``school_ids``, each school's ordered by ``valid_from``, a
    few thousand schools per query; ``lock`` locks them until the transaction ends (what
    ``change_periods`` needs); ``related`` loads the other end ``target`` with them (``plan_period``
    alone needs it only to word a refusal)."""
    out: dict[int, list] = {}
    for ids in _chunks(sorted(set(school_ids))):
        rows = model.objects.filter(school_id__in=ids).order_by("school_id", "valid_from")
        if related:
            rows = rows.select_related(target)
        if lock:
            rows = rows.select_for_update(of=("self",))
        for row in rows:
            out.setdefault(row.school_id, []).append(row)
    return out


def change_periods(model, *, changes: list[tuple], periods: dict[int, list], target: str, on: datetime.date,
                   what: str) -> list[tuple[object, PeriodChange]]:
    """``change_period`` for many schools at once, in a number of queries that does not grow with
    them: ``changes`` are ``(school, value)`` pairs, one per school, and ``periods`` the schools'
    rows as ``periods_by_school(..., lock=True)`` read them. The same rules decide each school's
    change; if they refuse one, ``ValidationError`` is raised and nothing is written. Returns
    ``(school, change)`` for the schools whose periods changed, in the order given."""
    plans = [(school, value, plan_period(periods.get(school.pk, []), target=target, value=value, on=on, what=what))
             for school, value in changes]
    plans = [(school, value, plan) for school, value, plan in plans if plan.changed]
    now, done = timezone.now(), []
    ended, corrected, opened = [], {}, []
    for school, value, plan in plans:
        change = PeriodChange(target, before=getattr(plan.cover, target) if plan.cover else None)
        if plan.cover is not None:
            plan.cover.school, plan.cover.updated_at = school, now
        if plan.ends:
            _assign(plan.cover, "valid_to", on - DAY, change.touched)
            ended.append(plan.cover.pk)
        if plan.corrects:
            _assign(plan.cover, target, value, change.touched)
            corrected.setdefault(value.pk, (value, []))[1].append(plan.cover.pk)
            change.link = plan.cover
        if plan.opens:
            change.link = model(school=school, valid_from=on, valid_to=plan.until, **{target: value})
            opened.append(change.link)
        done.append((school, change))
    for pks in _chunks(ended):  # first end the open periods, then open the new ones: never two open at once
        model.objects.filter(pk__in=pks).update(valid_to=on - DAY, updated_at=now)
    for value, pks in corrected.values():
        for chunk in _chunks(pks):
            model.objects.filter(pk__in=chunk).update(**{target: value}, updated_at=now)
    model.objects.bulk_create(opened, batch_size=CHUNK)
    check_no_overlaps(model, [school.pk for school, _change in done])
    return done
