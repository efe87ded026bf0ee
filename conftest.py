import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Uploaded and generated files of a test go to a throwaway folder, never to var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
