from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county 示范县 and ``dudao demo``, which loads it. No models: the demo writes every other
    app's rows through their services, so it sits above every other app."""

    name = "dudao.demo"
    label = "demo"
    verbose_name = _("Demo county")
