"""Pages of the instrument engine: list, version pages with the item tree, the draft editor,
copying, publishing, Excel import and export. Thin: every write is one service call."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from dudao.core import views as core_views
from dudao.core.downloads import download
from dudao.core.forms import note_form
from dudao.core.views import ObjectDetailView, ScopedMixin, TransitionView, UploadViewMixin
from dudao.core.workflow import TransitionNotAllowed, available_transitions
from dudao.instruments import forms, selectors, services, tables
from dudao.instruments.exports import version_filename, version_workbook
from dudao.instruments.filters import InstrumentFilterSet
from dudao.instruments.imports import InstrumentImporter
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.jobs.exports import ExportableListView


class InstrumentListView(ExportableListView):
    model = Instrument
    filterset_class = InstrumentFilterSet
    default_ordering = ("kind", "name", "pk")
    add_url_name = "instruments:instrument_add"
    import_url_name = "instruments:instrument_import"
    title = gettext_lazy("Checklists and indicator systems")
    columns = tables.INSTRUMENT_COLUMNS

    selector = selectors.instrument_list

    def list_context(self, ctx, user):
        return {"can_import": user.has_perm("instruments.add_instrument")}


# ---- the version page -----------------------------------------------------------------------------

class VersionPageMixin:
    """The context of the instrument page: versions, the chosen version's item tree, the buttons."""

    template_name = "instruments/instrument_detail.html"

    def page_context(self, instrument, version) -> dict:
        user = self.request.user
        can_change = selectors.instrument_can_change(user=user, instrument=instrument)
        versions = list(selectors.version_list(user=user, instrument=instrument))
        items = selectors.version_items(version=version) if version else []
        editable = bool(can_change and version is not None and not version.is_frozen)
        return {
            "instrument": instrument,
            "version": version,
            "versions": versions,
            "items": items,
            "can_change": can_change,
            "editable": editable,
            "transitions": available_transitions(version, user) if can_change and version else [],
            "has_draft": any(v.status == InstrumentVersion.Status.DRAFT for v in versions),
            "can_copy": version is not None and bool(selectors.authoring_offices(user=user).exists()),
            "title": instrument.name,
        }


class InstrumentDetailView(VersionPageMixin, ObjectDetailView):
    model = Instrument
    select_related = ("office__region",)

    def object_context(self, ctx, instrument, user):
        return self.page_context(instrument, selectors.version_default(user=user, instrument=instrument))


class VersionDetailView(VersionPageMixin, ObjectDetailView):
    model = InstrumentVersion
    select_related = ("instrument__office__region", "published_by", "based_on__instrument")

    def object_context(self, ctx, version, user):
        return self.page_context(version.instrument, version)


class VersionExportView(ScopedMixin, View):
    """The version as an Excel workbook that imports back as the same tree."""

    model = InstrumentVersion
    select_related = ("instrument",)

    def get(self, request, pk):
        version = self.get_object()  # drafts only for those who may change them (the scope)
        return download(version_workbook(version), version_filename(version))


# ---- forms that call one service ------------------------------------------------------------------

class ServiceFormView(core_views.ServiceFormView):
    """A form whose valid input goes to one service; the service's ValidationError returns to the
    form (400), on its fields. Wrong state (a frozen version, a second draft) is not a form error: it
    answers 409."""

    template_name = "instruments/form.html"

    def service_error(self, form, error):
        form.add_service_errors(error)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def editable_version(self, version) -> InstrumentVersion:
        """403 unless the user may change the version's instrument; 409 when it is frozen."""
        if not selectors.instrument_can_change(user=self.request.user, instrument=version.instrument):
            raise PermissionDenied
        if version.is_frozen:
            raise services.VersionFrozen(version)
        return version


class InstrumentCreateView(ServiceFormView):
    model = Instrument
    form_class = forms.InstrumentCreateForm
    extra_context = {"title": gettext_lazy("New instrument")}

    permission_action = "add"

    def perform(self, form):
        instrument = services.instrument_create(actor=self.request.user, **form.cleaned_data)
        return instrument.get_absolute_url()


