import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet, YearFilter
from dudao.directives.models import Directive, DirectiveItem, Source


class DirectiveFilterSet(ScopedFilterSet):
    model = Directive
    search_fields = ("title", "source_text", "requirements")
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("Source"))
    status = django_filters.ChoiceFilter(choices=Directive.Status.choices, label=_("Status"))
    year = YearFilter(field_name="decided_on__year")


class DirectiveItemFilterSet(ScopedFilterSet):
    model = DirectiveItem
    search_fields = ("school__name", "department__name", "content", "directive__title")
    directive = django_filters.NumberFilter(field_name="directive_id", label=_("Directive"))
    status = django_filters.ChoiceFilter(choices=DirectiveItem.Status.choices, label=_("Status"))
