"""One FilterSet for visits: the list page, its Excel export and the API list use the same filters."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from dudao.core.filters import ScopedFilterSet
from dudao.inspections.models import Visit
from dudao.inspections.selectors.visits import month_bounds
from dudao.inspectors.models import Inspector
from dudao.organizations.models import School, Zone, ZoneMembership


class VisitFilterSet(ScopedFilterSet):
    search_fields = ("school__name", "purpose", "highlights", "problems", "feedback")
    month = django_filters.CharFilter(method="filter_month", label=_("Month"),
                                      widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-09"}))
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))
    inspector = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Inspector"))
    zone = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), method="filter_zone", label=_("Zone"))
    )
    status = django_filters.ChoiceFilter(choices=Visit.Status.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=Visit.Kind.choices, label=_("Kind"))
    checkin = django_filters.ChoiceFilter(
        choices=[("valid", _("Checked in at the school")), ("invalid", _("Without a valid check-in"))],
        method="filter_checkin", label=_("Check-in"))
    recommended = django_filters.BooleanFilter(field_name="highlight_recommended", label=_("Highlights recommended"),
                                               widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]))

    class Meta:
        model = Visit
        fields = ["q", "month", "school", "inspector", "zone", "status", "kind", "checkin", "recommended"]

    def filter_month(self, queryset, name, value):
        """``YYYY-MM``: visits on a day of that month."""
        try:
            year, month = (int(p) for p in value.split("-", 1))
            first, last = month_bounds(datetime.date(year, month, 1))
        except ValueError:
            return queryset.none()
        return queryset.filter(date__range=(first, last))

    def filter_zone(self, queryset, name, zone):
        """Visits to schools that were in ``zone`` on the day of the visit (zones are redrawn)."""
        if not zone:
            return queryset
        member = ZoneMembership.objects.filter(  # scope: narrows visits already read through for_user
            zone=zone, school=OuterRef("school"), valid_from__lte=OuterRef("date"),
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("date")))
        return queryset.filter(Exists(member))

    def filter_checkin(self, queryset, name, value):
        """``valid``: checked in within the office's radius; ``invalid``: too far, no location, or the
        school had no coordinates to compare with."""
        if value == "valid":
            return queryset.filter(checkin_status=Visit.CheckinStatus.WITHIN)
        if value == "invalid":
            return queryset.exclude(checkin_status=Visit.CheckinStatus.WITHIN)
        return queryset