class InstrumentEditView(ServiceFormView):
    model = Instrument
    form_class = forms.InstrumentEditForm

    change_check = selectors.instrument_can_change

    def get_initial(self):
        return {f: getattr(self.object, f) for f in services.INSTRUMENT_FIELDS}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"title": _("Edit {name}").format(name=self.object), "cancel_url": self.object.get_absolute_url()})
        return ctx

    def perform(self, form):
        services.instrument_update(actor=self.request.user, instrument_id=self.object.pk, **form.cleaned_data)
        return self.object.get_absolute_url()


class VersionCopyView(ServiceFormView):
    """Copies a version into a new instrument of the user's office (its draft version 1)."""

    model = InstrumentVersion
    form_class = forms.InstrumentCopyForm
    select_related = ("instrument",)
    success_message = gettext_lazy("Copied. Edit the draft, then publish it.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.has_perm("instruments.add_instrument"):
                raise PermissionDenied
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"name": self.object.instrument.name}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"title": _("Copy {name} to my office").format(name=self.object),
                    "cancel_url": self.object.get_absolute_url(),
                    "intro": _("The copy becomes a draft of your office's own instrument: change the items, "
                               "then publish it. The original stays as it is.")})
        return ctx

    def perform(self, form):
        instrument = services.instrument_copy(actor=self.request.user, source_version_id=self.object.pk,
                                              **form.cleaned_data)
        return instrument.versions.get().get_absolute_url()


# ---- the draft editor -----------------------------------------------------------------------------

def _sections(version, exclude: Item | None = None) -> list[Item]:
    items = selectors.version_items(version=version)
    if exclude is None:
        return [i for i in items if i.is_section]
    below, inside = set(), False
    for item in items:  # tree order: the excluded item's own items follow it at a greater depth
        if item.pk == exclude.pk:
            inside, depth = True, item.depth
            below.add(item.pk)
            continue
        if inside and item.depth > depth:
            below.add(item.pk)
        else:
            inside = False
    return [i for i in items if i.is_section and i.pk not in below]


def _anchor(version, item=None) -> str:
    return version.get_absolute_url() + (f"#item-{item.pk}" if item else "")


class ItemFormView(ServiceFormView):
    """The form of one item of a draft version: a new one (no ``item``) or one to edit."""

    form_class = forms.ItemForm
    item = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sections": _sections(self.version, exclude=self.item)}

    def page_title(self) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.page_title(),
                "cancel_url": _anchor(self.version, self.item)}


class ItemAddView(ItemFormView):
    model = InstrumentVersion
    select_related = ("instrument",)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.version = self.editable_version(self.get_object())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        parent = self.request.GET.get("parent")
        return {"parent": int(parent) if parent and parent.isdigit() else None,
                "response_type": Item.ResponseType.SINGLE_CHOICE if self.version.instrument.kind == "checklist"
                else Item.ResponseType.SCORE}

    def page_title(self):
        return _("Add an item to {version}").format(version=self.version)

    def perform(self, form):
        item = services.item_add(actor=self.request.user, version_id=self.version.pk,
                                 parent_id=form.cleaned_data["parent"], **form.item_fields())
        return _anchor(self.version, item)


class ItemEditView(ItemFormView):
    model = Item
    select_related = ("version__instrument",)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item = self.get_object()
            self.version = self.editable_version(self.item.version)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return forms.ItemForm.initial_for(self.item)

    def page_title(self):
        return _("Edit item {code}").format(code=self.item.code)

    def perform(self, form):
        actor = self.request.user
        item = services.item_update(actor=actor, item_id=self.item.pk, **form.item_fields())
        if form.cleaned_data["parent"] != self.item.parent_id:
            item = services.item_move(actor=actor, item_id=item.pk, parent_id=form.cleaned_data["parent"])
        return _anchor(self.version, item)


class ItemDeleteView(ScopedMixin, View):
    model = Item
    select_related = ("version__instrument",)

    def post(self, request, pk):
        item = self.get_object()
        services.item_delete(actor=request.user, item_id=item.pk)
        messages.success(request, _("Deleted."))
        return HttpResponseRedirect(item.version.get_absolute_url())


