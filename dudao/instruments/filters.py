import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dudao.accounts.access import office_regions, reference_regions, sees_everything
from dudao.core.filters import ScopedFilterSet
from dudao.instruments.models import Instrument, InstrumentVersion, Item

NATIONAL, MINE, HIGHER = "national", "mine", "higher"


def own_offices_q(user) -> Q:
    """Instruments of the user's own offices (and the offices below them)."""
    if sees_everything(user):
        return Q(office__isnull=False)
    q = Q(pk__in=[])
    for path in office_regions(user):
        q |= Q(office__region__path__startswith=path)
    for path in reference_regions(user):
        q |= Q(office__region__path=path)
    return q


class InstrumentFilterSet(ScopedFilterSet):
    model = Instrument
    search_fields = ("code", "name", "source", "description")
    kind = django_filters.ChoiceFilter(choices=Instrument.Kind.choices, label=_("Kind"))
    audience = django_filters.ChoiceFilter(choices=Instrument.Audience.choices, label=_("For"))
    owner = django_filters.ChoiceFilter(
        choices=[(NATIONAL, _("National")), (MINE, _("My office")), (HIGHER, _("Higher offices"))],
        method="filter_owner", label=_("Owner"),
    )

    def filter_owner(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value == NATIONAL:
            return queryset.filter(office__isnull=True)
        if user is None:
            return queryset.none()
        if value == MINE:
            return queryset.filter(own_offices_q(user))
        if value == HIGHER:
            return queryset.filter(office__isnull=False).exclude(own_offices_q(user))
        return queryset


class VersionFilterSet(ScopedFilterSet):
    instrument = django_filters.NumberFilter(field_name="instrument_id", label=_("Instrument id"))
    status = django_filters.ChoiceFilter(choices=InstrumentVersion.Status.choices, label=_("Status"))

    class Meta:
        model = InstrumentVersion
        fields = ["instrument", "status"]


class ItemFilterSet(ScopedFilterSet):
    model = Item
    search_fields = ("code", "text")
    version = django_filters.NumberFilter(field_name="version_id", label=_("Version id"))
