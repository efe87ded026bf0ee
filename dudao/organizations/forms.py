from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.core.forms import DatedAssignForm, ScopedModelForm, StyledFormMixin
from dudao.organizations.models import CalendarDay, Department, Office, Region, School, Zone


class RegionForm(ScopedModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class OfficeForm(ScopedModelForm):
    class Meta:
        model = Office
        fields = ["name", "region", "hotline", "email", "address", "schools_per_inspector", "schools_per_zone",
                  "checkin_radius_m"]


class SchoolForm(ScopedModelForm):
    class Meta:
        model = School
        fields = [
            "code", "name", "kind", "ownership", "location", "region", "address",
            "enrolment_kindergarten", "enrolment_primary", "enrolment_junior", "enrolment_senior",
            "liaison_name", "liaison_phone", "principal_name", "latitude", "longitude", "is_active",
        ]


class ZoneForm(ScopedModelForm):
    class Meta:
        model = Zone
        fields = ["office", "name", "number", "description", "is_active"]


class DepartmentForm(ScopedModelForm):
    """A responsible unit of the office that is not a school; only the offices the user runs are offered."""

    class Meta:
        model = Department
        fields = ["office", "name", "kind", "region", "number", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.for_user(self.user, "change")
        self.fields["region"].queryset = self.fields["region"].queryset.filter(level=Region.Level.TOWNSHIP)


class ZoneAssignForm(DatedAssignForm):
    """Moves one school into a zone from a date."""

    zone = forms.ModelChoiceField(queryset=Zone.objects.none(), required=False, label=_("Zone"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.for_user(user, "view").filter(is_active=True)


class CalendarDayForm(StyledFormMixin, forms.Form):
    """An office's own day: a holiday or a working day (调休) for the office and the offices below it."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind of day"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Name"), required=False, max_length=64,
                           help_text=_("For example 国庆节 or 调休上班."))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
