"""Filters of findings and rectification notices: one FilterSet feeds the page, the API and the export."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.inspections.models import Finding, Rectification, Severity
from dudao.inspectors.models import Inspector
from dudao.organizations.models import School, Zone

YES_NO = (("yes", _("Yes")), ("no", _("No")))


def _current(prefix: str, on) -> Q:
    return Q(**{f"{prefix}__valid_from__lte": on}) & (
        Q(**{f"{prefix}__valid_to__isnull": True}) | Q(**{f"{prefix}__valid_to__gte": on})
    )


def _of_schools_linked_today(queryset, link: str, other: str, value):
    """The rows of the schools whose ``link`` (dated: zone membership, listing) reaches ``value`` today."""
    if not value:
        return queryset
    schools = School.objects.filter(_current(link, timezone.localdate()), **{f"{link}__{other}": value})
    return queryset.filter(school__in=schools.values("pk"))


class _SchoolPlaceFilters(ScopedFilterSet):
    """Zone and listed inspector of the row's school, today."""

    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), label=_("Zone"), method="filter_zone")
    inspector = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Inspector"),
                                                 method="filter_inspector")
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))

    def filter_zone(self, queryset, name, value: int):
        return _of_schools_linked_today(queryset, "zone_memberships", "zone", value)

    def filter_inspector(self, queryset, name, value: int):
        return _of_schools_linked_today(queryset, "listings", "inspector", value)


class FindingFilterSet(_SchoolPlaceFilters):
    search_fields = ("description", "item_code", "school__name")
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    found = django_filters.DateFromToRangeFilter(field_name="found_on", label=_("Found between"),
                                                 widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}))
    has_open_notice = django_filters.ChoiceFilter(choices=YES_NO, label=_("Open notice"), method="filter_open")

    class Meta:
        model = Finding
        fields = ["q", "severity", "school", "zone", "inspector", "found", "has_open_notice"]

    def filter_open(self, queryset, name, value: str):
        if value not in ("yes", "no"):
            return queryset
        has = Q(notice_status__in=("issued", "submitted", "returned"))
        return queryset.filter(has) if value == "yes" else queryset.exclude(has)


class RectificationFilterSet(_SchoolPlaceFilters):
    """Needs the ``overdue`` annotation of ``selectors.rectifications.rectification_list``."""

    search_fields = ("number", "requirements", "school__name", "finding__description")
    status = django_filters.ChoiceFilter(choices=Rectification.Status.choices, label=_("Status"))
    overdue = django_filters.ChoiceFilter(choices=YES_NO, label=_("Overdue"), method="filter_overdue")
    severity = django_filters.ChoiceFilter(field_name="finding__severity", choices=Severity.choices,
                                           label=_("Severity"))
    deadline = django_filters.DateFromToRangeFilter(
        field_name="deadline", label=_("Deadline between"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}))

    class Meta:
        model = Rectification
        fields = ["q", "status", "overdue", "severity", "zone", "school", "inspector", "deadline"]

    def filter_overdue(self, queryset, name, value: str):
        if value not in ("yes", "no"):
            return queryset
        return queryset.filter(overdue=value == "yes")
