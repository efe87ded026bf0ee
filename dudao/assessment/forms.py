"""Forms of the assessment: the period, a rating on the questionnaire, the office's weighting."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.assessment.models import DEFAULT_GROUP_WEIGHTS, DEFAULT_WEIGHTS, AssessmentPolicy
from dudao.assessment.selectors import Period, period_of
from dudao.core.forms import StyledForm, YearField
from dudao.workreports.forms import TermChoice
from dudao.workreports.models import PeriodKind


class PeriodForm(StyledForm):
    """A year, or a term of a year (the period of the assessment and of ratings)."""

    period_kind = forms.ChoiceField(label=_("Period"), choices=[(PeriodKind.YEAR, _("Year")),
                                                                (PeriodKind.TERM, _("Term"))], required=False)
    year = YearField(required=False)
    term = forms.ChoiceField(label=_("Term"), choices=[("", "—"), *TermChoice.CHOICES], required=False)

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is not None:
            self.fields = {"office": forms.ModelChoiceField(label=_("Office"), queryset=offices, required=False),
                           **self.fields}

    def period(self) -> Period:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        kind = data.get("period_kind") or PeriodKind.YEAR
        year = data.get("year") or today.year
        if kind == PeriodKind.TERM:
            term = data.get("term") or (TermChoice.SPRING if 2 <= today.month <= 8 else TermChoice.AUTUMN)
            return period_of(kind, datetime.date(year, 3 if term == TermChoice.SPRING else 10, 1))
        return period_of(PeriodKind.YEAR, datetime.date(year, 1, 1))


def rating_form(items, initial=None):
    """A form with one field per item of the questionnaire (ratings as radio buttons, text as text)."""
    fields = {}
    for item in items:
        if item.is_section:
            continue
        name = f"item_{item.code}"
        if item.response_type == "rating":
            fields[name] = forms.ChoiceField(label=f"{item.code}. {item.text}", required=item.required,
                                             choices=[(o, o) for o in item.options], widget=forms.RadioSelect)
        elif item.response_type == "text":
            fields[name] = forms.CharField(label=f"{item.code}. {item.text}", required=item.required,
                                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
        elif item.response_type == "yes_no":
            fields[name] = forms.TypedChoiceField(label=f"{item.code}. {item.text}", required=item.required,
                                                  choices=[("true", _("Yes")), ("false", _("No"))],
                                                  coerce=lambda v: v == "true", widget=forms.RadioSelect)
        elif item.response_type == "score":
            fields[name] = forms.DecimalField(label=f"{item.code}. {item.text}", required=item.required, min_value=0,
                                              max_value=item.max_score, widget=forms.NumberInput(
                                                  attrs={"class": "form-control"}))
    fields["comment"] = forms.CharField(label=_("Comment"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    form_class = type("RatingForm", (forms.Form,), fields)
    return form_class


def answers_from(form) -> dict:
    out = {}
    for name, value in form.cleaned_data.items():
        if name.startswith("item_") and value not in (None, ""):
            out[name[5:]] = float(value) if hasattr(value, "as_tuple") else value
    return out


class AssessmentPolicyForm(StyledForm):
    aggregation = forms.ChoiceField(label=_("Combining raters of a group"), choices=AssessmentPolicy.Aggregation.choices)
    instrument = forms.ModelChoiceField(label=_("Rating instrument"), queryset=None, required=False,
                                        empty_label=_("The assessment questionnaire shipped with the platform"))

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        labels = {f.name: f.verbose_name for f in AssessmentPolicy._meta.fields}
        for key, default in DEFAULT_WEIGHTS.items():
            self.fields[f"weight_{key}"] = forms.IntegerField(label=labels[f"weight_{key}"], min_value=0, max_value=100,
                                                              initial=default)
        for key, default in DEFAULT_GROUP_WEIGHTS.items():
            self.fields[f"group_{key}"] = forms.IntegerField(label=labels[f"group_{key}"], min_value=0, max_value=100,
                                                             initial=default)
