"""Writing many rows' changed columns in few statements.

Django's ``bulk_update`` writes each column as a ``CASE WHEN pk = … THEN …`` over the batch: its SQL
grows with the batch in every column, Python builds one expression per row and column, and the
database tests the branches row by row. ``update_rows`` sends the new values as a ``VALUES`` list
joined on the primary key instead (``UPDATE … FROM``, PostgreSQL and SQLite 3.33 or later), so a
batch of a thousand rows is one short statement and one join. Other databases fall back to
``bulk_update``.
"""

from django.db import connections, router


def update_rows(model, objs, fields: list[str], *, batch_size: int = 1000) -> int:
    """Writes ``fields`` (names) of the saved instances ``objs`` as they are set on them, in batches;
    signals, ``save()`` and ``auto_now`` play no part (set ``updated_at`` yourself). Returns the
    number of rows written."""
    objs = list(objs)
    if not objs:
        return 0
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor not in ("postgresql", "sqlite"):
        model._base_manager.using(db).bulk_update(objs, fields, batch_size=batch_size)
        return len(objs)
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    pk = meta.pk
    quote = connection.ops.quote_name
    # PostgreSQL types the VALUES list from its cells: cast each one to its column's type
    cast = ((lambda f: f"CAST(%s AS {f.cast_db_type(connection)})") if connection.vendor == "postgresql"
            else (lambda f: "%s"))
    cell_sql = "(" + ", ".join(cast(f) for f in [pk, *columns]) + ")"
    assignments = ", ".join(f"{quote(f.column)} = v.column{i}" for i, f in enumerate(columns, start=2))
    if limit := connection.features.max_query_params:
        batch_size = max(1, min(batch_size, limit // (1 + len(columns))))
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start:start + batch_size]
            params = []
            for obj in batch:
                params.append(pk.get_db_prep_value(obj.pk, connection))
                params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns)
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} SET {assignments} FROM (VALUES {', '.join([cell_sql] * len(batch))}) "
                f"AS v WHERE {quote(meta.db_table)}.{quote(pk.column)} = v.column1",
                params,
            )
            written += cursor.rowcount
    return written
