import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet, YearFilter
from dudao.inspectors.models import Inspector
from dudao.organizations.models import Office, Zone
from dudao.workreports.models import Level, PeriodKind, Report


class ReportFilterSet(ScopedFilterSet):
    model = Report
    search_fields = ("title", "inspector__name", "zone__name", "office__name")
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("Period"))
    status = django_filters.ChoiceFilter(choices=Report.Status.choices, label=_("Status"))
    year = YearFilter(field_name="period_start__year")
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("Office"))
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), label=_("Zone"))
    inspector = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Inspector"))
