from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.core.forms import ScopedModelForm, StyledFormMixin
from dudao.organizations.models import Office, Region, School, Zone


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


class ZoneAssignForm(StyledFormMixin, forms.Form):
    """Moves one school into a zone from a date."""

    zone = forms.ModelChoiceField(queryset=Zone.objects.none(), required=False, label=_("Zone"))
    valid_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.for_user(user, "view").filter(is_active=True)
