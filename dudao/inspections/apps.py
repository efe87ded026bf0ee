from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class InspectionsConfig(core_apps.DudaoAppConfig):
    name = "dudao.inspections"
    label = "inspections"
    verbose_name = _("Inspections")
    registers = ("dudao.inspections.documents",)  # the loop's kinds of document
    reminders = ("dudao.inspections.services.rectifications.deadline_reminders_send",)
