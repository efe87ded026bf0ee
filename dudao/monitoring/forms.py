from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.core.forms import ScopedModelForm
from dudao.monitoring.models import VALUE_FIELDS, SchoolReturn
from dudao.organizations.models import Office, School


class StatisticsYearOpenForm(forms.Form):
    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Office"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.for_user(user, "view").filter(
            region__path__in=user.scope.office_paths) if not user.scope.unrestricted else Office.objects.for_user(user)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")


class SchoolReturnForm(ScopedModelForm):
    """One school's return for one stage; the engine's rules are checked by the service."""

    class Meta:
        model = SchoolReturn
        fields = ["school", "stage", "school_type", "students", "senior_students", *VALUE_FIELDS]

    def __init__(self, *args, user, statistics_year, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.statistics_year = statistics_year
        # the schools whose returns the user may file: those they see (a liaison: their own school)
        self.fields["school"].queryset = School.objects.for_user(user, "view").filter(
            region__path__startswith=statistics_year.office.region.path).order_by("code")
        if self.instance.pk:
            self.fields["school"].disabled = True
            self.fields["stage"].disabled = True

    def clean(self):
        data = super().clean()
        school, stage = data.get("school"), data.get("stage")
        if school and stage and not self.instance.pk and SchoolReturn.objects.filter(
                statistics_year=self.statistics_year, school=school, stage=stage).exists():
            raise forms.ValidationError(_("This school already has a return for this stage; edit it instead."))
        return data
