import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.organizations.models import CalendarDay, Department, Office, Region, School, Zone, ZoneMembership


class RegionFilterSet(ScopedFilterSet):
    model = Region
    search_fields = ("name", "code")
    level = django_filters.ChoiceFilter(choices=Region.Level.choices, label=_("Level"))
    parent = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("Parent"))


class OfficeFilterSet(ScopedFilterSet):
    model = Office
    search_fields = ("name", "region__name")


class SchoolFilterSet(ScopedFilterSet):
    model = School
    search_fields = ("name", "code", "address", "liaison_name")
    kind = django_filters.ChoiceFilter(choices=School.Kind.choices, label=_("Kind"))
    ownership = django_filters.ChoiceFilter(choices=School.Ownership.choices, label=_("Ownership"))
    location = django_filters.ChoiceFilter(choices=School.Location.choices, label=_("Urban / rural"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), method="filter_region", label=_("Region")
    )
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), method="filter_zone", label=_("Zone"))

    def filter_region(self, queryset, name, value: int):
        return queryset.filter(region__path__startswith=value.path) if value else queryset

    def filter_zone(self, queryset, name, value: int):
        if not value:
            return queryset
        return queryset.filter(zone_memberships__zone=value, zone_memberships__valid_to__isnull=True)


class ZoneFilterSet(ScopedFilterSet):
    search_fields = ("name",)
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("Office"))

    class Meta:
        model = Zone
        fields = ["q", "office", "is_active"]


class DepartmentFilterSet(ScopedFilterSet):
    search_fields = ("name",)
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("Office"))
    kind = django_filters.ChoiceFilter(choices=Department.Kind.choices, label=_("Kind of unit"))

    class Meta:
        model = Department
        fields = ["q", "office", "kind", "is_active"]


class ZoneMembershipFilterSet(ScopedFilterSet):
    search_fields = ("school__name", "zone__name")
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), label=_("Zone"))
    current = django_filters.BooleanFilter(field_name="valid_to", lookup_expr="isnull", label=_("Current only"))
    school = django_filters.NumberFilter(field_name="school_id", label=_("School id"))

    class Meta:
        model = ZoneMembership
        fields = ["q", "zone", "school", "current"]


class CalendarDayFilterSet(ScopedFilterSet):
    search_fields = ("name", "note")
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("Office"))
    year = django_filters.NumberFilter(field_name="date__year", label=_("Year"))
    kind = django_filters.ChoiceFilter(choices=CalendarDay.Kind.choices, label=_("Kind of day"))

    class Meta:
        model = CalendarDay
        fields = ["q", "office", "year", "kind"]
