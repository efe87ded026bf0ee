from django.apps import apps
from django.core import checks

from dudao.core.scope import ScopedQuerySet


@checks.register()
def scoped_models_declare_scope(app_configs, **kwargs):
    """dudao.E001: every model tied to a school or region uses the scoped queryset and declares lookups."""
    errors = []
    for model in apps.get_models():
        if not model.__module__.startswith("dudao."):
            continue
        related = {f.related_model._meta.label for f in model._meta.fields if f.is_relation and f.related_model}
        if not related & {"organizations.School", "organizations.Region", "organizations.Office", "organizations.Zone"}:
            continue
        qs = model._default_manager.get_queryset()
        if not isinstance(qs, ScopedQuerySet) or not getattr(model, "scope_region", None):
            errors.append(
                checks.Error(
                    f"{model._meta.label} refers to the organisation tree but is not scoped.",
                    hint="Subclass dudao.core.scope.ScopedModel and declare scope_region / scope_school.",
                    obj=model,
                    id="dudao.E001",
                )
            )
    return errors
