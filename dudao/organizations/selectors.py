"""Scoped reads shared by pages, API, exports and dashboards."""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from dudao.accounts.access import offices_of
from dudao.core.scope import ancestor_paths
from dudao.core.tables import order_rows
from dudao.organizations.filters import SchoolFilterSet
from dudao.organizations.models import Office, School, Zone, ZoneMembership


def school_list(*, user):
    return School.objects.for_user(user).select_related("region")


# The schools list: its sort keys (``?sort=key``, ``-key`` descending), one per sortable column of the
# page, with the fields they sort by, and its order without one.
SCHOOL_SORTS = {"code": "code", "name": "sort_key", "kind": "kind", "ownership": "ownership", "location": "location",
                "region.name": "region__sort_key", "enrolment_total": "enrolment_primary"}
SCHOOL_ORDERING = ("sort_key", "code")


def school_rows(*, user, on=None):
    """The schools ``user`` sees, each with its current zone and listed inspector (``current_zone``,
    ``current_listing``)."""
    on = on or timezone.localdate()
    return school_list(user=user).prefetch_related(
        Prefetch("zone_memberships", queryset=ZoneMembership.objects.for_user(user).current(on)
                 .select_related("zone"), to_attr="current_zone"),
        Prefetch("listings", queryset=listing_model().objects.for_user(user).current(on)
                 .select_related("inspector"), to_attr="current_listing"),
    )


def school_filters(*, user, params) -> SchoolFilterSet:
    """The schools list's filters bound to ``params`` (the page's query) over the schools ``user`` sees."""
    return SchoolFilterSet(params or None, queryset=school_rows(user=user), user=user)


def schools_listed(*, user, params, filters: SchoolFilterSet | None = None):
    """The schools of the list page for ``params`` (its query: filters and ``sort``), in its order. The
    page, its Excel export and the batch of signboards read this, so each holds the rows the page shows;
    ``filters``: the page's own ``school_filters``, read once."""
    filters = filters if filters is not None else school_filters(user=user, params=params)
    rows = filters.qs if filters.is_bound and filters.is_valid() else filters.queryset
    return order_rows(rows, params.get("sort", ""), SCHOOL_SORTS, SCHOOL_ORDERING)


# what lists of zones never show, left unread (a province's 500 zones, offices and regions: 3 000 datetimes)
ZONE_STAMPS = ("created_at", "updated_at", "office__created_at", "office__updated_at")


def zone_list_with_counts(*, user, on=None):
    """Zones in scope with their current number of schools (``school_count``) and whether they pass
    the office's limit (``over_limit``), both asked of the database. Each zone counts its own
    memberships (its index), so nothing groups a province's zones."""
    on = on or timezone.localdate()
    schools_now = (ZoneMembership.objects.current(on).filter(zone=OuterRef("pk"))  # scope: the zone's, read below
                   .order_by().values("zone").annotate(n=Count("pk")).values("n")[:1])
    return (
        Zone.objects.for_user(user)
        .select_related("office__region").defer(*ZONE_STAMPS, "office__region__created_at", "office__region__updated_at")
        .annotate(school_count=Coalesce(Subquery(schools_now, output_field=IntegerField()), 0))
        .annotate(over_limit=ExpressionWrapper(Q(school_count__gt=F("office__schools_per_zone")), output_field=BooleanField()))
        .order_by("office__region__path", "number", "pk")
    )


def zone_current_schools(*, user, zone, on=None):
    ids = ZoneMembership.objects.for_user(user).current(on).filter(zone=zone).values("school_id")
    return School.objects.for_user(user).filter(pk__in=ids).select_related("region")


def listing_model():
    """The listing model (挂牌), reached through the reverse relation of its string foreign key.

    Listings live a layer up, in ``inspectors``; organisation pages show them without importing
    that layer, the same way ``accounts.scope`` reads them.
    """
    return School._meta.get_field("listings").related_model


def current_listing_by_school(*, user, school_ids, on=None) -> dict:
    rows = (
        listing_model().objects.for_user(user).current(on).filter(school_id__in=list(school_ids))
        .select_related("inspector")
    )
    return {row.school_id: row for row in rows}


def office_list(*, user):
    """The offices the user may see (their office's subtree), outermost first."""
    return Office.objects.for_user(user).select_related("region").order_by("region__path")


def office_for_user(*, user):
    """The first office in the user's scope (their own), for defaults such as ratios and hotline."""
    ids = sorted(offices_of(user))
    return Office.objects.for_user(user).select_related("region").filter(pk__in=ids).first() if ids else None


def office_of_school(school) -> Office | None:
    """The school's own supervision office: the nearest office above it in the region tree."""
    return (
        Office.objects.filter(region__path__in=ancestor_paths(school.region.path))  # scope: public (who owns the school)
        .select_related("region").order_by("-region__path").first()
    )


def office_short_name(office) -> str:
    """The office's prefix in document numbers: its region's name without the 县/区/市/旗 ending."""
    name = office.region.name if office is not None else ""
    return name[:-1] if len(name) > 1 and name[-1] in "县区市旗" else name
