from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dudao.complaints.models import Complaint
from dudao.complaints.services import photos_check
from dudao.core.forms import MultipleFileField, MultipleFileInput, StyledForm
from dudao.inspections.models import Severity
from dudao.inspections.services.findings import item_name


class ComplaintForm(StyledForm):
    """What the public page asks. ``website`` is a honeypot: people never see it, robots fill it."""

    kind = forms.ChoiceField(label=_("What are you writing?"), choices=Complaint.Kind.choices,
                             initial=Complaint.Kind.COMPLAINT)
    text = forms.CharField(label=_("Your message"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}))
    concerns_inspector = forms.BooleanField(
        label=_("It is about the responsible inspector (it goes to the supervision office, not to the inspector)"),
        required=False)
    photos = MultipleFileField(label=_("Photos (optional)"),
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                               help_text=_("Up to 3 photos (JPEG, PNG or WebP), at most 5 MB each."))
    name = forms.CharField(label=_("Your name (optional)"), max_length=40, required=False)
    phone = forms.CharField(label=_("Your phone (optional)"), max_length=32, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("Leave name and phone empty to write anonymously. Only the inspector "
                                        "handling it and the supervision office will see them."))
    website = forms.CharField(required=False, label=_("Leave this empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        try:
            photos_check(photos)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get("photos", exc.messages))
        return photos

    def is_honeypot(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class TrackForm(StyledForm):
    code = forms.CharField(label=_("Tracking code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))


class RateForm(TrackForm):
    rating = forms.ChoiceField(label=_("How satisfied are you with the answer?"), choices=Complaint.Rating.choices,
                               widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget = forms.HiddenInput()


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(StyledForm):
    answer = forms.CharField(label=_("Answer to the sender"), widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("The sender reads it on the follow-up page. Write no personal data."))


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


TRANSITION_FORMS = {"verify": NoteForm, "handle": NoteForm, "answer": AnswerForm, "close": ReasonForm,
                    "reopen": ReopenForm}


class AssignForm(StyledForm):
    inspector = forms.ModelChoiceField(label=_("Handling inspector"), queryset=None, required=False)

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors


class FindingFromComplaintForm(StyledForm):
    """What the complaint revealed, under an item of the school's checklist chosen by its name."""

    description = forms.CharField(label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL)
    item = forms.ModelChoiceField(label=_("Checklist item"), queryset=None, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        field.queryset = items
        field.choices = [("", "---------"), *((item.pk, item_name(item.text)) for item in items)]


class NoticeFromComplaintForm(StyledForm):
    requirements = forms.CharField(label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PolicyForm(StyledForm):
    answer_days = forms.IntegerField(label=_("Days to answer"), min_value=1, max_value=90)
    working_days = forms.BooleanField(label=_("Count working days (the office's working-day calendar)"), required=False)
    close_after_days = forms.IntegerField(label=_("Close an unrated answer after days"), min_value=1, max_value=90)
    reopen_on_dissatisfaction = forms.BooleanField(label=_("Reopen once when the sender is dissatisfied"),
                                                   required=False)


class PublishForm(StyledForm):
    document = forms.IntegerField(required=False, widget=forms.HiddenInput())
    rectification = forms.IntegerField(required=False, widget=forms.HiddenInput())
    summary = forms.CharField(label=_("Public summary (no personal data)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
