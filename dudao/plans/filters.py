import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.inspectors.models import Inspector
from dudao.organizations.models import Office, Zone
from dudao.plans.models import Task, Term, WorkPlan


class WorkPlanFilterSet(ScopedFilterSet):
    model = WorkPlan
    search_fields = ("title", "summary", "inspector__name", "zone__name")
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    term = django_filters.ChoiceFilter(choices=Term.choices, label=_("Term"))
    level = django_filters.ChoiceFilter(choices=WorkPlan.Level.choices, label=_("Level"))
    status = django_filters.ChoiceFilter(choices=WorkPlan.Status.choices, label=_("Status"))
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("Office"))
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), label=_("Zone"))
    inspector = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Inspector"))


class TaskFilterSet(ScopedFilterSet):
    model = Task
    search_fields = ("title", "description", "inspector__name", "school__name")
    kind = django_filters.ChoiceFilter(choices=Task.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Task.Status.choices, label=_("Status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    inspector = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Inspector"))
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), label=_("Zone"))
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("Due from"))
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due until"))
    batch = django_filters.UUIDFilter(field_name="batch", label=_("Batch"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("due_from", "due_to"):
            self.form.fields[name].widget.input_type = "date"
        self.form.fields["batch"].widget = self.form.fields["batch"].hidden_widget()

    def filter_overdue(self, queryset, name, value: bool | None):
        """Open past the due date (derived from today's date, never stored)."""
        if value is None:
            return queryset
        overdue = Q(status=Task.Status.OPEN, due_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
