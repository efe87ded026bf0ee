"""Generic views every page builds on. Each applies the user's scope through ``for_user``.

* ``ObjectListView``: filter form (the model's FilterSet), sorting, pagination, an HTMX partial
  and "export what I see" to Excel with the same columns;
* ``ObjectDetailView``: one row from the user's scope (404 otherwise);
* ``ObjectEditView`` / ``ObjectDeleteView``: create, update, delete through an audited service;
* ``ScopedTemplateView``: a signed-in page that reads only through selectors.
"""

import sys
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template import loader
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.generic import FormView, TemplateView, View
from rest_framework.exceptions import NotFound

from dudao.core.choices import MAX_ID
from dudao.core.downloads import download
from dudao.core.excel import write_table
from dudao.core.forms import PICKER_SUGGESTIONS, PICKERS, note_form, validation_message
from dudao.core.paging import CappedPaginator
from dudao.core.scope import permission_name
from dudao.core.tables import order_rows

EXPORT_ROW_LIMIT = 20000


class UploadViewMixin:
    """A page that reads an uploaded file: not one transaction for the whole request
    (``ATOMIC_REQUESTS``), so that reading and checking the file holds no database lock; the page
    writes through services (or a ``transaction.atomic`` block) of its own."""

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))


class SignedInMixin(LoginRequiredMixin):
    """A page for signed-in users; with ``permission`` (a permission's full name) only for those
    who have it (403 otherwise)."""

    permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedMixin(SignedInMixin):
    """Gives a view the model's rows that the user may act on; nothing else is reachable."""

    model = None
    action = "view"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def scoped_queryset(self, action: str | None = None):
        qs = self.model.objects.for_user(self.request.user, action or self.action)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    # the model permission a signed-in user needs to open the view at all (403 otherwise)
    permission_action: str | None = None
    # the selector (``user=``, ``<model name>=``) that says whether the user may change the page's row:
    # with it the page loads ``self.object`` (404 outside the view scope) and answers 403 when refused
    change_check = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.change_check:
            self.object = self.get_object()
            if not type(self).change_check(user=request.user, **{self.opts.model_name: self.object}):
                raise PermissionDenied
        if request.user.is_authenticated and self.permission_action:
            self.require_perm(self.permission_action)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.scoped_queryset()

    def require_perm(self, action: str) -> None:
        if not self.request.user.has_perm(permission_name(self.model, action)):
            raise PermissionDenied

    # the selector (``user=``, ``pk=``; 404 outside the scope) of the row, when the page needs more
    # than the scoped row
    object_selector = None

    def get_object(self):
        if self.object_selector:
            return type(self).object_selector(user=self.request.user, pk=self.kwargs["pk"])
        return get_object_or_404(self.scoped_queryset("view"), pk=self.kwargs["pk"])

    @property
    def opts(self):
        return self.model._meta


class ScopedTemplateView(SignedInMixin, TemplateView):
    """A signed-in page whose data come only from selectors that take the user."""


