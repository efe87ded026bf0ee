"""Forms of the directive pages: they parse input, the services decide. No form includes ``status``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.accounts.access import offices_of, sees_everything
from dudao.core.forms import MultipleFileField, StyledForm
from dudao.directives.models import Source
from dudao.organizations.models import Department, Office, School

DATE = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}


class DirectiveForm(StyledForm):
    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Office"))
    title = forms.CharField(max_length=200, label=_("Title"))
    source = forms.ChoiceField(choices=Source.choices, label=_("Source"))
    source_text = forms.CharField(label=_("Source details"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("The meeting and its minutes, the instruction, or the finding."))
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(**DATE))
    requirements = forms.CharField(label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offices = Office.objects.for_user(user, "change")
        self.fields["office"].queryset = offices if sees_everything(user) else offices.filter(
            pk__in=sorted(offices_of(user)))


class ItemForm(StyledForm):
    """An item for one responsible unit: a school, or a department or township office of the office
    (exactly one: ``item_add`` refuses both or neither, on the form as through the API)."""

    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("Responsible school"), required=False)
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("Or a department or township office"), required=False,
        help_text=_("Choose a school or a department or township office, not both."))
    content = forms.CharField(label=_("What to do"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(**DATE))
    report_every_days = forms.IntegerField(label=_("Report every (days)"), min_value=0, max_value=366, initial=7,
                                           help_text=_("How often the unit reports its progress; 0: only when it is done."))

    def __init__(self, *args, user, directive, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_user(user).filter(
            is_active=True, region__path__startswith=directive.office.region.path)
        self.fields["department"].queryset = Department.objects.for_user(user).filter(
            is_active=True, office=directive.office)


class ReportForm(StyledForm):
    text = forms.CharField(label=_("Progress"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Files"), required=False,
                              help_text=_("Photos or scanned records of what was done (optional)."))
    is_final = forms.BooleanField(label=_("Our part is done: report completion for review"), required=False)


class UrgeForm(StyledForm):
    note = forms.CharField(label=_("What the office asks"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(StyledForm):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
