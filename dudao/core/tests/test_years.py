"""One range of years (``YEARS``, 2000 to 2100) for every form, filter, serializer and hand check, and
one message, in the user's language, for a year outside it."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework import serializers

from dudao.core.api import YearField as ApiYearField
from dudao.core.choices import YEAR_MESSAGE, YEARS, is_year, year_message, year_or_none
from dudao.core.filters import YearFilter
from dudao.core.forms import YearField

REFUSED = {"zh-hans": "请填写 2000 至 2100 之间的年份。", "en": "Enter a year between 2000 and 2100."}


def test_the_range_runs_from_2000_to_2100():
    assert (YEARS.start, YEARS.stop - 1) == (2000, 2100)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_message_is_translated_when_read(lang):
    with translation.override(lang):
        assert year_message() == REFUSED[lang] and str(YEAR_MESSAGE) == REFUSED[lang]


@pytest.mark.parametrize(("given", "read"), [
    ("2000", 2000), ("2100", 2100), (2026, 2026), ("02026", 2026),
    ("1999", None), ("2101", None), (1999, None), (2101, None), ("", None), (None, None), ("-2026", None),
    (" 2026", None), ("2026.0", None), (2026.0, None), (True, None), ("²", None), ("9" * 5000, None),
])
def test_a_year_is_read_from_a_number_or_digits(given, read):
    assert year_or_none(given) == read
    assert is_year(given) is (read is not None and not isinstance(given, str))


class Form(forms.Form):
    year = YearField()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_form_field_takes_the_bounds_and_refuses_the_years_outside(lang):
    for year in ("2000", "2100"):
        form = Form({"year": year})
        assert form.is_valid() and form.cleaned_data["year"] == int(year)
    with translation.override(lang):
        for year in ("1999", "2101"):
            form = Form({"year": year})
            assert not form.is_valid() and form.errors["year"] == [REFUSED[lang]]
    html = str(Form()["year"])
    assert 'min="2000"' in html and 'max="2100"' in html  # the browser offers the same range
    with translation.override("en"):
        assert str(Form.base_fields["year"].label) == "Year"


class Input(serializers.Serializer):
    year = ApiYearField()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_serializer_field_takes_the_bounds_and_refuses_the_years_outside(lang):
    for year in (2000, 2100):
        given = Input(data={"year": year})
        assert given.is_valid() and given.validated_data["year"] == year
    with translation.override(lang):
        for year in (1999, 2101):
            given = Input(data={"year": year})
            assert not given.is_valid() and given.errors["year"] == [REFUSED[lang]]


def test_a_copied_serializer_field_keeps_its_options():
    # a declared field is copied for each serializer: the copy keeps what the declaration said
    input_class = type("Input", (serializers.Serializer,), {"year": ApiYearField(required=False)})
    assert input_class(data={}).is_valid()
    assert not input_class(data={"year": 1999}).is_valid()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_filter_takes_the_bounds_and_refuses_the_years_outside(lang):
    field = YearFilter(field_name="period_start__year").field
    assert (field.min_value, field.max_value) == (2000, 2100)
    assert field.clean("2000") == 2000 and field.clean("2100") == 2100 and field.clean("") is None
    with translation.override(lang):
        for year in ("1999", "2101"):
            with pytest.raises(ValidationError) as refused:
                field.clean(year)
            assert refused.value.messages == [REFUSED[lang]]
