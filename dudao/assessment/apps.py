from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class AssessmentConfig(core_apps.DudaoAppConfig):
    """The assessment of inspectors (督学考核): it reads the records of the apps below it (visits,
    rectifications, tasks, work reports, training, complaints) and keeps only the ratings people
    give and each office's weighting."""

    name = "dudao.assessment"
    label = "assessment"
    verbose_name = _("Assessment")
    shipped_data = "dudao.assessment.instrument.ensure_assessment_instrument"  # the assessment questionnaire
