from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "dudao.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from dudao.inspections import documents  # noqa: F401  registers the loop's kinds of document
