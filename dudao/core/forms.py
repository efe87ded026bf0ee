"""What every app's forms share: the Tabler classes of widgets, choices limited to the user's scope,
pickers in place of long drop-downs, several files under one field, and a service's
``ValidationError`` shown on a form or as a message."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from dudao.core.choices import YEAR_MESSAGE, YEARS
from dudao.core.scope import ScopedQuerySet


def validation_message(error: ValidationError) -> str:
    """A service's ``ValidationError`` as one sentence for a message or the top of a form."""
    return " ".join(error.messages)


def message_validation_error(request, error: ValidationError) -> None:
    """Each problem of a service's ``ValidationError`` as its own error message, a field's problems
    after the field's name."""
    problems = error.messages if not hasattr(error, "error_dict") else [
        f"{name}: {message}" if name != "__all__" else message
        for name, field_messages in error.message_dict.items() for message in field_messages]
    for message in problems:
        messages.error(request, message)


class ClippedTextField(forms.CharField):
    """Optional free text cut to ``length`` characters (``None``: kept whole), never refused: the
    note or reason that goes with a transition (the service strips it and decides whether it may be
    blank)."""

    def __init__(self, *, length: int | None = 2000, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)
        self.length = length

    def to_python(self, value):
        return super().to_python(value)[: self.length]


def note_form(field: str = "reason", length: int | None = 2000) -> type[forms.Form]:
    """A form of one optional text ``field`` cut to ``length`` characters: what a transition reads
    when it needs no more than a reason or a comment."""
    return type("NoteForm", (forms.Form,), {field: ClippedTextField(length=length)})


class YearField(forms.IntegerField):
    """A year of ``YEARS``, labelled "Year"; a year outside is told the one year message."""

    default_error_messages = {"min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Year"))
        super().__init__(min_value=YEARS.start, max_value=YEARS.stop - 1, **kwargs)


class StyledBoundField(forms.BoundField):
    """Renders its widget with the class its form gives the widget's kind, unless a class is set."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if "class" not in widget.attrs and "class" not in attrs:
            css = self.form.widget_class(widget)
            if css:
                attrs["class"] = css
        return attrs


class StyledFormMixin:
    """Gives every widget the Tabler class of its kind when it is drawn, also the widgets of fields a
    form adds in ``__init__``; a class set on a widget wins. A form changes a kind's class through
    the attributes (``None`` leaves that kind without a class)."""

    bound_field_class = StyledBoundField
    control_class = "form-control"
    select_class = "form-select"
    check_class = "form-check-input"
    choice_list_class = "form-check-input"  # each box of a radio or checkbox list
    hidden_class = None

    def widget_class(self, widget) -> str | None:
        if isinstance(widget, forms.HiddenInput):
            return self.hidden_class
        if isinstance(widget, forms.RadioSelect):  # also CheckboxSelectMultiple
            return self.choice_list_class
        if isinstance(widget, forms.CheckboxInput):
            return self.check_class
        if isinstance(widget, forms.Select):  # also SelectMultiple
            return self.select_class
        return self.control_class


class StyledForm(StyledFormMixin, forms.Form):
    """A styled form that shows a service's ``ValidationError`` on its fields."""

    def add_service_errors(self, exc: ValidationError, mapping: dict | None = None) -> None:
        """Puts each problem on its field (``mapping`` renames the service's fields to the form's),
        a problem of no field of the form above the form."""
        mapping = mapping or {}
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, field_messages in exc.message_dict.items():
            field = mapping.get(field, field)
            self.add_error(field if field in self.fields else None, field_messages)


class DatedAssignForm(StyledFormMixin, forms.Form):
    """What a ``DatedAssignView`` asks: the row's new ``target`` (the field the form declares, shown
    first; empty takes the row out), from which day, and why."""

    valid_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name not in ("valid_from", "reason")])


