import gc
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
application = get_wsgi_application()


def settle() -> None:
    """Loads what every request needs (the URLs and the views they import, both catalogues, every
    template of the project's folder compiled), then hands everything that lives as long as the
    process to the collector's permanent generation: a full collection then walks only what requests
    leave behind, instead of stopping a request every so often to walk the whole application again,
    or the templates the first requests compiled (``docs/performance.md``)."""
    from django.conf import settings
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for language, _name in settings.LANGUAGES:  # activating a language reads its catalogue
        with translation.override(language):
            pass
    backend = engines["django"]
    for folder in backend.template_dirs:  # the project's folder (not the apps'); the cached loader keeps them
        for path in sorted(Path(folder).rglob("*.html")):
            backend.engine.get_template(path.relative_to(folder).as_posix())
    gc.collect()
    gc.freeze()


settle()
