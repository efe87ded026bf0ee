"""Property tests of a school's dated history (``core.periods``): random sequences of "X from day
D" and "none from D", backdated or not, keep the history's invariants."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from hypothesis import strategies as st

from dudao.audit.models import AuditEvent
from dudao.core.periods import check_no_overlap

BASE = datetime.date(2025, 9, 1)
# (a value index or None to end, a day offset from BASE): 30 days make backdating and collisions common
DAYS = [BASE + datetime.timedelta(days=n) for n in range(-1, 33)]
CHANGES = st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 2)), st.integers(0, 30)), min_size=1, max_size=12)


def rows(model, school, target: str) -> dict:
    """The school's periods: ``{pk: (other end's id, from, to)}``."""
    return {pk: (other, start, end) for pk, other, start, end in
            model.objects.filter(school=school).values_list("pk", f"{target}_id", "valid_from", "valid_to")}


def on_day(history: dict, day: datetime.date):
    """Who or what the school had on ``day`` (None: nothing); fails if two periods claim it."""
    found = [other for other, start, end in history.values() if start <= day and (end is None or day <= end)]
    assert len(found) <= 1, f"periods overlap on {day}: {history}"
    return found[0] if found else None


def check_sequence(changes, *, apply, model, school, target: str, values: list) -> None:
    """Applies ``changes`` with ``apply(value, on)`` and checks after each one: periods never overlap,
    no row disappears, an accepted change is audited and leaves every earlier day as it was, with
    the value on its day, and a refused change leaves everything as it was."""
    with transaction.atomic():
        for index, offset in changes:
            value, on = (values[index] if index is not None else None), BASE + datetime.timedelta(days=offset)
            before, events = rows(model, school, target), AuditEvent.objects.count()
            try:
                apply(value, on)
            except ValidationError as refusal:
                assert rows(model, school, target) == before
                assert AuditEvent.objects.count() == events
                assert "valid_from" in refusal.message_dict
                continue
            after = rows(model, school, target)
            assert set(before) <= set(after), "a period was deleted"
            for probe in DAYS:  # on_day fails if periods overlap
                now = on_day(after, probe)
                assert probe >= on or now == on_day(before, probe), f"{probe} rewritten by {value} from {on}"
            assert on_day(after, on) == getattr(value, "pk", None)
            assert (after == before) or AuditEvent.objects.count() > events
        transaction.set_rollback(True)


def check_overlap_refused(model, make) -> None:
    """``make()`` writes a period overlapping another of its school: PostgreSQL refuses it (the
    exclusion constraint); on SQLite the services' check finds it."""
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            make()
    else:
        row = make()
        with pytest.raises(IntegrityError):
            check_no_overlap(model, row.school)
