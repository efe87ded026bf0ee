from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dudao.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from dudao.accounts.middleware import SessionIdleMiddleware

        user_logged_in.connect(SessionIdleMiddleware.signed_in, dispatch_uid="dudao.accounts.signed_in")
