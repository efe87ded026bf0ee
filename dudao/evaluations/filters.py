import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.evaluations.models import Evaluation, Unit


class EvaluationFilterSet(ScopedFilterSet):
    model = Evaluation
    search_fields = ("title", "office__name")
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=Evaluation.Status.choices, label=_("Phase"))
    kind = django_filters.ChoiceFilter(choices=Evaluation.Kind.choices, label=_("Units"))


class UnitFilterSet(ScopedFilterSet):
    model = Unit
    search_fields = ("name",)
    evaluation = django_filters.NumberFilter(field_name="evaluation_id", label=_("Evaluation id"))
    status = django_filters.ChoiceFilter(choices=Unit.Status.choices, label=_("Status"))
