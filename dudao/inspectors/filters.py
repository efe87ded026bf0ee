import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.inspectors.models import Case, Inspector, Listing, Term, TrainingRecord
from dudao.organizations.models import Office


class InspectorFilterSet(ScopedFilterSet):
    model = Inspector
    search_fields = ("name", "certificate_no", "employer", "phone")
    kind = django_filters.ChoiceFilter(choices=Inspector.Kind.choices, label=_("Kind"))
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("Office"))
    status = django_filters.ChoiceFilter(choices=Inspector.Status.choices, label=_("Status"))


class ListingFilterSet(ScopedFilterSet):
    model = Listing
    search_fields = ("school__name", "inspector__name", "school__code")
    current = django_filters.BooleanFilter(field_name="valid_to", lookup_expr="isnull", label=_("Current only"))
    inspector = django_filters.NumberFilter(field_name="inspector_id", label=_("Inspector id"))
    school = django_filters.NumberFilter(field_name="school_id", label=_("School id"))


class TrainingRecordFilterSet(ScopedFilterSet):
    model = TrainingRecord
    search_fields = ("course", "organiser", "inspector__name", "inspector__certificate_no")
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    kind = django_filters.ChoiceFilter(choices=TrainingRecord.Kind.choices, label=_("Kind"))
    inspector = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Inspector"))


class CaseFilterSet(ScopedFilterSet):
    model = Case
    search_fields = ("title", "text", "inspector__name")
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, label=_("Status"))
    inspector = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Author"))


class TermFilterSet(ScopedFilterSet):
    model = Term
    search_fields = ("inspector__name", "inspector__certificate_no", "note")
    inspector = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Inspector"))
    ends_after = django_filters.DateFilter(field_name="end", lookup_expr="gte", label=_("Ends on or after"))
    ends_before = django_filters.DateFilter(field_name="end", lookup_expr="lte", label=_("Ends on or before"))
