from django.utils.translation import gettext_lazy as _

from dudao.core import apps as core_apps


class InspectorsConfig(core_apps.DudaoAppConfig):
    name = "dudao.inspectors"
    label = "inspectors"
    verbose_name = _("Inspectors")
    registers = ("dudao.inspectors.documents",)  # the signboard kind
