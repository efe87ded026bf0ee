from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dudao.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from dudao.reports import documents

        documents.register()
