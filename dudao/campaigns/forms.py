"""Forms of the campaign pages: they parse input, the services decide. No form includes ``status``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.accounts.access import offices_of, sees_everything
from dudao.campaigns.models import Theme
from dudao.core.forms import StyledFormMixin
from dudao.inspections.models import Severity
from dudao.inspectors.models import Inspector
from dudao.instruments.models import Instrument, InstrumentVersion
from dudao.organizations.models import Office, Region, School, Zone

RULE_CHOICES = [("region", _("A region and everything under it")), ("zone", _("A zone")),
                ("kind", _("School kinds")), ("schools", _("Picked schools"))]


class CampaignForm(StyledFormMixin, forms.Form):
    choice_list_class = None  # the checkbox lists keep the browser's own boxes

    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Office"))
    title = forms.CharField(max_length=200, label=_("Title"))
    theme = forms.ChoiceField(choices=Theme.choices, label=_("Theme"))
    checklist = forms.ModelChoiceField(queryset=InstrumentVersion.objects.none(), label=_("Checklist"))
    start_date = forms.DateField(label=_("Start"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    self_check_due = forms.DateField(label=_("Self-check due"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    description = forms.CharField(label=_("Purpose and requirements"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    rule = forms.ChoiceField(choices=RULE_CHOICES, label=_("Target schools"), initial="kind")
    region = forms.ModelChoiceField(queryset=Region.objects.none(), required=False, label=_("Region"))
    zone = forms.ModelChoiceField(queryset=Zone.objects.none(), required=False, label=_("Zone"))
    kinds = forms.MultipleChoiceField(choices=School.Kind.choices, required=False, label=_("School kinds"),
                                      widget=forms.CheckboxSelectMultiple)
    schools = forms.ModelMultipleChoiceField(queryset=School.objects.none(), required=False, label=_("Schools"),
                                             widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.for_user(user, "view").filter(
            pk__in=sorted(offices_of(user))) if not sees_everything(user) else Office.objects.for_user(user)
        self.fields["checklist"].queryset = InstrumentVersion.objects.for_user(user).filter(
            status=InstrumentVersion.Status.PUBLISHED, instrument__kind=Instrument.Kind.CHECKLIST,
        ).select_related("instrument").order_by("instrument__name", "-number")
        self.fields["checklist"].label_from_instance = lambda v: f"{v.instrument.name} v{v.number}"
        self.fields["region"].queryset = Region.objects.for_user(user).order_by("path")
        self.fields["zone"].queryset = Zone.objects.for_user(user)
        self.fields["schools"].queryset = School.objects.for_user(user).filter(is_active=True)

    def rule_dict(self) -> dict:
        d = self.cleaned_data
        return {"by": d["rule"], "region": d["region"].pk if d.get("region") else None,
                "zone": d["zone"].pk if d.get("zone") else None, "kinds": list(d.get("kinds") or []),
                "schools": [s.pk for s in d.get("schools") or []]}


class TeamForm(StyledFormMixin, forms.Form):
    choice_list_class = None

    name = forms.CharField(max_length=100, label=_("Name"))
    members = forms.ModelMultipleChoiceField(queryset=Inspector.objects.none(), label=_("Members"),
                                             widget=forms.CheckboxSelectMultiple)
    leader = forms.ModelChoiceField(queryset=Inspector.objects.none(), required=False, label=_("Leader"))
    targets = forms.MultipleChoiceField(choices=(), required=False, label=_("Target schools it visits"),
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        inspectors = Inspector.objects.for_user(user).filter(office=campaign.office, status=Inspector.Status.ACTIVE)
        self.fields["members"].queryset = inspectors
        self.fields["leader"].queryset = inspectors
        self.fields["targets"].choices = [(t.pk, t.school.name) for t in
                                          campaign.targets.select_related("school").order_by("school__sort_key")]  # scope: of a campaign in scope


class SelfCheckForm(forms.Form):
    summary = forms.CharField(label=_("Self-check report"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ResultForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    summary = forms.CharField(label=_("Team's findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(forms.Form):
    requirements = forms.CharField(label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


SEVERITY_CHOICES = Severity.choices
