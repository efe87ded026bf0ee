"""The visit form: built for a phone (one column, large controls), posted as a normal form without
JavaScript and read from JSON by the offline sync (the same form class parses both).

Checklist answers and lesson rows are not Django fields: each checklist version is rendered as its
own fieldset (``a-<version>-<code>`` for the answer, ``n-<version>-<code>`` for the note) so the
page can switch between the school and kindergarten lists, and lesson rows are numbered
``lesson-<n>-<field>`` so the page can add rows. ``answers_from_post`` and ``lessons_from_post``
read them back.
"""

import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.files import validate_upload
from dudao.core.forms import MultipleFileField, MultipleFileInput, StyledFormMixin
from dudao.inspections.models import LessonObservation, Method, Visit
from dudao.inspections.selectors.visits import visit_school_choices
from dudao.inspections.services.visits import LESSON_FIELDS
from dudao.instruments.models import Item

LESSON_KEY = re.compile(r"^lesson-(\d{1,3})-(" + "|".join(LESSON_FIELDS) + r")$")


class VisitForm(StyledFormMixin, forms.Form):
    """The plain fields of a visit, and the photos and files sent with a normal submission."""

    control_class = "form-control form-control-lg"
    select_class = "form-select form-select-lg"

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    school = forms.ModelChoiceField(queryset=None, label=_("School"), empty_label=_("Choose the school"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Visit.Kind.choices, widget=forms.RadioSelect,
                             initial=Visit.Kind.ROUTINE)
    methods = forms.MultipleChoiceField(label=_("Methods"), choices=Method.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    highlights = forms.CharField(label=_("Highlights and good practice"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    highlight_recommended = forms.BooleanField(label=_("Recommend the highlights to the office"), required=False)
    problems = forms.CharField(label=_("Problems found"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    feedback = forms.CharField(label=_("Feedback given to the school on the spot"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("Photos"), check=validate_upload, widget=MultipleFileInput(
        attrs={"accept": "image/*", "capture": "environment"}))
    files = MultipleFileField(label=_("Files"), check=validate_upload, widget=MultipleFileInput(
        attrs={"accept": ".pdf,.docx,.xlsx,image/jpeg,image/png,image/webp"}))
    # the check-in: set by visit-form.js from the device's position when the form opens
    checkin_latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    checkin_longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    checkin_accuracy_m = forms.CharField(required=False, widget=forms.HiddenInput)
    checkin_taken_at = forms.CharField(required=False, widget=forms.HiddenInput)
    checkin_reason = forms.CharField(
        label=_("Why the check-in is missing or far from the school"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the visit was at the school's second campus")}))
    remove_attachments = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=(),
                                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        schools = visit_school_choices(user=user).select_related("region")
        self.fields["school"].queryset = schools
        if visit is not None:
            self.fields["remove_attachments"].choices = [(a.pk, a.original_name) for a in visit.attachments.all()]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-field", name)

    @classmethod
    def initial_for(cls, visit: Visit | None) -> dict:
        if visit is None:
            return {"client_uuid": uuid.uuid4(), "date": timezone.localdate(), "kind": Visit.Kind.ROUTINE}
        return {
            "client_uuid": visit.client_uuid, "school": visit.school_id, "date": visit.date, "kind": visit.kind,
            "methods": visit.methods, "purpose": visit.purpose, "highlights": visit.highlights,
            "highlight_recommended": visit.highlight_recommended, "problems": visit.problems,
            "feedback": visit.feedback,
            "checkin_latitude": "" if visit.checkin_latitude is None else str(visit.checkin_latitude),
            "checkin_longitude": "" if visit.checkin_longitude is None else str(visit.checkin_longitude),
            "checkin_accuracy_m": "" if visit.checkin_accuracy_m is None else str(visit.checkin_accuracy_m),
            "checkin_taken_at": visit.checkin_at.isoformat() if visit.checkin_at else "",
            "checkin_reason": visit.checkin_reason,
        }

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {name: d[name] for name in ("date", "kind", "methods", "purpose", "highlights",
                                             "highlight_recommended", "problems", "feedback")}


    CHECKIN_KEYS = {"checkin_latitude": "latitude", "checkin_longitude": "longitude",
                    "checkin_accuracy_m": "accuracy_m", "checkin_taken_at": "taken_at", "checkin_reason": "reason"}

    def checkin_data(self) -> dict | None:
        """The check-in for the service; ``None`` when nothing about it was sent (kept as it is)."""
        values = {key: (self.cleaned_data.get(name) or "").strip() for name, key in self.CHECKIN_KEYS.items()}
        return values if any(values.values()) else None


def answer_field_names(version_id: int, code: str) -> tuple[str, str]:
    return f"a-{version_id}-{code}", f"n-{version_id}-{code}"


def answers_from_post(data, version) -> dict[str, dict]:
    """The answers posted for the items of ``version``: ``{code: {"value", "note"}}``."""
    if version is None:
        return {}
    out = {}
    for item in version.items.all():
        if item.response_type == Item.ResponseType.SECTION:
            continue
        value_name, note_name = answer_field_names(version.pk, item.code)
        if item.response_type == Item.ResponseType.MULTIPLE_CHOICE:
            value = data.getlist(value_name) if hasattr(data, "getlist") else data.get(value_name) or []
        else:
            value = data.get(value_name) or None
        out[item.code] = {"value": value, "note": data.get(note_name) or ""}
    return out


def lessons_from_post(data) -> list[dict]:
    """Lesson rows ``lesson-<n>-<field>`` in row order."""
    rows: dict[int, dict] = {}
    for key in data:
        match = LESSON_KEY.match(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = data.get(key) or ""
    return [rows[n] for n in sorted(rows)]


def lesson_rows(visit: Visit | None, posted=None, blank: int = 1) -> list[dict]:
    """Rows to render: what was posted, or the visit's lessons, plus ``blank`` empty rows."""
    if posted is not None:
        rows = lessons_from_post(posted)
    elif visit is not None:
        rows = [{f: getattr(lesson, f) for f in LESSON_FIELDS} for lesson in visit.lessons.all()]
    else:
        rows = []
    rows = [r for r in rows if any((r.get(f) or "").strip() for f in LESSON_FIELDS)]
    return rows + [dict.fromkeys(LESSON_FIELDS, "") for _ in range(blank)]


RATING_CHOICES = LessonObservation.Rating.choices
