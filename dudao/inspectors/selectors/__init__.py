from django.db.models import Count, F, Q, Subquery
from django.utils import timezone

from dudao.inspectors.models import Inspector, Listing
from dudao.organizations.models import Office


def _current(prefix: str, on):
    return Q(**{f"{prefix}__valid_from__lte": on}) & (
        Q(**{f"{prefix}__valid_to__isnull": True}) | Q(**{f"{prefix}__valid_to__gte": on})
    )


def inspector_list(*, user, on=None):
    """Inspectors in scope with their current number of listed schools."""
    on = on or timezone.localdate()
    return (
        Inspector.objects.for_user(user)
        .select_related("office__region")
        .annotate(school_count=Count("listings", filter=_current("listings", on)))
    )


def inspector_current_listings(*, user, inspector, on=None):
    return Listing.objects.for_user(user).current(on).filter(inspector=inspector).select_related("school__region")


def overloaded_inspectors(*, user, on=None):
    """Inspectors listed at more schools than their office's ratio (STANDARDS §0: about 5). Only
    those listed at more schools than the lowest ratio of any office are counted with their
    columns: a province's 4 000 inspectors are not grouped one by one. One query."""
    on = on or timezone.localdate()
    lowest = Office.objects.order_by("schools_per_inspector").values("schools_per_inspector")[:1]  # scope: a number, no row
    candidates = (Listing.objects.current(on).order_by().values("inspector_id")  # scope: narrowed to the inspectors below
                  .annotate(n=Count("pk")).filter(n__gt=Subquery(lowest)).values("inspector_id"))
    return list(inspector_list(user=user, on=on).filter(
        pk__in=candidates, school_count__gt=F("office__schools_per_inspector")))
