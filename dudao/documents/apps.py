from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "dudao.documents"
    label = "documents"
    verbose_name = _("Documents and archive")

    def ready(self):
        from dudao.audit.changes import register_choices
        from dudao.documents import kinds

        # the audit log names a kind of document, not its code
        register_choices("documents.document", "kind", kinds.choices)
        register_choices("documents.documenttemplate", "kind", kinds.choices)
