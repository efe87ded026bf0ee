"""Counts kept beside the rows they count (summary tables), so that a dashboard over a province adds
up a few lines per school instead of rescanning years of rows.

A summary model says, in ``line_of(row)``, which line one source row falls in (its key columns,
those of its unique constraint) and what it counts there (``None``: counted nowhere); it names its
source in ``tally_source`` and recounts its lines from a queryset of the source rows in
``tally_lines(rows)``. The service that writes a source row moves its count in its own
transaction: ``with tallied(model, row):`` around a change, ``tally_move(model, None, line)`` for a
row created and ``tally_move(model, line, None)`` for one deleted; ``recount`` recounts every line
from the rows (after an upgrade, a restore from an older dump, or rows loaded in bulk: ``dudao
recount``). A test per summary proves that the lines kept equal a recount after any sequence of
writes.
"""

from contextlib import contextmanager

from django.apps import apps
from django.db import connections, migrations, router, transaction

__all__ = ["Line", "percent", "recount", "recount_operation", "summary_models", "tallied", "tally_add", "tally_move",
           "tally_rebuild"]

Line = tuple[dict, dict] | None  # (key columns → values, count columns → amounts)


def percent(part: int, total: int) -> float | None:
    """``part`` of ``total`` in per cent to one decimal, as the pages show rates; ``None`` of nothing."""
    return round(100 * part / total, 1) if total else None


def tally_add(model, key: dict, counts: dict) -> None:
    """Adds ``counts`` to the line of ``model`` at ``key``, in the caller's transaction: one
    statement, so two writers of one line both count. Negative amounts take away from a line that
    holds the row already; a line whose counts all fall to 0 is removed."""
    db = connections[router.db_for_write(model)]
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    key_columns = [quote(model._meta.get_field(name).column) for name in key]
    count_columns = [quote(model._meta.get_field(name).column) for name in counts]
    key_values = [model._meta.get_field(name).get_db_prep_value(value, db) for name, value in key.items()]
    where = " AND ".join(f"{c} = %s" for c in key_columns)
    with db.cursor() as cursor:
        if all(amount >= 0 for amount in counts.values()):
            adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in count_columns)
            cursor.execute(f"INSERT INTO {table} ({', '.join(key_columns + count_columns)}) "
                           f"VALUES ({', '.join(['%s'] * (len(key) + len(counts)))}) "
                           f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {adds}",
                           [*key_values, *counts.values()])
            return
        adds = ", ".join(f"{c} = {c} + %s" for c in count_columns)
        cursor.execute(f"UPDATE {table} SET {adds} WHERE {where}", [*counts.values(), *key_values])
        zero = " AND ".join(f"{c} = 0" for c in count_columns)
        cursor.execute(f"DELETE FROM {table} WHERE {where} AND {zero}", key_values)


def tally_move(model, before: Line, after: Line) -> None:
    """Moves a row's count from its line ``before`` a write to its line ``after`` it (either may be
    ``None``: a row created, or one counted nowhere). Nothing is written when both are the same."""
    if before == after:
        return
    if before is not None and after is not None and before[0] == after[0]:
        tally_add(model, after[0], {name: after[1][name] - before[1][name] for name in after[1]})
        return
    if before is not None:
        tally_add(model, before[0], {name: -amount for name, amount in before[1].items()})
    if after is not None:
        tally_add(model, after[0], after[1])


@contextmanager
def tallied(model, row):
    """Moves ``row``'s count in the summary ``model`` from its line before the block to its line after."""
    before = model.line_of(row)
    yield
    tally_move(model, before, model.line_of(row))


def tally_rebuild(model, lines, *, using: str = "default") -> int:
    """Replaces every line of ``model`` with ``lines``, a grouped query of the source rows naming its
    columns as the model's, in one ``INSERT … SELECT``; returns how many lines were written."""
    db = connections[using]
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    sql, params = lines.query.get_compiler(using).as_sql()
    names = ", ".join(quote(f.column) for f in model._meta.concrete_fields if not f.primary_key)
    with transaction.atomic(using=using), db.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM ({sql}) lines", params)
        return cursor.rowcount


def summary_models() -> list:
    """Every model kept as a summary of another's rows (it names ``tally_source``)."""
    return [model for model in apps.get_models() if getattr(model, "tally_source", None)]


def recount(model, *, using: str = "default") -> int:
    """Recounts every line of the summary ``model`` from its source rows."""
    source = apps.get_model(model.tally_source)
    return tally_rebuild(model, model.tally_lines(source._base_manager.using(using)), using=using)


def recount_operation(*labels: str) -> migrations.RunPython:
    """The migration step that counts the rows already there into the new summaries ``labels``
    (``"app.Model"``): the migration's own models, grouped as the current summaries group them."""

    def count(historical_apps, schema_editor):
        alias = schema_editor.connection.alias
        for label in labels:
            current = apps.get_model(label)
            source = historical_apps.get_model(current.tally_source)._base_manager.using(alias)
            tally_rebuild(historical_apps.get_model(label), current.tally_lines(source), using=alias)

    return migrations.RunPython(count, migrations.RunPython.noop)
