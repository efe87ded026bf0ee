"""Dashboards that span apps; every number comes from scoped selectors."""

from django.utils import timezone

from dudao.accounts.models import Role
from dudao.audit.models import AuditEvent
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.selectors import overloaded_inspectors
from dudao.organizations.models import School, Zone
from dudao.organizations.selectors import current_listing_by_school, zone_list_with_counts


def dashboard_for(*, user) -> dict:
    """The figures and lists a user's role needs on landing."""
    today = timezone.localdate()
    scope = user.scope
    schools = School.objects.for_user(user).filter(is_active=True)
    data = {
        "today": today,
        "roles": sorted(scope.roles),
        "school_count": schools.count(),
        "kind_counts": _kind_counts(schools),
    }
    if scope.is_office:
        zones = list(zone_list_with_counts(user=user))
        listed = Listing.objects.for_user(user).current(today).values("school_id")
        data.update(
            {
                "is_office": True,
                "zone_count": len(zones),
                "zones_over_limit": [z for z in zones if z.over_limit],
                "inspector_count": Inspector.objects.for_user(user).filter(status=Inspector.Status.ACTIVE).count(),
                "unlisted_schools": schools.exclude(pk__in=listed).order_by("sort_key")[:20],
                "unlisted_count": schools.exclude(pk__in=listed).count(),
                "overloaded": overloaded_inspectors(user=user, on=today),
                "recent_events": AuditEvent.objects.for_user(user).order_by("-seq")[:8],
                "zones": zones,
            }
        )
    else:
        my_schools = list(schools.select_related("region").order_by("sort_key")[:100])
        listings = current_listing_by_school(user=user, school_ids=[s.pk for s in my_schools])
        data.update(
            {
                "is_office": False,
                "my_schools": [(s, listings.get(s.pk)) for s in my_schools],
                "is_inspector": Role.INSPECTOR in scope.roles,
                "zones": Zone.objects.for_user(user).filter(pk__in=scope.zone_ids),
            }
        )
    return data


def _kind_counts(schools) -> list[tuple[str, int]]:
    from django.db.models import Count

    labels = dict(School.Kind.choices)
    rows = schools.values("kind").annotate(n=Count("pk")).order_by("kind")
    return [(str(labels.get(r["kind"], r["kind"])), r["n"]) for r in rows]
