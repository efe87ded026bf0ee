from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_assessment_instrument(sender, **kwargs):
    from dudao.reports.assessment_instrument import ensure_assessment_instrument

    ensure_assessment_instrument()


class ReportsConfig(AppConfig):
    name = "dudao.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from dudao.reports import documents

        documents.register()
        # the shipped assessment questionnaire is data every database has, also after a flush
        post_migrate.connect(_load_assessment_instrument, sender=self, dispatch_uid="dudao.reports.assessment")
