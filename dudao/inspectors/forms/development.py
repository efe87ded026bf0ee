from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.accounts.access import acts_for_office
from dudao.core.forms import ScopedModelForm, StyledFormMixin, YearField
from dudao.inspectors.models import Inspector, TrainingRecord

DATE = {"type": "date"}


class TrainingRecordForm(ScopedModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["inspector", "course", "organiser", "kind", "start_date", "end_date", "hours", "certificate"]
        widgets = {"start_date": forms.DateInput(attrs=DATE), "end_date": forms.DateInput(attrs=DATE)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["inspector"]
        if acts_for_office(self.user):
            field.queryset = Inspector.objects.for_user(self.user, "change").order_by("sort_key")
        else:  # an inspector keeps their own file
            field.queryset = Inspector.objects.for_user(self.user).filter(user=self.user)
            field.initial = field.queryset.first()
        self.fields["kind"].help_text = _("Only centralised training counts toward the yearly floor.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end is before the start."))
        return data


class CaseForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    year = YearField()
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class TermForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=DATE),
                            help_text=_("A term lasts 3 years; at most 3 terms in a row."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        kwargs.get("initial", {}).pop("valid_from", None)
        super().__init__(*args, **kwargs)


class InspectorPolicyForm(StyledFormMixin, forms.Form):
    training_floor_hours = forms.DecimalField(label=_("Centralised training floor (hours a year)"), min_value=1,
                                              max_value=500, decimal_places=1)
    term_reminder_days = forms.IntegerField(label=_("Remind before a term ends (days)"), min_value=1, max_value=365)


class YearForm(StyledFormMixin, forms.Form):
    year = YearField(required=False)
