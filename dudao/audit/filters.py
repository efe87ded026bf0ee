import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.audit.actions import action_choices
from dudao.audit.models import AuditEvent
from dudao.core.filters import ScopedFilterSet


class AuditEventFilterSet(ScopedFilterSet):
    model = AuditEvent
    search_fields = ("target_repr", "actor_name", "action", "reason")
    action = django_filters.ChoiceFilter(choices=(), method="filter_action", label=_("Action"))
    actor = django_filters.CharFilter(field_name="actor_name", lookup_expr="icontains", label=_("Actor"))
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("From"),
                                      widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("To"),
                                      widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["action"].choices = action_choices()  # labels in the request's language

    def filter_action(self, queryset, name, value):
        """A code, or an app's prefix (``inspections.``) for every code of the app."""
        return queryset.filter(action__startswith=value) if value else queryset
