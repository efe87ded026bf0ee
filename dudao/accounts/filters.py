import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.accounts.models import Membership, Role
from dudao.core.filters import ScopedFilterSet


class MembershipFilterSet(ScopedFilterSet):
    model = Membership
    search_fields = ("user__username", "user__full_name", "school__name", "zone__name")
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("Current only"))

    def filter_current(self, queryset, name, value: bool):
        if value is None:
            return queryset
        today = timezone.localdate()
        now = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        return queryset.filter(now) if value else queryset.exclude(now)
