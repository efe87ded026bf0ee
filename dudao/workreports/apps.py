from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkReportsConfig(AppConfig):
    """Work reports (月度工作报告, 学期工作总结): an inspector's, a zone's or an office's month, term
    or year, drafted from the records, submitted and reviewed like a plan (``dudao.core.review``)."""

    name = "dudao.workreports"
    label = "workreports"
    verbose_name = _("Work reports")

    def ready(self):
        from dudao.workreports import documents

        documents.register()
