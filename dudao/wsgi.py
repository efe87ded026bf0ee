import gc
import itertools
import os
from pathlib import Path

from django.core.signals import request_finished
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


# Requests after which a process settles once more: by then the caches that live as long as the
# process (psycopg's parsed queries, compiled regular expressions, the resolver's and the metrics')
# have filled, and a full collection walked 24 000–26 000 of their objects every time.
SETTLE_AFTER = 300
_served = itertools.count(1)


def settle_again(**kwargs) -> None:
    """After the ``SETTLE_AFTER``-th request has been answered, collects once and freezes what lives
    on: later full collections walk only what requests leave behind (on a province, the median full
    collection 23–25 → 15–16 ms). Runs once per process, when the server closes that response."""
    if next(_served) < SETTLE_AFTER:
        return
    request_finished.disconnect(settle_again)
    gc.collect()
    gc.freeze()


settle()
request_finished.connect(settle_again)
