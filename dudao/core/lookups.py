"""``column__in_array=<queryset>``: membership in a subquery that PostgreSQL can answer from indexes
even when several are ORed together.

``office_id IN (SELECT …) OR inspector_id IN (SELECT …)`` leaves PostgreSQL only hashed subplans,
checked row by row over a sequential scan of the whole table. Written as ``office_id = ANY(ARRAY(SELECT
…))`` each subquery runs once (an init plan) and each side is an index condition, combined by a
bitmap OR. Other databases get the plain ``IN (SELECT …)``. Meant for subqueries of a few ids (the
offices or inspectors of a scope): the array is searched, not hashed.
"""

from django.db.models import ForeignKey, Lookup


class InArray(Lookup):
    lookup_name = "in_array"

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params


ForeignKey.register_lookup(InArray)
