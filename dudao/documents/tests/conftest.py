import pytest

from dudao.documents import kinds
from dudao.documents.tests.kind_fixtures import LETTER


@pytest.fixture
def letter_kind(monkeypatch):
    """Registers the engine tests' own kind of document for one test."""
    monkeypatch.setitem(kinds._REGISTRY, LETTER.code, LETTER)
    return LETTER
