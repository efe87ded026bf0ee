import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.assessment.models import AssessmentRating
from dudao.core.filters import ScopedFilterSet, YearFilter
from dudao.inspectors.models import Inspector


class AssessmentRatingFilterSet(ScopedFilterSet):
    model = AssessmentRating
    search_fields = ("inspector__name", "school__name")
    role = django_filters.ChoiceFilter(choices=AssessmentRating.Role.choices, label=pgettext_lazy("assessment role", "Rater"))
    year = YearFilter(field_name="period_start__year")
    inspector = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Inspector"))
