import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.monitoring.models import SchoolReturn, StatisticsYear


class StatisticsYearFilterSet(ScopedFilterSet):
    model = StatisticsYear
    search_fields = ("office__name",)
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=StatisticsYear.Status.choices, label=_("Status"))


class SchoolReturnFilterSet(ScopedFilterSet):
    model = SchoolReturn
    search_fields = ("school__name", "school__code")
    statistics_year = django_filters.NumberFilter(field_name="statistics_year_id", label=_("Statistics year id"))
    year = django_filters.NumberFilter(field_name="statistics_year__year", label=_("Year"))
    stage = django_filters.ChoiceFilter(choices=SchoolReturn.Stage.choices, label=_("Stage"))