class ObjectListView(ScopedMixin, TemplateView):
    template_name = "core/object_list.html"
    partial_template_name = "core/partials/_table.html"
    filterset_class = None
    columns: list = []
    paginate_by = 25
    default_ordering: tuple[str, ...] = ()
    export_filename = None
    add_url_name: str | None = None
    import_url_name: str | None = None
    export_url_name: str | None = None
    title = None
    row_actions_template: str | None = None

    permission_action = "view"
    # the selector (taking the user) of the rows the page, its export and a batch job share
    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user) if self.selector else super().get_queryset()

    def get_filterset(self):
        return self.filterset_class(self.request.GET or None, queryset=self.get_queryset(), request=self.request)

    def sort_fields(self) -> dict[str, str]:
        return {c.key: c.order_by for c in self.columns if c.order_by}

    def ordered(self, qs):
        return order_rows(qs, self.request.GET.get("sort", ""), self.sort_fields(), self.default_ordering)

    def filtered_queryset(self):
        self.filterset = self.get_filterset()
        qs = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else self.filterset.queryset
        return self.ordered(qs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        qs = self.filtered_queryset()
        cols = [c for c in self.columns if c.export]
        rows = ([c.export_value(obj) for c in cols] for obj in qs[:EXPORT_ROW_LIMIT])
        data = write_table([str(c.label) for c in cols], rows, title=str(self.opts.verbose_name_plural))
        name = self.export_filename or str(self.opts.verbose_name_plural)
        return download(data, f"{name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx")

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.partial_template_name]
        return [self.template_name]

    def query_without(self, *keys) -> str:
        params = [(k, v) for k, v in self.request.GET.items() if k not in keys]
        return urlencode(params)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = self.filtered_queryset()
        paginator = CappedPaginator(qs, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        sort = self.request.GET.get("sort", "")
        ctx.update(
            {
                "title": self.title or self.opts.verbose_name_plural,
                "opts": self.opts,
                "filterset": self.filterset,
                "columns": self.columns,
                "page_obj": page,
                "rows": [(obj, [(c, c.value(obj)) for c in self.columns if c.html]) for obj in page.object_list],
                "sort": sort,
                "query_no_sort": self.query_without("sort", "page"),
                "query_no_page": self.query_without("page"),
                "export_query": self.query_without("page", "export"),
                "can_add": self.add_url_name and self.request.user.has_perm(permission_name(self.model, "add")),
                "add_url_name": self.add_url_name,
                "row_actions_template": self.row_actions_template,
                "import_url_name": self.import_url_name,
                "can_import": self.import_url_name
                and self.request.user.has_perm(f"{self.opts.app_label}.import_{self.opts.model_name}"),
            }
        )
        ctx.update(self.list_context(ctx, self.request.user))
        return ctx

    def list_context(self, ctx, user) -> dict:
        """What the page shows besides its rows: ``ctx`` holds what is known so far (``filterset``, ``rows``)."""
        return {}


class ObjectDetailView(ScopedMixin, TemplateView):
    # without one, ``<app label>/<model name>_detail.html``
    template_name = None

    def get_template_names(self):
        if self.template_name is None:
            return [f"{self.opts.app_label}/{self.opts.model_name}_detail.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        self.object = self.get_object()
        user = self.request.user
        can_change = self.model.objects.for_user(user, "change").filter(pk=self.object.pk).exists()
        ctx.update({"object": self.object, "opts": self.opts, "can_change": can_change,
                    "can_delete": user.has_perm(permission_name(self.model, "delete")) and can_change})
        ctx.update(self.object_context(ctx, self.object, user))
        return ctx

    def object_context(self, ctx, obj, user) -> dict:
        """What the page shows of its row besides the row itself: ``ctx`` holds what is known so far
        (``can_change``, ``can_delete``, the forms of a refused post)."""
        return {}


class ObjectEditView(ScopedMixin, TemplateView):
    """Creates (no ``pk``) or updates a row through ``service(actor=, instance=)``."""

    template_name = "core/object_edit.html"
    form_class = None
    service = None
    success_url_name: str | None = None

    def get_instance(self):
        if "pk" not in self.kwargs:
            self.require_perm("add")
            return self.model()
        self.require_perm("change")
        obj = self.get_object()
        if not self.scoped_queryset("change").filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def get_form(self, instance):
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        return self.form_class(data, files, instance=instance, user=self.request.user)

    def get(self, request, *args, **kwargs):
        instance = self.get_instance()
        return self.render_to_response(self.get_context_data(form=self.get_form(instance), object=instance))

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        form = self.get_form(instance)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, object=instance), status=400)
        with transaction.atomic():
            obj = type(self).service(actor=request.user, instance=form.save(commit=False))
            form.save_m2m()
            if not self.model.objects.for_user(request.user, "change").filter(pk=obj.pk).exists():
                raise PermissionDenied  # saved outside the user's scope: roll back
        messages.success(request, _("Saved."))
        return HttpResponseRedirect(obj.get_absolute_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = kwargs.get("object")
        ctx["opts"] = self.opts
        ctx["title"] = (
            _("Edit {name}").format(name=obj) if obj is not None and obj.pk else
            _("New {model}").format(model=self.opts.verbose_name)
        )
        return ctx


class ObjectDeleteView(ScopedMixin, TemplateView):
    template_name = "core/object_delete.html"
    service = None
    success_url = "/"

    def get_target(self):
        self.require_perm("delete")
        obj = self.get_object()
        if not self.scoped_queryset("delete").filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(object=self.get_target(), opts=self.opts))

    def post(self, request, *args, **kwargs):
        obj = self.get_target()
        from django.db.models import ProtectedError

        try:
            type(self).service(actor=request.user, instance=obj)
        except ProtectedError:
            transaction.set_rollback(True)
            messages.error(request, _("This record is still used by other records and cannot be deleted."))
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(request, _("Deleted."))
        return HttpResponseRedirect(self.success_url)


