"""Data migrations of the schools' dated history (zone memberships, listings): periods of one
school that older versions let overlap are separated, then PostgreSQL is told to refuse overlaps.

The period recorded first keeps its days; a later one that overlaps it keeps the days left over
(split in two rows when the earlier one lies inside it). Nothing is deleted; each row changed or
added is audited. A later period left with no day of its own cannot be separated without deleting
it: the migration stops and names it, for the office to correct by hand.
"""

import datetime

from django.utils.translation import gettext_noop

from dudao.audit.backfill import append_events
from dudao.core.periods import DAY

END = datetime.date.max


def _left_over(start: datetime.date, end: datetime.date, taken: list[tuple]) -> list[tuple]:
    """The parts of ``[start, end]`` outside every ``taken`` span, in order."""
    parts = [(start, end)]
    for t_start, t_end in taken:
        remaining = []
        for p_start, p_end in parts:
            if t_end < p_start or t_start > p_end:
                remaining.append((p_start, p_end))
                continue
            if p_start < t_start:
                remaining.append((p_start, t_start - DAY))
            if t_end < p_end:
                remaining.append((t_end + DAY, p_end))
        parts = remaining
    return sorted(parts)


def separate_overlaps(apps, *, app_label: str, model_name: str, target: str) -> int:
    """Separates the overlapping periods of ``app_label.model_name`` (other end ``target``);
    returns how many rows were changed or added."""
    Model = apps.get_model(app_label, model_name)
    rows = list(Model.objects.select_related("school__region", target).order_by("school_id", "pk"))
    events, by_school = [], {}
    for row in rows:
        by_school.setdefault(row.school_id, []).append(row)
    for school_rows in by_school.values():
        taken: list[tuple] = []
        for row in school_rows:
            end = row.valid_to or END
            parts = _left_over(row.valid_from, end, taken)
            if parts == [(row.valid_from, end)]:
                taken.append(parts[0])
                continue
            if not parts:
                raise RuntimeError(
                    f"{app_label}.{model_name} {row.pk} of school {row.school_id} ({row.valid_from} to "
                    f"{row.valid_to or 'open'}) lies within periods recorded before it; correct its dates by hand, "
                    "then migrate again.")
            taken.extend(parts)
            pieces = [row] + [Model(school_id=row.school_id, **{f"{target}_id": getattr(row, f"{target}_id")})
                              for _ in parts[1:]]
            for piece, (start, stop) in zip(pieces, parts, strict=True):
                before = (None, None) if piece.pk is None else (piece.valid_from, piece.valid_to)
                piece.valid_from, piece.valid_to = start, None if stop == END else stop
                piece.save()
                events.append({"target": (app_label, model_name.lower(), piece.pk),
                               "target_repr": f"{row.school.name}: {getattr(row, target).name}"[:255],
                               "region_path": row.school.region.path, "school_id": row.school_id,
                               "changes": {"valid_from": [_iso(before[0]), _iso(piece.valid_from)],
                                           "valid_to": [_iso(before[1]), _iso(piece.valid_to)]}})
    if events:
        append_events(apps, action=f"{app_label}.{model_name.lower()}.separate", entries=events, reason=gettext_noop(
            "Overlapping periods separated: the period recorded first keeps its days."))
    return len(events)


def _iso(day):
    return day.isoformat() if day else None


def exclusion_sql(table: str) -> tuple[str, str]:
    """PostgreSQL's guarantee that two periods of one school never overlap (``btree_gist`` gives the
    equality on the school in the same index): the SQL adding it and the SQL removing it."""
    name = f"{table}_periods_apart"
    flush = "SET CONSTRAINTS ALL IMMEDIATE; "  # the rows just separated: no pending checks may block ALTER TABLE
    return (f"{flush}CREATE EXTENSION IF NOT EXISTS btree_gist; ALTER TABLE {table} ADD CONSTRAINT {name} "
            f"EXCLUDE USING gist (school_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&)",
            f"{flush}ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


def migration_operations(app_label: str, model_name: str, target: str) -> list:
    """The operations of the migration: separate, then (PostgreSQL only) the exclusion constraint."""
    from django.db import migrations

    table = f"{app_label}_{model_name.lower()}"
    add, drop = exclusion_sql(table)

    def forwards(apps, schema_editor):
        separate_overlaps(apps, app_label=app_label, model_name=model_name, target=target)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(add)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop)

    return [migrations.RunPython(forwards, backwards)]
