import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
application = get_wsgi_application()


def settle() -> None:
    """Loads what every request needs (the URLs and the views they import), then hands everything
    that lives as long as the process to the collector's permanent generation: a full collection
    then walks only what requests leave behind, instead of stopping a request for 100–200 ms every
    so often to walk the whole application again (``docs/performance.md``)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()


settle()