def edit_and_delete_views(model, *, form_class, save, delete, success_url: str,
                          template_name: str | None = None) -> tuple[type, type]:
    """The two pages that change (or create) and delete rows of ``model`` through its audited services;
    the edit page in ``template_name`` (by default ``core/object_edit.html``)."""
    module = sys._getframe(1).f_globals["__name__"]  # the views module that names the two pages
    edit = type(f"{model.__name__}EditView", (ObjectEditView,),
                {"model": model, "form_class": form_class, "service": save, "__module__": module,
                 "template_name": template_name or ObjectEditView.template_name})
    remove = type(f"{model.__name__}DeleteView", (ObjectDeleteView,),
                  {"model": model, "service": delete, "success_url": success_url, "__module__": module})
    return edit, remove


def int_param(value) -> int | None:
    """The positive id a query parameter gives, ``None`` for anything else (left out, a word, 0, too large)."""
    return int(value) if value and str(value).isdigit() and 0 < int(value) <= MAX_ID else None


def object_paths(prefix: str, name: str, **views) -> list:
    """The usual pages of one model under ``prefix`` (``"schools/"``), each named ``<name>_<page>``:
    ``list`` (the prefix), ``add`` (``add/``), ``detail`` (``<pk>/``), ``edit`` (``<pk>/edit/``),
    ``delete`` (``<pk>/delete/``) and ``transition`` (``<pk>/transition/<name>/``); only those given."""
    routes = {"list": "", "add": "add/", "detail": "<int:pk>/", "edit": "<int:pk>/edit/",
              "delete": "<int:pk>/delete/", "transition": "<int:pk>/transition/<str:name>/"}
    return [path(prefix + routes[page], view.as_view(), name=f"{name}_{page}") for page, view in views.items()]


def not_found_unless(condition) -> None:
    if not condition:
        raise Http404


def office_asked(request, offices, own_ids):
    """The office a page is about: ``office`` of the query or the form among ``offices`` (404 when not
    there), else the first of the user's own (``own_ids``), else the first; 404 without any."""
    wanted = request.GET.get("office") or request.POST.get("office")
    if wanted:
        try:
            return get_object_or_404(offices, pk=int(wanted))
        except ValueError:
            raise Http404 from None
    office = offices.filter(pk__in=sorted(own_ids)).first() or offices.first()
    not_found_unless(office)
    return office


def detail_with_errors(detail_view, request, forms: dict, **kwargs):
    """The detail page (``detail_view`` set up with the URL's ``kwargs``) shown again with ``forms``
    and their errors (400)."""
    view = detail_view()
    view.setup(request, **kwargs)
    return view.render_to_response(view.get_context_data(forms=forms), status=400)


class OfficeSettingsView(ScopedMixin, TemplateView):
    """An office's settings: the page shows the office asked for (``office_asked`` among ``offices()``,
    by default the first of ``own_office_ids()``); a POST, refused (403) unless ``can_change(office)``,
    gives the valid ``get_form(office, data)`` to ``save(office, form)`` and comes back to the office;
    invalid input shows the page again with the form (400). The context gets ``office`` and ``form``."""

    permission_action = "view"

    def offices(self):
        raise NotImplementedError

    def own_office_ids(self):
        raise NotImplementedError

    def can_change(self, office) -> bool:
        raise NotImplementedError

    def get_form(self, office, data=None):
        raise NotImplementedError

    def save(self, office, form) -> None:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(office=self.office()))

    def post(self, request, *args, **kwargs):
        office = self.office()
        if not self.can_change(office):
            raise PermissionDenied
        form = self.get_form(office, request.POST)
        if form.is_valid():
            self.save(office, form)
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(request.path + f"?office={office.pk}")
        return self.render_to_response(self.get_context_data(office=office, form=form), status=400)

    def office(self):
        return office_asked(self.request, self.offices(), self.own_office_ids())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = kwargs.get("form") or self.get_form(kwargs["office"])
        return ctx


