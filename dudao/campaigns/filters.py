import django_filters
from django.utils.translation import gettext_lazy as _

from dudao.campaigns.models import Campaign, CampaignTarget, Theme
from dudao.core.filters import ScopedFilterSet, YearFilter


class CampaignFilterSet(ScopedFilterSet):
    model = Campaign
    search_fields = ("title", "description")
    theme = django_filters.ChoiceFilter(choices=Theme.choices, label=_("Theme"))
    status = django_filters.ChoiceFilter(choices=Campaign.Status.choices, label=_("Status"))
    year = YearFilter(field_name="start_date__year")


class CampaignTargetFilterSet(ScopedFilterSet):
    model = CampaignTarget
    search_fields = ("school__name", "campaign__title")
    campaign = django_filters.NumberFilter(field_name="campaign_id", label=_("Campaign"))
    status = django_filters.ChoiceFilter(choices=CampaignTarget.Status.choices, label=_("Status"))
