import datetime

from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1  # the largest key a database holds: a larger id in a request matches nothing
YEARS = range(2000, 2101)  # the years a plan, report or count may be asked for


def year_message() -> str:
    """What a year outside ``YEARS`` is told, in the active language."""
    return _("Enter a year between %(low)s and %(high)s.") % {"low": YEARS.start, "high": YEARS.stop - 1}


YEAR_MESSAGE = lazy(year_message, str)()  # the same, translated when shown: a field's error message


def is_year(value) -> bool:
    """Whether ``value`` is a whole number in ``YEARS``."""
    return isinstance(value, int) and value in YEARS


def year_or_none(value) -> int | None:
    """A year of ``YEARS`` from a number or from the digits of a query parameter; ``None`` for
    anything else (empty, not digits, out of range)."""
    if isinstance(value, str):
        try:
            value = int(value) if value.isdecimal() else None
        except ValueError:  # more digits than Python reads as a number
            return None
    return value if is_year(value) else None


def choice_lookup(choices) -> dict[str, str]:
    """Maps every way a user may write a choice (value, Chinese label, English label) to its value."""
    out: dict[str, str] = {}
    for value, label in choices:
        out[str(value).lower()] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                out[str(label).strip().lower()] = value
    return out


def as_date(value) -> datetime.date | None:
    """A date as a service receives it: a date stays, ISO text (from JSON) becomes one, anything else is None."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime.date) else None
