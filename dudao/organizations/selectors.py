"""Scoped reads shared by pages, API, exports and dashboards."""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from dudao.accounts.access import offices_of
from dudao.core.scope import ancestor_paths
from dudao.core.tables import order_rows
from dudao.organizations.filters import SchoolFilterSet
from dudao.organizations.models import Office, Region, School, Zone, ZoneMembership


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


# ---- drilling down from a province to its schools ------------------------------------------------

def drill_region(*, user, region_id: int | None = None) -> Region | None:
    """The region a drill-down page (coverage, task completion) shows: ``region_id`` when the user
    sees it, else the top of what they see (a province office its province, a city office its
    city). ``None`` for a county, a zone or a school, whose figures are counted per zone."""
    regions = Region.objects.for_user(user, "view")
    if region_id:
        return regions.filter(pk=region_id).first()
    tops = list(regions.order_by("level", "path")[:2])
    if not tops or (len(tops) == 2 and tops[1].level == tops[0].level):
        return None
    return tops[0]


def area_of(region: Region | None) -> Region | None:
    """``region`` when its figures are counted per part (above a county), else ``None`` (per zone)."""
    return region if region is not None and region.level < Region.Level.COUNTY else None


def region_parts(area: Region, region_ids: set[int]) -> dict[int, Region]:
    """Each of ``region_ids`` (at or under ``area``) → the part of ``area`` it lies in: its region one
    level below ``area``, or ``area`` itself for a school directly under it. Two queries."""
    children = {r.path: r for r in Region.objects.filter(parent=area).only("pk", "name", "path", "level", "code")}  # scope: regions of schools in scope
    depth = area.path.count("/")
    part_of = {}
    for pk, path in Region.objects.filter(path__startswith=area.path).values_list("pk", "path"):  # scope: as above
        if pk in region_ids:
            part_of[pk] = children.get("/".join(path.split("/")[:depth + 1]) + "/", area)
    return part_of


def region_trail(*, user, region: Region | None) -> list[Region]:
    """The regions from the top of what the user sees down to ``region``: the way back up."""
    if region is None:
        return []
    return list(Region.objects.for_user(user, "view").filter(path__in=ancestor_paths(region.path)).order_by("path"))
