"""Forms of the rectification loop. They parse input for the services and never hold ``status``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.files import validate_upload
from dudao.core.forms import MultipleFileField, MultipleFileInput, StyledForm
from dudao.inspections.models import Escalation, Recheck, Severity, Visit
from dudao.inspections.selectors.visits import visit_problem_answer
from dudao.inspections.services.findings import finding_item_choices, item_name, requirements_draft
from dudao.organizations.models import School

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.docx,.xlsx"


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def item_choices(items) -> list:
    """Choices of checklist items by their names, grouped by checklist when there are several."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.version.instrument.name, []).append((item.pk, item_name(item.text)))
    if len(groups) == 1:
        return [("", "---------"), *next(iter(groups.values()))]
    return [("", "---------"), *groups.items()]


class ItemChoiceField(forms.ModelChoiceField):
    """A checklist item chosen by its name (the code is stored with the finding, never typed)."""

    def set_items(self, queryset) -> None:
        self.queryset = queryset
        self.choices = item_choices(queryset)


class FindingForm(StyledForm):
    """A problem found at a school; with a visit, the items offered are those of its checklist.
    ``answer`` (an item's code) starts the finding from the visit's answer to that item: the item
    is chosen and its note becomes the description."""

    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"))
    visit = forms.ModelChoiceField(queryset=Visit.objects.none(), required=False, label=_("Visit"),
                                   widget=forms.HiddenInput)
    item = ItemChoiceField(queryset=None, required=False, label=_("Checklist item"))
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.GENERAL, label=_("Severity"))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    found_on = forms.DateField(label=_("Found on"), widget=_date_input())
    files = MultipleFileField(label=_("Evidence files"), check=validate_upload,
                              widget=MultipleFileInput(attrs={"accept": ACCEPT}),
                              help_text=_("Photos (JPEG, PNG, WebP), PDF, Word or Excel files, up to 20 MB each."))

    def __init__(self, *args, user, visit=None, answer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_user(user).order_by("sort_key")
        self.fields["visit"].queryset = Visit.objects.for_user(user)
        self.fields["item"].set_items(finding_item_choices(user=user, visit=visit).order_by(
            "version__instrument__name", "position"))
        self.fields["found_on"].initial = visit.date if visit is not None else timezone.localdate()
        if visit is not None:
            self.fields["visit"].initial = visit.pk
            self.fields["school"].initial = visit.school_id
            self.fields["school"].disabled = True
            item, note = visit_problem_answer(visit=visit, code=answer)
            if item is not None:
                self.fields["item"].initial = item.pk
                self.fields["description"].initial = note

    def clean(self):
        data = super().clean()
        visit = data.get("visit")
        if visit is not None:
            data["school"] = visit.school
        return data


class RectificationIssueForm(StyledForm):
    """A notice on a finding; the requirements start from the finding's item and description."""

    requirements = forms.CharField(label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text=_("What the school must rectify, and how to report it."))
    issued_on = forms.DateField(label=_("Issued on"), widget=_date_input())
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=_date_input())
    number = forms.CharField(label=_("Notice number"), required=False, max_length=64,
                             help_text=_("Leave empty for the office's next number."))

    def __init__(self, *args, default_deadline=None, default_days=None, finding=None, **kwargs):
        super().__init__(*args, **kwargs)
        if finding is not None:
            self.fields["requirements"].initial = requirements_draft(finding)
        self.fields["issued_on"].initial = timezone.localdate()
        self.fields["deadline"].initial = default_deadline
        if default_days is not None:
            self.fields["deadline"].help_text = _(
                "Empty: the office's default for this severity, {days} days after the issue date.").format(
                days=default_days)


class RectificationSubmitForm(StyledForm):
    measures = forms.CharField(label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Evidence files"), check=validate_upload,
                              widget=MultipleFileInput(attrs={"accept": ACCEPT}),
                              help_text=_("Photos (JPEG, PNG, WebP), PDF, Word or Excel files, up to 20 MB each."))


class RectificationReturnForm(StyledForm):
    result = forms.ChoiceField(
        label=_("Result of the re-check"),
        choices=[(v, label) for v, label in Recheck.Result.choices if v != Recheck.Result.RECTIFIED],
    )
    remarks = forms.CharField(label=_("Reasons for returning"), widget=forms.Textarea(attrs={"rows": 3}))
    checked_on = forms.DateField(label=_("Checked on"), required=False, widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()


class RectificationCloseForm(StyledForm):
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    checked_on = forms.DateField(label=_("Checked on"), required=False, widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()


class EscalationForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Escalation.Kind.choices)
    date = forms.DateField(label=_("Date"), required=False, widget=_date_input())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


TRANSITION_FORMS = {
    "submit": RectificationSubmitForm,
    "return": RectificationReturnForm,
    "close": RectificationCloseForm,
}


class DeadlinePolicyForm(StyledForm):
    """One number of days per severity for an office."""

    def __init__(self, *args, policies, **kwargs):
        super().__init__(*args, **kwargs)
        for row in policies:
            self.fields[row["severity"]] = forms.IntegerField(
                label=row["label"], min_value=1, max_value=365, initial=row["days"],
                help_text=_("Default without a setting: {days} days.").format(days=row["default"]),
            )
