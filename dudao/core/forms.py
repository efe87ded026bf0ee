from django import forms

from dudao.core.scope import ScopedQuerySet


class ScopedModelForm(forms.ModelForm):
    """A model form whose choice fields offer only rows in the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            qs = getattr(field, "queryset", None)
            if isinstance(qs, ScopedQuerySet):
                field.queryset = qs.for_user(user, "view")
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, (forms.Select, forms.SelectMultiple)) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)
