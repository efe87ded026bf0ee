from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_checklists(sender, **kwargs):
    from dudao.instruments.campaign_checklists import ensure_campaign_checklists

    ensure_campaign_checklists()


class CampaignsConfig(AppConfig):
    name = "dudao.campaigns"
    label = "campaigns"
    verbose_name = _("Special campaigns")

    def ready(self) -> None:
        from dudao.campaigns import documents  # noqa: F401  registers the campaign notice and report

        # the example campaign checklists are data every database has, also after a flush
        post_migrate.connect(_load_checklists, sender=self, dispatch_uid="dudao.campaigns.checklists")