class ItemMoveView(ScopedMixin, View):
    """Moves an item one place up or down among its siblings."""

    model = Item

    def post(self, request, pk, direction):
        if direction not in ("up", "down"):
            raise Http404
        item = self.get_object()
        version = item.version
        siblings = [i.pk for i in selectors.version_items(version=version) if i.parent_id == item.parent_id]
        index = siblings.index(item.pk) + (-1 if direction == "up" else 1)
        moved = services.item_move(actor=request.user, item_id=item.pk, parent_id=item.parent_id, index=max(0, index))
        return HttpResponseRedirect(_anchor(version, moved))


# ---- versions: new draft, publish, retire, discard ------------------------------------------------

class VersionNewDraftView(ScopedMixin, View):
    model = Instrument

    def post(self, request, pk):
        instrument = self.get_object()
        version = services.version_new_draft(actor=request.user, instrument_id=instrument.pk,
                                             reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("Draft v{number} created from the latest published version.").format(
            number=version.number))
        return HttpResponseRedirect(version.get_absolute_url())


class VersionTransitionView(TransitionView):
    """POST publish / retire. An unpublishable tree comes back as messages; wrong state answers 409."""

    model = InstrumentVersion
    services = services.VERSION_TRANSITION_SERVICES
    object_kwarg = "version_id"
    form_class = note_form(length=500)
    success_messages = {"publish": gettext_lazy("Published; this version is now frozen."),
                        "retire": gettext_lazy("Retired.")}

    def invalid(self, obj, error: ValidationError):
        if isinstance(error, TransitionNotAllowed):  # a frozen version: 409, not a message
            raise error
        messages.error(self.request, _("The version cannot be published yet:"))
        for message in error.messages:
            messages.error(self.request, message)
        return HttpResponseRedirect(obj.get_absolute_url())


class VersionDiscardView(ScopedMixin, View):
    model = InstrumentVersion

    def post(self, request, pk):
        version = self.get_object()
        instrument = services.version_discard(actor=request.user, version_id=version.pk)
        messages.success(request, _("Draft discarded."))
        return HttpResponseRedirect(instrument.get_absolute_url())


# ---- Excel import ---------------------------------------------------------------------------------

class ImportMixin(UploadViewMixin):
    """Template download (``?template=1``), validation of every row, and the error report; the
    workbook is read outside any transaction, the services write."""

    template_name = "instruments/import.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            importer = InstrumentImporter(request.user)
            return download(importer.template_bytes(), importer.title + '.xlsx')
        return super().get(request, *args, **kwargs)

    def validated_rows(self, form):
        report = InstrumentImporter(self.request.user).validate(io.BytesIO(form.cleaned_data["file"].read()))
        if not report.ok:
            self.import_errors = report.errors
            return None
        return InstrumentImporter.items(report)

    def form_valid(self, form):
        self.import_errors = []
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["errors"] = getattr(self, "import_errors", [])
        return ctx


class InstrumentImportView(ImportMixin, ServiceFormView):
    """A new instrument of the user's office whose draft holds the workbook's items."""

    model = Instrument
    form_class = forms.InstrumentImportForm
    extra_context = {"title": gettext_lazy("Import an instrument from Excel")}
    success_message = gettext_lazy("Imported as a draft. Check it, then publish it.")

    permission_action = "add"

    def perform(self, form):
        rows = self.validated_rows(form)
        if rows is None:
            raise ValidationError(_("Nothing was written; correct the workbook and upload it again."))
        data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        instrument = services.instrument_import(actor=self.request.user, rows=rows, **data)
        return instrument.versions.get().get_absolute_url()


class VersionImportView(ImportMixin, ServiceFormView):
    """A new draft of an existing instrument from a workbook."""

    model = Instrument
    form_class = forms.VersionImportForm
    success_message = gettext_lazy("Imported as a draft. Check it, then publish it.")

    change_check = selectors.instrument_can_change

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"title": _("Import a new draft of {name}").format(name=self.object),
                    "cancel_url": self.object.get_absolute_url(),
                    "draft": self.object.versions.filter(status=InstrumentVersion.Status.DRAFT).first()})
        return ctx

    def perform(self, form):
        rows = self.validated_rows(form)
        if rows is None:
            raise ValidationError(_("Nothing was written; correct the workbook and upload it again."))
        version = services.version_import(actor=self.request.user, instrument_id=self.object.pk, rows=rows)
        return version.get_absolute_url()