class TransitionView(ScopedMixin, View):
    """POST ``<pk>/<name>/``: the one view that applies a model's transitions.

    ``services`` maps a transition name to its service (another name: 404); ``forms`` maps a name to
    the form that reads its input (by default ``form_class``, an optional ``reason``). The row comes
    from the user's view scope (404); ``check(obj, name)`` may refuse before the form is read (409
    wrong state, 403 not allowed); the service is called with ``<model>_id`` (``object_kwarg``) and
    the form's cleaned data, and checks state and permission itself. A refusal (an invalid form, a
    service's ``ValidationError``: a reason required, a file missing) comes back as a message on the
    row's page (``invalid``), or, with a ``detail_view``, as the row's page again with the form and its
    errors under ``name`` (400; the service's fields renamed by ``service_error_fields``); success
    says ``success_messages[name]`` (by default "Done.").
    A view with one transition and no ``name`` in its URL sets ``transition_name``.
    """

    services: dict = {}
    forms: dict = {}
    form_class = note_form()
    success_messages: dict = {}
    object_kwarg: str | None = None
    transition_name: str | None = None
    detail_view = None
    service_error_fields: dict | None = None

    def post(self, request, pk, name=None):
        name = name or self.transition_name
        service = self.services.get(name)
        if service is None:
            raise Http404
        obj = self.get_object()  # 404 when out of scope
        self.check(obj, name)
        form = self.get_form(name)
        if not form.is_valid():
            return self.form_invalid(obj, name, form)
        object_kwarg = self.object_kwarg or f"{self.opts.model_name}_id"
        try:
            service(actor=request.user, **{object_kwarg: obj.pk}, **form.cleaned_data)
        except ValidationError as error:
            return self.service_invalid(obj, name, form, error)
        messages.success(request, self.success_messages.get(name) or _("Done."))
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return HttpResponseRedirect(obj.get_absolute_url())

    def check(self, obj, name: str) -> None:
        """Refuses before the form is read (409 wrong state, 403 not allowed); by default the
        service decides."""

    def get_form(self, name: str):
        form_class = self.forms.get(name, self.form_class)
        return form_class(self.request.POST, self.request.FILES)

    def form_invalid(self, obj, name: str, form):
        if self.detail_view:
            return detail_with_errors(self.detail_view, self.request, {name: form}, pk=obj.pk)
        return self.invalid(obj, ValidationError(form.errors.as_text()))

    def service_invalid(self, obj, name: str, form, error: ValidationError):
        if self.detail_view:
            form.add_service_errors(error, self.service_error_fields)
            return self.form_invalid(obj, name, form)
        return self.invalid(obj, error)

    def invalid(self, obj, error: ValidationError):
        """The service refused (a reason required, a file missing): say why on the row's page."""
        messages.error(self.request, validation_message(error))
        return HttpResponseRedirect(obj.get_absolute_url())


class ServiceFormMixin:
    """A form whose valid input goes to one service: ``perform(form)`` calls it and returns the page to
    go to (``success_url`` when it returns none); its ``ValidationError`` shows above the form."""

    success_message = gettext_lazy("Saved.")

    def perform(self, form) -> str | None:
        raise NotImplementedError

    def service_error(self, form, error: ValidationError) -> None:
        form.add_error(None, validation_message(error))

    def form_valid(self, form):
        try:
            url = self.perform(form)
        except ValidationError as error:
            self.service_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(url or self.get_success_url())


class ServiceFormView(ServiceFormMixin, ScopedMixin, FormView):
    """A service's form (``ServiceFormMixin``) that gets the user, to offer only what is in their scope."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class OfficePolicyView(ServiceFormMixin, ScopedMixin, FormView):
    """The form of an office's rules (a policy row of ``model``, one per office): the first office in
    the user's scope, 404 without one, 403 without ``permission``."""

    template_name = "core/object_edit.html"
    permission = ""
    title = ""  # names the office: "… of {office}"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.has_perm(self.permission):
                raise PermissionDenied
            offices = self.model._meta.get_field("office").related_model.objects.for_user(request.user)
            self.office = offices.filter(pk__in=sorted(request.user.scope.office_ids)).select_related("region").first()
            if self.office is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "opts": self.opts, "title": self.title.format(office=self.office)}


