"""Pages of a list that count at most ``DUDAO_LIST_COUNT_CAP`` rows, and read a page by its keys.

An exact count of a province's 2 million visits scans them all (seconds), for a figure nobody reads
past "more than ten thousand". Counting stops at the cap: the list says "10 000+ records", its
pages go as far as the cap, and a filter narrows it. Lists within the cap count exactly.

A page of a list that joins its related rows (``select_related``) is read in two queries: the keys
of the page, filtered and ordered without those joins, then the page's rows by their keys. Asked
in one query, PostgreSQL may join every row in scope (23 000 visits of a county, each with its
school, inspector and author) before sorting them to keep 25.
"""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    @cached_property
    def counted(self) -> int:
        """The rows, counted up to one past the cap."""
        cap = settings.DUDAO_LIST_COUNT_CAP
        rows = self.object_list
        if not hasattr(rows, "query"):
            return min(len(rows), cap + 1)
        if not rows.query.distinct_fields:
            # unordered, the scan stops at the cap; only the key, so annotations are not computed per row
            rows = rows.order_by().values("pk")
        return rows[:cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, settings.DUDAO_LIST_COUNT_CAP)

    @property
    def exact(self) -> bool:
        return self.counted <= settings.DUDAO_LIST_COUNT_CAP

    def page(self, number) -> Page:
        page = super().page(number)
        rows = page.object_list
        if isinstance(rows, QuerySet) and rows.query.select_related and not (
                rows.query.distinct or rows.query.combinator):
            page.object_list = by_keys(rows)
        return page


def by_keys(rows: QuerySet) -> list:
    """The rows of a sliced queryset read by their keys: the keys in order, then the rows."""
    keys = list(rows.values_list("pk", flat=True))
    whole = rows._chain()
    whole.query.clear_limits()
    found = {row.pk: row for row in whole.filter(pk__in=keys).order_by()}
    return [found[key] for key in keys if key in found]
