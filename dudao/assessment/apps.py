from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_assessment_instrument(sender, **kwargs):
    from dudao.assessment.instrument import ensure_assessment_instrument

    ensure_assessment_instrument()


class AssessmentConfig(AppConfig):
    """The assessment of inspectors (督学考核): it reads the records of the apps below it (visits,
    rectifications, tasks, work reports, training, complaints) and keeps only the ratings people
    give and each office's weighting."""

    name = "dudao.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        # the shipped assessment questionnaire is data every database has, also after a flush
        post_migrate.connect(_load_assessment_instrument, sender=self, dispatch_uid="dudao.assessment.instrument")
