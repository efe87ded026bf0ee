"""The fixtures every rectification test module shares: one world per module, rolled back after it,
and uploaded files in a folder of the test's own."""

import pytest

from dudao.core.testing.world import world_rolled_back


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
