"""The engine's sentences (``formulas.Message``) in the user's language.

``formulas`` and ``analysis`` import no Django, so their reasons, notes, alarms and labels are
messages: English templates with named parameters. Pages, exports, the API and ``dudao balance``
pass a result through ``localize`` once, in the active language, and show plain strings.
"""

from dataclasses import replace

from django.utils.translation import get_language, gettext, override, pgettext

from dudao.core.importing import RowError
from dudao.monitoring.analysis import LazyRows
from dudao.monitoring.formulas import Message


def render(message: Message) -> str:
    """One message in the active language, its parameters rendered first."""
    template = pgettext(message.context, message.template) if message.context else gettext(message.template)
    if not message.params:
        return template
    return template.format(**{name: localize(value) for name, value in message.params.items()})


def localize(value):
    """``value`` with every message in it (in dicts and lists, at any depth) rendered as a string.
    Rows built on demand (``analysis.LazyRows``) stay so: each is rendered when it is read, in the
    language active then (a request's pages and exports read them within the request)."""
    if isinstance(value, Message):
        return render(value)
    if isinstance(value, LazyRows):
        return value if value.plain else value.map(_in_language(get_language()))
    if isinstance(value, dict):
        return {key: localize(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [localize(item) for item in value]
    return value


def _in_language(language: str | None):
    """``localize`` in ``language``, whichever is active when it runs."""
    def localize_in(value):
        if get_language() == language:
            return localize(value)
        with override(language):
            return localize(value)
    return localize_in


def localize_errors(errors: list[RowError]) -> list[RowError]:
    """Import problems with their column and message in the active language (row and code kept)."""
    return [replace(error, column=localize(error.column), message=localize(error.message)) for error in errors]
