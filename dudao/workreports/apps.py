from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class WorkReportsConfig(core_apps.DudaoAppConfig):
    """Work reports (月度工作报告, 学期工作总结): an inspector's, a zone's or an office's month, term
    or year, drafted from the records, submitted and reviewed like a plan (``dudao.core.review``)."""

    name = "dudao.workreports"
    label = "workreports"
    verbose_name = _("Work reports")
    reminders = ("dudao.workreports.services.report_reminders_send",)  # reports due in 3 days

    def ready(self):
        super().ready()
        from dudao.workreports import documents

        documents.register()
