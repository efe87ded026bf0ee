from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectorsConfig(AppConfig):
    name = "dudao.inspectors"
    label = "inspectors"
    verbose_name = _("Inspectors")

    def ready(self) -> None:
        from dudao.inspectors import documents  # noqa: F401  (registers the signboard kind)
