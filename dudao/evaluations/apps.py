from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class EvaluationsConfig(core_apps.DudaoAppConfig):
    name = "dudao.evaluations"
    label = "evaluations"
    verbose_name = _("Evaluations")
    registers = ("dudao.evaluations.documents",)  # the evaluation's kinds of document
    shipped_data = "dudao.evaluations.services.ensure_example_indicator_systems"  # the example indicator systems
