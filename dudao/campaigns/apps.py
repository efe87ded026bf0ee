from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class CampaignsConfig(core_apps.DudaoAppConfig):
    name = "dudao.campaigns"
    label = "campaigns"
    verbose_name = _("Special campaigns")
    registers = ("dudao.campaigns.documents",)  # the campaign notice and report
    shipped_data = "dudao.instruments.campaign_checklists.ensure_campaign_checklists"
