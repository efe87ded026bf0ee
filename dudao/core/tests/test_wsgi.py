"""The WSGI entry point an app server imports: the application, its URLs loaded and its templates
compiled, and what it loaded frozen for the collector (a full collection then skips it)."""

import gc
import sys

from django.core.signals import request_finished
from django.template import engines


def test_the_app_server_entry_point_loads_the_urls_and_templates_and_freezes_what_it_loaded():
    gc.unfreeze()
    cached = engines["django"].engine.template_loaders[0]
    while not hasattr(cached, "get_template_cache"):  # the cached loader, inside the partials' loader
        cached = cached.loaders[0]
    cached.reset()
    sys.modules.pop("dudao.wsgi", None)
    import dudao.wsgi

    try:
        assert callable(dudao.wsgi.application)
        assert gc.get_freeze_count() > 10_000
        assert "dudao.inspections.views.visits" in sys.modules  # loaded with the URLs, before any request
        assert {"inspections/visit_detail.html", "core/form.html"} <= set(cached.get_template_cache)
        assert request_finished.disconnect(dudao.wsgi.settle_again)  # it waits for the first requests
    finally:
        request_finished.disconnect(dudao.wsgi.settle_again)
        gc.unfreeze()


def test_after_its_first_requests_the_app_server_freezes_what_lives_on_once():
    gc.unfreeze()
    sys.modules.pop("dudao.wsgi", None)
    import dudao.wsgi

    try:
        frozen = gc.get_freeze_count()
        for _ in range(dudao.wsgi.SETTLE_AFTER - 1):  # what the server does as it closes each response
            dudao.wsgi.settle_again()
        assert gc.get_freeze_count() == frozen
        lives_on = [object()]  # made after the first freeze, alive when the process settles again
        dudao.wsgi.settle_again()
        assert gc.get_freeze_count() > frozen
        assert lives_on[0] is not None
        assert not request_finished.disconnect(dudao.wsgi.settle_again)  # once per process
    finally:
        request_finished.disconnect(dudao.wsgi.settle_again)
        gc.unfreeze()
