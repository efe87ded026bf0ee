import django_filters
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.documents import kinds
from dudao.documents.models import Document, DocumentTemplate
from dudao.organizations.models import Office, School, Zone


def _inspectors(request):
    # inspectors live a layer up: reached by name, in the user's scope
    inspector = apps.get_model("inspectors", "Inspector")
    user = getattr(request, "user", None)
    return inspector.objects.for_user(user) if user is not None else inspector.objects.none()


class DocumentFilterSet(ScopedFilterSet):
    """The archive (台账): by kind, school, office, year, date and the documents' own text."""

    model = Document
    search_fields = ("title", "number", "text")
    kind = django_filters.ChoiceFilter(choices=kinds.choices, label=_("Kind of document"))
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("Office"))
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), label=_("Zone"))
    inspector = django_filters.ModelChoiceFilter(queryset=_inspectors, label=_("Inspector"))
    year = django_filters.NumberFilter(field_name="year", label=_("Year"), min_value=1900, max_value=2999)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))


class DocumentTemplateFilterSet(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=kinds.choices, label=_("Kind of document"))
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("Office"))

    class Meta:
        model = DocumentTemplate
        fields = ["kind", "office"]
