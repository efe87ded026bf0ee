from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class DirectivesConfig(core_apps.DudaoAppConfig):
    """The office's follow-up of directives (督办事项): 立项 → 计划 → 反馈 → 督办 → 审核 → 通报 → 归档."""

    name = "dudao.directives"
    label = "directives"
    verbose_name = _("Directives")
    registers = ("dudao.directives.documents",)  # the urge notice and the bulletin
    reminders = ("dudao.directives.services.directive_reminders_send",)  # deadlines and reports due in 3 days
