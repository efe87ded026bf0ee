import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.core.filters import ScopedFilterSet
from dudao.notifications.models import Channel, Delivery, Kind


class DeliveryFilterSet(ScopedFilterSet):
    search_fields = ("notification__title", "notification__recipient__full_name")
    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    kind = django_filters.ChoiceFilter(field_name="notification__kind", choices=Kind.choices, label=_("Kind"))

    class Meta:
        model = Delivery
        fields = ["q", "status", "channel", "kind"]
