from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_examples(sender, **kwargs):
    from dudao.evaluations.services import ensure_example_indicator_systems

    ensure_example_indicator_systems()


class EvaluationsConfig(AppConfig):
    name = "dudao.evaluations"
    label = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        from dudao.evaluations import documents  # noqa: F401  registers the evaluation's kinds of document

        # the example indicator systems are data every database has, also after a flush
        post_migrate.connect(_load_examples, sender=self, dispatch_uid="dudao.evaluations.examples")
