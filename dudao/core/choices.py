import datetime

from django.utils import translation

MAX_ID = 2**63 - 1  # the largest key a database holds: a larger id in a request matches nothing
YEARS = range(2000, 2101)  # the years a plan, report or count may be asked for


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
