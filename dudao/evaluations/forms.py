"""Input forms of the evaluation pages; they parse, the services decide (no ``status`` anywhere)."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core.forms import StyledFormMixin, YearField
from dudao.evaluations.models import Evaluation, RaterGroup
from dudao.instruments.models import Instrument, InstrumentVersion
from dudao.organizations.models import Office, Region, School


class EvaluationForm(StyledFormMixin, forms.Form):
    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Office"))
    title = forms.CharField(label=_("Title"), max_length=200)
    year = YearField()
    kind = forms.ChoiceField(label=_("Units"), choices=Evaluation.Kind.choices)
    version = forms.ModelChoiceField(queryset=InstrumentVersion.objects.none(), label=_("Indicator system"))
    aggregation = forms.ChoiceField(label=_("Aggregation"), choices=Evaluation.Aggregation.choices)
    weight_by_group = forms.BooleanField(label=_("Weighted by rater group"), required=False)
    veto_cap = forms.DecimalField(label=_("Total after a veto"), initial=0, min_value=0, max_digits=8, decimal_places=2)
    self_assessment_due = forms.DateField(label=_("Self-assessment due"), required=False,
                                          widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Matters and requirements"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    weight_experts = forms.DecimalField(label=_("Weight: office experts"), initial=1, min_value=0, required=False)
    weight_inspectors = forms.DecimalField(label=_("Weight: inspectors"), min_value=0, required=False)
    weight_peers = forms.DecimalField(label=_("Weight: peer units"), min_value=0, required=False)
    weight_public = forms.DecimalField(label=_("Weight: parents and the public"), min_value=0, required=False)

    def __init__(self, *args, user, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        first = list(offices[:2])
        if len(first) == 1:
            self.fields["office"].initial = first[0].pk
        systems = Instrument.objects.for_user(user).filter(kind=Instrument.Kind.INDICATOR_SYSTEM)
        self.fields["version"].queryset = (InstrumentVersion.objects.for_user(user)
                                           .filter(instrument__in=systems, status=InstrumentVersion.Status.PUBLISHED)
                                           .select_related("instrument"))
        self.fields["year"].initial = datetime.date.today().year

    def group_weights(self) -> dict:
        out = {}
        for kind in RaterGroup.Kind.values:
            weight = self.cleaned_data.get(f"weight_{kind}")
            if weight is not None:
                out[kind] = weight
        return out


class UnitsForm(StyledFormMixin, forms.Form):
    schools = forms.ModelMultipleChoiceField(queryset=School.objects.none(), required=False, label=_("Schools"))
    regions = forms.ModelMultipleChoiceField(queryset=Region.objects.none(), required=False,
                                             label=_("Regions (governments)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.for_user(user).order_by("code")
        self.fields["regions"].queryset = Region.objects.for_user(user).order_by("path")


class RaterForm(StyledFormMixin, forms.Form):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label=_("Rater"))
    group = forms.ChoiceField(choices=RaterGroup.Kind.choices, label=_("Group"))

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        from dudao.accounts.models import Membership

        path = evaluation.office.region.path
        ids = Membership.objects.current().filter(office__region__path__startswith=path).values("user_id")
        self.fields["user"].queryset = get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username")
        self.fields["user"].label_from_instance = lambda u: u.get_full_name()
        self.fields["group"].choices = [(g.kind, g.get_kind_display()) for g in evaluation.groups.all()]


class SiteVisitForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    members = forms.CharField(label=_("Team members"), max_length=300)
    notes = forms.CharField(label=pgettext_lazy("site visit", "Record"), widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(StyledFormMixin, forms.Form):
    item_code = forms.ChoiceField(label=_("Indicator"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, leaves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_code"].choices = [(i.code, f"{i.code} {i.text[:40]}") for i in leaves]


class ReplyForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))


class OpinionForm(StyledFormMixin, forms.Form):
    evaluation_text = forms.CharField(label=_("Evaluation"), widget=forms.Textarea(attrs={"rows": 4}))
    demands = forms.CharField(
        label=_("Rectification demands"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: deadline (YYYY-MM-DD), indicator code, demand — separated by |."))

    def clean_demands(self):
        out = []
        for n, line in enumerate((self.cleaned_data.get("demands") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 2:
                parts = [parts[0], "", parts[1]]
            if len(parts) != 3:
                raise forms.ValidationError(_("Line {n}: write deadline | code | demand.").format(n=n))
            try:
                deadline = datetime.date.fromisoformat(parts[0])
            except ValueError:
                raise forms.ValidationError(_("Line {n}: the deadline is not a date.").format(n=n)) from None
            out.append({"deadline": deadline, "item_code": parts[1], "text": parts[2]})
        return out
