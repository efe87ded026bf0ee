"""What every app's forms share: the Tabler classes of widgets, choices limited to the user's scope,
several files under one field, and a service's ``ValidationError`` shown on a form or as a message."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

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


class ScopedModelForm(StyledFormMixin, forms.ModelForm):
    """A model form whose choice fields offer only rows in the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            qs = getattr(field, "queryset", None)
            if isinstance(qs, ScopedQuerySet):
                field.queryset = qs.for_user(user, "view")


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
