from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_national(sender, **kwargs):
    from dudao.instruments.services import ensure_national_instruments

    ensure_national_instruments()


class InstrumentsConfig(AppConfig):
    name = "dudao.instruments"
    label = "instruments"
    verbose_name = _("Instruments")

    def ready(self) -> None:
        # the national checklists are data every database has, also after a flush
        post_migrate.connect(_load_national, sender=self, dispatch_uid="dudao.instruments.national")
