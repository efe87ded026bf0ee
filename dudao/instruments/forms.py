"""Input forms of the instrument pages. They only parse input; the services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.core.forms import StyledForm
from dudao.instruments.models import Instrument, Item
from dudao.instruments.selectors import authoring_offices
from dudao.organizations.models import Office


class OfficeChoiceMixin:
    """An ``office`` field offering the offices the user may own instruments for."""

    def setup_office(self, user):
        offices = authoring_offices(user=user)
        field = self.fields["office"]
        field.queryset = offices
        first = offices.first()
        if first is not None and not self.initial.get("office"):
            self.initial["office"] = first.pk


class InstrumentEditForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Instrument.Kind.choices)
    audience = forms.ChoiceField(label=_("For"), choices=Instrument.Audience.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=_("Source"), required=False, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class InstrumentCreateForm(OfficeChoiceMixin, InstrumentEditForm):
    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Office"), empty_label=None)
    code = forms.SlugField(label=_("Code"), max_length=64,
                           help_text=_("Letters, digits and hyphens, unique within the office, e.g. safety-2026."))
    field_order = ["office", "code"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].help_text = _("The regulation or document it follows.")
        self.setup_office(user)


class InstrumentImportForm(InstrumentCreateForm):
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class InstrumentCopyForm(OfficeChoiceMixin, StyledForm):
    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Copy to office"), empty_label=None)
    code = forms.SlugField(label=_("Code"), max_length=64, required=False,
                           help_text=_("Leave empty to keep the original code (a suffix is added if it is taken)."))
    name = forms.CharField(label=_("Name"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_office(user)


class VersionImportForm(StyledForm):
    file = forms.FileField(label=_("Workbook (.xlsx)"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ItemForm(StyledForm):
    """One item of a draft. ``parent`` offers the version's sections (never the item or its own items)."""

    parent = forms.TypedChoiceField(label=_("In section"), required=False, coerce=int, empty_value=None)
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("Unique within the version, e.g. 1, 1.2, A3."))
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))
    response_type = forms.ChoiceField(label=_("Response type"), choices=Item.ResponseType.choices)
    options = forms.CharField(
        label=_("Options"), required=False,
        help_text=_("For choice and rating items: separate them with | (a rating from low to high)."),
    )
    max_score = forms.DecimalField(label=_("Maximum score"), required=False, min_value=0, max_digits=8, decimal_places=2)
    weight = forms.DecimalField(label=_("Weight"), required=False, min_value=0, max_digits=8, decimal_places=4)
    criteria = forms.CharField(label=_("Criteria"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_veto = forms.BooleanField(label=_("Veto item"), required=False)
    evidence_required = forms.BooleanField(label=_("Evidence required"), required=False)
    required = forms.BooleanField(label=_("Answer required"), required=False)

    def __init__(self, *args, user=None, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("(top level)"))] + [
            (s.pk, f"{'　' * s.depth}{s.code} {s.text[:30]}") for s in sections
        ]

    @staticmethod
    def initial_for(item: Item) -> dict:
        return {
            "parent": item.parent_id, "code": item.code, "text": item.text, "response_type": item.response_type,
            "options": " | ".join(item.options or []), "max_score": item.max_score, "weight": item.weight,
            "criteria": item.criteria, "is_veto": item.is_veto, "evidence_required": item.evidence_required,
            "required": item.required,
        }

    def item_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("parent", None)
        return data
