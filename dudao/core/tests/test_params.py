"""Ids read from a query string: a page takes anything that is not a usable id as "none given"; the
API answers 400 for a word or a number no key can be, so neither reaches the database."""

import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from dudao.core.api import id_param
from dudao.core.choices import MAX_ID
from dudao.core.views import int_param


@pytest.mark.parametrize(("given", "read"), [
    ("12", 12), (str(MAX_ID), MAX_ID), ("", None), (None, None), ("0", None), ("-3", None), ("x", None),
    ("1.5", None), (str(MAX_ID + 1), None), ("9" * 40, None),
])
def test_a_page_reads_a_positive_id_or_none(given, read):
    assert int_param(given) == read


def query(**params):
    return Request(APIRequestFactory().get("/", params))


def test_the_api_reads_an_id_or_refuses_it():
    assert id_param(query(region="12"), "region") == 12
    assert id_param(query(), "region") is None
    for bad in ("x", "1.5", str(MAX_ID + 1), "9" * 40):
        with pytest.raises(ValidationError) as refused:
            id_param(query(region=bad), "region")
        assert "region" in refused.value.detail