class DetailFormView(ScopedMixin, View):
    """POST of a form shown on a row's detail page: valid input goes to ``perform(row, form)``, then
    ``success_message`` and back to the row; invalid input or the service's ``ValidationError`` shows
    the detail page (``detail_view``) again with the form under ``form_key`` (400)."""

    detail_view = None
    form_key = ""
    success_message = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is None and cls.detail_view is not None:  # the model of the row's page
            cls.model = cls.detail_view.model

    def get_form(self, row):
        raise NotImplementedError

    def perform(self, row, form) -> None:
        raise NotImplementedError

    def post(self, request, pk):
        row = self.get_object()
        form = self.get_form(row)
        if form.is_valid():
            try:
                self.perform(row, form)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(row.get_absolute_url())
        return self.detail_with_errors({self.form_key: form})

    def detail_with_errors(self, forms: dict):
        return detail_with_errors(self.detail_view, self.request, forms, **self.kwargs)


class ObjectFormView(ScopedMixin, FormView):
    """A form acting on one row the user may change (move a school to a zone, re-list it): the row
    comes from the view scope (404), the change scope and ``permission`` are required (403), the
    form gets the user, and ``perform(form)`` calls the service."""

    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
            if not self.scoped_queryset("change").filter(pk=self.object.pk).exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs.setdefault("initial", {})["valid_from"] = timezone.localdate()
        return kwargs

    def perform(self, form) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as exc:  # the service refused: its reason goes on the form
            for name, errors in (exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}).items():
                form.add_error(name if name in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object}


class DatedAssignView(ObjectFormView):
    """Gives the row a new ``target`` (the form's field of that name; none: takes it out) from the
    form's ``valid_from`` through ``service(actor=, <model>_id=, <target>_id=, on=, reason=)``, which
    keeps the dated history. The page shows ``heading`` and ``hint``."""

    template_name = "core/dated_assign.html"
    heading = ""
    hint = ""
    target = ""
    service = None

    def perform(self, form) -> None:
        value, data = form.cleaned_data[self.target], form.cleaned_data
        type(self).service(actor=self.request.user, **{f"{self.opts.model_name}_id": self.object.pk,
                                                       f"{self.target}_id": value.pk if value else None},
                           on=data["valid_from"], reason=data["reason"])


class PickView(ScopedMixin, View):
    """``GET ?q=``: up to 20 rows of the user's scope whose searched fields contain ``q``, as
    ``{"results": [{"id": …, "label": …}]}``."""

    def get(self, request, label):
        picker = PICKERS.get(label)
        if picker is None:
            raise Http404
        self.model = apps.get_model(label)
        self.require_perm("view")
        rows = self.scoped_queryset()
        text = request.GET.get("q", "").strip()[:50]
        if text:
            match = Q()
            for field in picker.search:
                match |= Q(**{f"{field}__icontains": text})
            rows = rows.filter(match)
        rows = picker.rows(rows).order_by(*picker.order)[:PICKER_SUGGESTIONS]
        return JsonResponse({"results": [{"id": row.pk, "label": picker.label(row)} for row in rows]})


def page_not_found(request, exception):
    """An address nothing serves: under /api/ a JSON answer like the API's other 404s (``detail``),
    elsewhere the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


DATABASE_RETRY_SECONDS = 5


def server_error(request):
    """An unhandled error. When the database could not be reached (a restart, a failover), the answer
    is 503 with ``Retry-After``: nothing was written (the request's transaction rolled back) and the
    same request can be sent again. Under /api/ the answer is JSON (``detail``). Renders without the
    database: no context processors, no session."""
    unavailable = isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        detail = (_("The database cannot be reached for a moment: nothing was saved; try again.") if unavailable
                  else _("Server error."))
        response = JsonResponse({"detail": detail}, status=status)
    else:
        response = HttpResponse(loader.get_template(f"{status}.html").render(), status=status)
    if unavailable:
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    return response
