from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class SurveysConfig(core_apps.DudaoAppConfig):
    name = "dudao.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")
    # the shipped questionnaires (they use the national checklists, which migrate before this app)
    shipped_data = "dudao.surveys.services.ensure_survey_questionnaires"
    reminders = ("dudao.surveys.services.survey_reminders_send",)  # surveys closing in 3 days
