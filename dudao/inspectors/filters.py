import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.inspectors.models import Inspector, Listing
from dudao.organizations.models import Office


class InspectorFilterSet(ScopedFilterSet):
    search_fields = ("name", "certificate_no", "employer", "phone")
    kind = django_filters.ChoiceFilter(choices=Inspector.Kind.choices, label=_("Kind"))
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("Office"))
    status = django_filters.ChoiceFilter(choices=Inspector.Status.choices, label=_("Status"))

    class Meta:
        model = Inspector
        fields = ["q", "kind", "office", "status"]


class ListingFilterSet(ScopedFilterSet):
    search_fields = ("school__name", "inspector__name", "school__code")
    current = django_filters.BooleanFilter(field_name="valid_to", lookup_expr="isnull", label=_("Current only"))
    inspector = django_filters.NumberFilter(field_name="inspector_id", label=_("Inspector id"))
    school = django_filters.NumberFilter(field_name="school_id", label=_("School id"))

    class Meta:
        model = Listing
        fields = ["q", "current", "inspector", "school"]
