import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dudao.core.choices import YEAR_MESSAGE, YEARS
from dudao.core.forms import use_pickers
from dudao.core.scope import ScopedQuerySet

NUMBER_LIMIT = 2**53


class YearFilter(django_filters.NumberFilter):
    """The year of ``field_name`` (a ``…__year`` lookup), one of ``YEARS``, labelled "Year"; a year
    outside is told the one year message (400 from the API)."""

    def __init__(self, field_name=None, **kwargs):
        kwargs.setdefault("label", _("Year"))
        super().__init__(field_name, min_value=YEARS.start, max_value=YEARS.stop - 1,
                         error_messages={"min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE}, **kwargs)


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose model-choice filters offer only rows in the user's scope.

    The same class feeds the UI list, the API list and the Excel export. A FilterSet names its model
    (``model = Region``) and its filters are the search and the filters it declares, in that order;
    one that offers a model field it does not declare writes its own ``Meta``.
    """

    model = None
    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None and "Meta" not in cls.__dict__:
            cls.Meta = type("Meta", (), {"model": cls.model, "fields": list(cls.declared_filters)})

    def __init__(self, *args, request=None, user=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        for f in self.filters.values():
            if isinstance(f, django_filters.NumberFilter):
                # numbers past a 64-bit column answer 400, not a database overflow
                f.extra.setdefault("max_value", NUMBER_LIMIT)
                f.extra.setdefault("min_value", -NUMBER_LIMIT)
        user = user if user is not None else getattr(request, "user", None)
        for f in self.filters.values():
            qs = getattr(f, "queryset", None)
            if isinstance(qs, ScopedQuerySet):
                f.queryset = qs.for_user(user, "view") if user is not None else qs.none()
        for field in self.form.fields.values():
            # a filter that offers a choice starts from "All", never "---------" or "Unknown"
            if getattr(field, "empty_label", None) is not None:
                field.empty_label = _("All")
            elif isinstance(field.widget, forms.Select) and not field.widget.allow_multiple_selected:
                choices = list(field.widget.choices)
                if choices and choices[0][0] in ("", "unknown", None):
                    field.widget.choices = [(choices[0][0], _("All")), *choices[1:]]
            w = field.widget
            css = "form-select" if isinstance(w, (forms.Select, forms.SelectMultiple)) else "form-control"
            w.attrs.setdefault("class", css)
        use_pickers(self.form)  # a school or inspector drop-down of a city or province becomes a search box

    def filter_search(self, queryset, name, value):
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)