class ScopedModelForm(StyledFormMixin, forms.ModelForm):
    """A model form whose choice fields offer only rows in the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            qs = getattr(field, "queryset", None)
            if isinstance(qs, ScopedQuerySet):
                field.queryset = qs.for_user(user, "view")
        use_pickers(self)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name, optional. ``check`` (raising ``ValidationError``) is applied to
    each file, and the problems of all the files come back together."""

    def __init__(self, *args, check=None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.check = check

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [f for f in (super(MultipleFileField, self).clean(d, initial) for d in files) if f]
        errors = []
        for f in files:
            try:
                if self.check is not None:
                    self.check(f)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


# Pickers: a search box with suggestions in place of a drop-down of every school, inspector or zone. A
# field offers a drop-down while the user's scope holds few rows; past ``DUDAO_PICKER_THRESHOLD``
# (a city or a province) it renders as a picker that asks the ``pick`` view for the rows matching
# what is typed, in the same scope. Validation and the API stay as they are: the picker submits
# the row's id.
PICKER_SUGGESTIONS = 20


@dataclass(frozen=True)
class Picker:
    search: tuple[str, ...]
    order: tuple[str, ...] = ("name",)
    related: tuple[str, ...] = ()  # what ``label`` reads
    label: Callable[[Any], str] = str

    def rows(self, queryset):
        return queryset.select_related(*self.related) if self.related else queryset


def _zone_label(zone) -> str:
    """A zone named with its county: every county has its 第1责任区."""
    return f"{zone.office.region.name} {zone.name}"


# what can be picked, by model label; rows are the user's scope (``for_user``) of the default manager
PICKERS = {
    "organizations.school": Picker(search=("name", "code")),
    "inspectors.inspector": Picker(search=("name",)),
    "organizations.zone": Picker(search=("name", "office__region__name"), order=("office__region__path", "number", "pk"),
                                 related=("office__region",), label=_zone_label),
}


def pickable(queryset) -> bool:
    """Whether a filter over ``queryset`` should be a picker: its model can be picked and the
    (already scoped) queryset holds more rows than a drop-down should list."""
    if queryset.model._meta.label_lower not in PICKERS:
        return False
    return queryset[: settings.DUDAO_PICKER_THRESHOLD + 1].count() > settings.DUDAO_PICKER_THRESHOLD


def _attrs_html(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``, in Python."""
    return "".join(format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
                   for name, value in attrs.items() if value is not False)


def select_html(widget: dict) -> str:
    """``django/forms/widgets/select.html`` and its options, in Python, to the character: a
    drop-down of a county's 200 schools renders in a millisecond rather than through a template per
    option (about 20 ms, the larger part of a list page)."""
    parts = [format_html('<select name="{}"', widget["name"]), _attrs_html(widget["attrs"]), ">"]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            parts += [format_html('\n  <option value="{}"', option["value"]), _attrs_html(option["attrs"]),
                      format_html(">{}</option>\n", option["label"])]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped by format_html)


class PickerSelect(forms.Select):
    """A model-choice drop-down that renders as a picker when its scoped rows are many: a hidden
    input with the id and a search box showing the chosen row's name; ``picker.js`` fills the
    suggestions. Decided when rendered, so that the API, which validates but never renders the
    filter, pays nothing."""

    picker_template_name = "core/widgets/picker.html"

    def get_context(self, name, value, attrs):
        queryset = self.choices.queryset
        if not pickable(queryset):
            self.template_name = forms.Select.template_name
            return super().get_context(name, value, attrs)
        self.template_name = self.picker_template_name
        context = forms.Widget.get_context(self, name, value, attrs)
        value = value[0] if isinstance(value, (list, tuple)) and value else value
        picker = PICKERS[queryset.model._meta.label_lower]
        chosen = picker.rows(queryset).filter(pk=int(value)).first() if str(value or "").isdigit() else None
        context["widget"].update({
            "url": reverse("pick", args=[queryset.model._meta.label_lower]),
            "label": picker.label(chosen) if chosen else "",
            "value": chosen.pk if chosen else "",
            "placeholder": _("Type to search"),
        })
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        if self.template_name == self.picker_template_name:
            return self._render(self.template_name, context, renderer)
        return select_html(context["widget"])


def use_pickers(form) -> None:
    """Gives every drop-down of one row of a pickable model the picker-capable drop-down."""
    for field in form.fields.values():
        if (isinstance(field, forms.ModelChoiceField) and type(field.widget) is forms.Select
                and field.queryset.model._meta.label_lower in PICKERS):
            field.widget = PickerSelect(attrs=field.widget.attrs)
            field.widget.choices = field.choices
