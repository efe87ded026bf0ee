"""Pytest plugin: every test starts in the default language (zh-hans).

A request through the test client activates its user's or its cookie's language in the worker's
thread and leaves it active, as the middleware does for a real request; without this, a test
asserting a Chinese message would depend on which test the worker ran before it."""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield
