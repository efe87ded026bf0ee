from django.db.models import Count, F, Q
from django.utils import timezone

from dudao.inspectors.models import Inspector, Listing


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
    """Inspectors listed at more schools than their office's ratio (STANDARDS §0: about 5)."""
    return list(inspector_list(user=user, on=on).filter(school_count__gt=F("office__schools_per_inspector")))
