from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_questionnaires(sender, **kwargs):
    from dudao.surveys.services import ensure_survey_questionnaires

    ensure_survey_questionnaires()


class SurveysConfig(AppConfig):
    name = "dudao.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        # the shipped questionnaires are data every database has, also after a flush (like the
        # national checklists of dudao.instruments, which migrate before this app)
        post_migrate.connect(_load_questionnaires, sender=self, dispatch_uid="dudao.surveys.questionnaires")
