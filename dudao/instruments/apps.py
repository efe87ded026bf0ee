from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class InstrumentsConfig(core_apps.DudaoAppConfig):
    name = "dudao.instruments"
    label = "instruments"
    verbose_name = _("Instruments")
    shipped_data = "dudao.instruments.services.ensure_national_instruments"  # the national checklists
