"""One FilterSet of complaints for the page, the API and the export. No filter or search on the
sender's name or phone: they are not a way into the list for anyone."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.complaints.models import Complaint, ComplaintQuerySet, Publication
from dudao.core.filters import ScopedFilterSet
from dudao.inspectors.models import Inspector
from dudao.organizations.models import School

STATES = (("open", pgettext_lazy("complaint", "Open")), ("overdue", _("Overdue")), ("answered", _("Answered")),
          ("closed", pgettext_lazy("complaint", "Closed")))


class ComplaintFilterSet(ScopedFilterSet):
    model = Complaint
    search_fields = ("text", "school__name")
    state = django_filters.ChoiceFilter(choices=STATES, label=_("State"), method="filter_state")
    status = django_filters.ChoiceFilter(choices=Complaint.Status.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=Complaint.Kind.choices, label=_("Kind"))
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))
    handler = django_filters.ModelChoiceFilter(queryset=Inspector.objects.all(), label=_("Handling inspector"))
    rating = django_filters.ChoiceFilter(choices=Complaint.Rating.choices, label=_("Rating"))
    received = django_filters.DateFromToRangeFilter(field_name="created_at__date", label=_("Received between"),
                                                    widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}))

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "open":
            return queryset.filter(status__in=ComplaintQuerySet.OPEN)
        if value == "overdue":
            return queryset.filter(Q(status__in=ComplaintQuerySet.OPEN, due_on__lt=today))
        if value == "answered":
            return queryset.filter(status=Complaint.Status.ANSWERED)
        if value == "closed":
            return queryset.filter(status=Complaint.Status.CLOSED)
        return queryset


class PublicationFilterSet(ScopedFilterSet):
    model = Publication
    search_fields = ("title", "school__name")
    kind = django_filters.ChoiceFilter(choices=Publication.Kind.choices, label=_("Kind"))
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label=_("School"))
