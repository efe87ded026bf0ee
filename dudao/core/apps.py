from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class DudaoAppConfig(AppConfig):
    """An app of the platform: ``registers`` names the modules imported when it is ready (they
    register kinds of document and the like); ``shipped_data`` the function that writes the data every
    database has, also after a flush (run after this app migrates; it must be idempotent).

    An ``apps.py`` imports this module, not the class: Django takes the one ``AppConfig`` class it finds
    there.

    ``reminders`` names the functions (``fn(*, on) -> list[Reminder]``) that send the app's reminders
    of coming deadlines; ``dudao notify reminders`` runs them all (``notifications.services.reminders_send``)."""

    registers: tuple[str, ...] = ()
    shipped_data = ""
    reminders: tuple[str, ...] = ()

    def ready(self) -> None:
        for module in self.registers:
            import_module(module)
        if self.shipped_data:
            post_migrate.connect(self.load_shipped_data, sender=self, dispatch_uid=f"{self.name}.shipped_data")

    def load_shipped_data(self, sender, **kwargs) -> None:
        import_string(self.shipped_data)()


class CoreConfig(DudaoAppConfig):
    name = "dudao.core"
    label = "core"
    verbose_name = _("Core")
    default = True  # the app's config, not DudaoAppConfig above
    registers = ("dudao.core.checks", "dudao.core.scope")  # dudao.E001; the ``__in_array`` lookup
