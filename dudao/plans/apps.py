from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class PlansConfig(core_apps.DudaoAppConfig):
    name = "dudao.plans"
    label = "plans"
    verbose_name = _("Plans and tasks")
    reminders = ("dudao.plans.services.task_reminders_send",)  # tasks due in 3 days
