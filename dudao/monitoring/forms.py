from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.accounts.access import office_regions, sees_everything
from dudao.core.forms import ScopedModelForm, StyledFormMixin, YearField
from dudao.monitoring.formulas import COMPULSORY_STAGES, Method, indicators_for
from dudao.monitoring.models import VALUE_FIELDS, SchoolReturn
from dudao.monitoring.texts import localize
from dudao.organizations.models import Office, School


class StatisticsYearOpenForm(StyledFormMixin, forms.Form):
    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Office"))
    year = YearField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.for_user(user, "view").filter(
            region__path__in=office_regions(user)) if not sees_everything(user) else Office.objects.for_user(user)


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


class BalanceStandardForm(StyledFormMixin, forms.Form):
    """An office's CV thresholds per stage and, for the 2017 method, its standard values and the floor of
    the per-school rule (in %); prefilled with the values in force."""

    threshold_primary = forms.DecimalField(label=_("CV threshold, primary"), min_value=Decimal("0.001"),
                                           max_value=Decimal("2"), decimal_places=3)
    threshold_junior = forms.DecimalField(label=_("CV threshold, junior secondary"), min_value=Decimal("0.001"),
                                          max_value=Decimal("2"), decimal_places=3)

    def __init__(self, *args, method: Method, in_force: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method
        self.fields["threshold_primary"].initial = in_force["thresholds"]["primary"]
        self.fields["threshold_junior"].initial = in_force["thresholds"]["junior"]
        self.standard_rows = []
        if method is Method.QUALITY_2017:
            self.fields["floor_percent"] = forms.DecimalField(
                label=_("Floor of the per-school rule, in percent of the standard"), min_value=Decimal("0.1"),
                max_value=Decimal("100"), decimal_places=1, initial=round(in_force["floor_ratio"] * 100, 1),
                help_text=_("The indicators a school does not meet must reach this share of the standard "
                            "(national: 85 %)."))
            for spec in indicators_for(method):
                row = {"name": localize(spec.name), "unit": localize(spec.unit), "fields": []}
                for stage in COMPULSORY_STAGES:
                    name = f"standard_{stage.value}_{spec.key}"
                    self.fields[name] = forms.DecimalField(
                        label=_("{indicator} ({stage})").format(indicator=row["name"], stage=localize(stage.label)),
                        min_value=Decimal("0.001"), max_digits=12, decimal_places=3,
                        initial=in_force["standards"].get(stage.value, {}).get(spec.key))
                    row["fields"].append(name)
                self.standard_rows.append(row)
        for field in self.fields.values():
            field.widget.attrs["step"] = "any"

    def setting(self) -> dict:
        """The cleaned values as ``services.balance_standard_set`` takes them."""
        data = self.cleaned_data
        out = {"thresholds": {s.value: data[f"threshold_{s.value}"] for s in COMPULSORY_STAGES},
               "standards": None, "floor_ratio": None}
        if self.method is Method.QUALITY_2017:
            out["floor_ratio"] = data["floor_percent"] / 100
            out["standards"] = {
                s.value: {spec.key: float(data[f"standard_{s.value}_{spec.key}"]) for spec in indicators_for(self.method)}
                for s in COMPULSORY_STAGES
            }
        return out
