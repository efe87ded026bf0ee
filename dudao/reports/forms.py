"""The input of the compare page: the schools chosen so far and one to add."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.core.forms import StyledForm, use_pickers
from dudao.organizations.models import School


def school_ids(values) -> list[int]:
    """The ids of ``?schools=1,2&schools=3`` in order, each once; text that is no id is dropped."""
    ids = [int(part) for value in values for part in str(value).split(",") if part.strip().isdigit()]
    return list(dict.fromkeys(ids))


class CompareForm(StyledForm):
    add = forms.ModelChoiceField(queryset=School.objects.none(), required=False, label=_("Add a school"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add"].queryset = School.objects.for_user(user).filter(is_active=True).order_by("sort_key")
        use_pickers(self)
