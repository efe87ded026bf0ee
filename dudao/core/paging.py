"""Pages of a list that count at most ``DUDAO_LIST_COUNT_CAP`` rows.

An exact count of a province's 2 million visits scans them all (seconds), for a figure nobody reads
past "more than ten thousand". Counting stops at the cap: the list says "10 000+ records", its
pages go as far as the cap, and a filter narrows it. Lists within the cap count exactly.
"""

from django.conf import settings
from django.core.paginator import Paginator
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
