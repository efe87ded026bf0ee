from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The dashboards and the school timeline: they read the records of every app below."""

    name = "dudao.reports"
    label = "reports"
    verbose_name = _("Reports")
