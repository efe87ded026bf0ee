from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class OrganizationsConfig(core_apps.DudaoAppConfig):
    name = "dudao.organizations"
    label = "organizations"
    verbose_name = _("Organisations")
    shipped_data = "dudao.organizations.working_days.load_statutory"  # the State Council's holidays and 调休
