import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.surveys.models import Survey


class SurveyFilterSet(ScopedFilterSet):
    model = Survey
    search_fields = ("title", "office__name", "version__instrument__name")
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=Survey.Status.choices, label=_("Status"))
