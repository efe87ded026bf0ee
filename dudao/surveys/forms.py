"""Forms of the survey pages (they parse input; the services write). No form includes ``status``."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.forms import StyledForm, StyledFormMixin, YearField
from dudao.instruments.models import Instrument, InstrumentVersion
from dudao.instruments.services import clean_options
from dudao.organizations.models import Office, Region, School, Zone
from dudao.surveys.models import Survey
from dudao.surveys.questionnaires import COUNTED_DEFAULT


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        owner = obj.instrument.office.name if obj.instrument.office_id else _("national")
        return f"{obj.instrument.name} v{obj.number} ({owner})"


class SurveyForm(StyledForm):
    """A survey's settings and its schools: picked one by one, or all schools of a region, zone
    and/or kind of the office (the filters combine)."""

    SERVICE_FIELDS = {"version_id": "version", "pass_threshold": "pass_percent", "school_ids": "schools"}

    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Office"))
    title = forms.CharField(label=_("Title"), max_length=200)
    year = YearField()
    version = VersionChoiceField(queryset=InstrumentVersion.objects.none(), label=_("Questionnaire"))
    groups = forms.MultipleChoiceField(choices=Survey.Group.choices, widget=forms.CheckboxSelectMultiple,
                                       label=_("Respondent groups"))
    closes_on = forms.DateField(label=_("Closing date"), widget=forms.DateInput(attrs={"type": "date"}))
    counted_options = forms.CharField(
        label=_("Answers counted as satisfied"), initial=" | ".join(COUNTED_DEFAULT),
        help_text=_("Separate them with |. STANDARDS §4.6 leaves the choice to the office."))
    pass_percent = forms.DecimalField(label=_("Pass mark (%)"), min_value=0, max_value=100, decimal_places=2,
                                      initial=Decimal(85))
    single_use = forms.BooleanField(label=_("One response per code"), required=False,
                                    help_text=_("Each answer then needs a single-use code generated per school."))
    introduction = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    region = forms.ModelChoiceField(queryset=Region.objects.none(), required=False, label=_("All schools in region"))
    zone = forms.ModelChoiceField(queryset=Zone.objects.none(), required=False, label=_("All schools in zone"))
    kind = forms.ChoiceField(choices=[("", "—"), *School.Kind.choices], required=False, label=_("All schools of kind"))
    schools = forms.ModelMultipleChoiceField(queryset=School.objects.none(), required=False, label=_("Or pick schools"),
                                             widget=forms.SelectMultiple(attrs={"size": 10}))

    STRUCTURE = ("version", "groups", "single_use", "region", "zone", "kind", "schools")

    def __init__(self, *args, user, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.survey = survey
        self.fields["office"].queryset = Office.objects.for_user(user, "change").select_related("region")
        self.fields["version"].queryset = (
            InstrumentVersion.objects.for_user(user)
            .filter(instrument__kind=Instrument.Kind.QUESTIONNAIRE, status=InstrumentVersion.Status.PUBLISHED)
            .select_related("instrument__office").order_by("instrument__name", "-number"))
        self.fields["region"].queryset = Region.objects.for_user(user).filter(level__gte=Region.Level.COUNTY)
        self.fields["zone"].queryset = Zone.objects.for_user(user).select_related("office")
        self.fields["schools"].queryset = School.objects.for_user(user).filter(is_active=True).order_by("code")
        if survey is None:
            self.fields["year"].initial = timezone.localdate().year
            offices = list(self.fields["office"].queryset[:2])
            if len(offices) == 1:
                self.fields["office"].initial = offices[0].pk
        else:
            self.fields.pop("office")
            if survey.status != Survey.Status.DRAFT:
                for name in self.STRUCTURE:
                    self.fields.pop(name)
            else:
                self.fields["schools"].help_text = _("Leave the school fields empty to keep the schools chosen.")

    def clean_counted_options(self):
        return clean_options(self.cleaned_data["counted_options"])

    def school_ids(self, office) -> list[int] | None:
        """The chosen schools: the picked ones, else the office's schools matching the region, zone and
        kind filters; ``None`` when nothing was chosen (keep the current schools on edit)."""
        data = self.cleaned_data
        if data.get("schools"):
            return [s.pk for s in data["schools"]]
        if not (data.get("region") or data.get("zone") or data.get("kind")):
            return None
        qs = School.objects.for_user(self.user).filter(is_active=True, region__path__startswith=office.region.path)
        if data.get("region"):
            qs = qs.filter(region__path__startswith=data["region"].path)
        if data.get("zone"):
            today = timezone.localdate()
            qs = qs.filter(Q(zone_memberships__zone=data["zone"]), Q(zone_memberships__valid_from__lte=today),
                           Q(zone_memberships__valid_to__isnull=True) | Q(zone_memberships__valid_to__gte=today))
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        return sorted(set(qs.values_list("pk", flat=True)))

    def service_fields(self) -> dict:
        data = self.cleaned_data
        out = {"title": data["title"], "closes_on": data["closes_on"], "counted_options": data["counted_options"],
               "pass_threshold": data["pass_percent"] / 100, "introduction": data.get("introduction", "")}
        if "version" in self.fields:
            out.update({"version_id": data["version"].pk, "groups": data["groups"],
                        "single_use": data.get("single_use", False)})
        return out


class CodesForm(StyledFormMixin, forms.Form):
    count = forms.IntegerField(label=_("Codes per school and group"), min_value=1, max_value=2000, initial=50)
    school = forms.ModelChoiceField(queryset=School.objects.none(), required=False, label=_("Only for school"))
    group = forms.ChoiceField(choices=[("", _("All groups")), *Survey.Group.choices], required=False,
                              label=_("Only for group"))

    def __init__(self, *args, user, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_user(user).filter(survey_links__survey=survey).distinct()


class CodeEntryForm(forms.Form):
    code = forms.CharField(label=_("Your code"), max_length=32)
