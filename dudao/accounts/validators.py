"""Password rules of the project, used through ``AUTH_PASSWORD_VALIDATORS``."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


def character_kinds(password: str) -> int:
    """How many of the four kinds of characters the password uses: upper case, lower case, digits, others."""
    return sum((
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))


class CharacterKindsValidator:
    """At least ``min_kinds`` of upper-case letters, lower-case letters, digits and symbols."""

    def __init__(self, min_kinds: int = 3):
        self.min_kinds = min_kinds

    def validate(self, password, user=None):
        if character_kinds(password) < self.min_kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(count)d kind of characters: upper-case letters, "
            "lower-case letters, digits and symbols.",
            "Your password must mix at least %(count)d kinds of characters: upper-case letters, "
            "lower-case letters, digits and symbols.",
            self.min_kinds,
        ) % {"count": self.min_kinds}
