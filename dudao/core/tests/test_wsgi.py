"""The WSGI entry point an app server imports: the application, its URLs loaded, and what it loaded
frozen for the collector (a full collection then skips it)."""

import gc
import sys


def test_the_app_server_entry_point_loads_the_urls_and_freezes_what_it_loaded():
    gc.unfreeze()
    sys.modules.pop("dudao.wsgi", None)
    import dudao.wsgi

    try:
        assert callable(dudao.wsgi.application)
        assert gc.get_freeze_count() > 10_000
        assert "dudao.inspections.views.visits" in sys.modules  # loaded with the URLs, before any request
    finally:
        gc.unfreeze()
