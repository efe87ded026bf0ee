"""The counts coverage reads (``VisitMonth``): submitted visits per school and month, kept current
by ``visit_submit`` in its own transaction and recounted from the visits by ``visit_months_rebuild``
(after an upgrade, a restore from an older dump or rows loaded in bulk: ``dudao recount_visits``).

A submitted visit never changes again (no date, school or check-in of it is edited, none is
deleted), so adding each one as it is submitted keeps every month equal to a recount."""

from django.db import connection, connections, transaction

from dudao.inspections.models import Visit, VisitMonth

__all__ = ["visit_month_add", "visit_months_rebuild"]

# the first day of a visit's month, as each database writes it
MONTH_OF = {"postgresql": "date_trunc('month', v.date)::date", "sqlite": "strftime('%%Y-%%m-01', v.date)"}


def visit_month_add(visit: Visit) -> None:
    """Counts a visit just submitted in its school's month (in the caller's transaction; one
    statement, so two visits submitted at once for the same school both count)."""
    table = connection.ops.quote_name(VisitMonth._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (school_id, month, submitted, unchecked) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (school_id, month) DO UPDATE SET submitted = {table}.submitted + 1, "
            f"unchecked = {table}.unchecked + excluded.unchecked",
            [visit.school_id, visit.date.replace(day=1), 0 if visit.checkin_valid else 1],
        )


def visit_months_rebuild(*, visit_model=Visit, month_model=VisitMonth, using: str = "default") -> int:
    """Recounts every school's months from the submitted visits and returns how many months hold
    visits. The months are written in order, so that a month's rows lie together as they do when
    they are counted as visits come in. The models are parameters so that a migration can recount
    with its own."""
    db = connections[using]
    months, visits = (db.ops.quote_name(model._meta.db_table) for model in (month_model, visit_model))
    month_of = MONTH_OF[db.vendor]
    with transaction.atomic(using=using), db.cursor() as cursor:
        cursor.execute(f"DELETE FROM {months}")
        cursor.execute(
            f"INSERT INTO {months} (school_id, month, submitted, unchecked) "
            f"SELECT v.school_id, {month_of}, COUNT(*), SUM(CASE WHEN v.checkin_status = %s THEN 0 ELSE 1 END) "
            f"FROM {visits} v WHERE v.status IN (%s) GROUP BY v.school_id, {month_of} ORDER BY 2, 1",
            [Visit.CheckinStatus.WITHIN.value, Visit.Status.SUBMITTED.value],
        )
        return cursor.rowcount
