from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from dudao.core.downloads import TokenDownloadMixin
from dudao.core.views import ObjectDetailView, ScopedMixin, UploadViewMixin
from dudao.documents import kinds, selectors, services, tables
from dudao.documents.filters import DocumentFilterSet
from dudao.documents.forms import TemplateUploadForm
from dudao.documents.models import Document, DocumentTemplate
from dudao.jobs.exports import ExportableListView
from dudao.organizations.models import Office, School
from dudao.organizations.selectors import office_for_user

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file_response(data: bytes, filename: str, content_type: str, sha256: str, ascii_name: str) -> HttpResponse:
    """The file as an attachment named ``filename`` (RFC 5987 ``filename*``, every byte outside
    attr-char percent-encoded) with ``ascii_name`` for clients that read only ``filename``."""
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    response["Digest"] = f"sha-256={sha256}"
    return response


class DocumentListView(ExportableListView):
    """The archive (台账): every filed document the user may read."""

    model = Document
    title = gettext_lazy("Documents")
    filterset_class = DocumentFilterSet
    default_ordering = ("-date", "-pk")
    template_name = "documents/document_list.html"
    columns = tables.DOCUMENT_COLUMNS

    selector = selectors.document_list

    def list_context(self, ctx, user):
        from django.utils import timezone

        get = self.request.GET
        year = get.get("year", "")
        return {"bundle": {
            "year": int(year) if year.isdigit() and 1900 <= int(year) <= 2999 else timezone.localdate().year,
            "school": School.objects.for_user(user).filter(pk=get["school"]).first()
            if get.get("school", "").isdigit() else None,
            "office": office_for_user(user=user),
            "allowed": user.has_perm("jobs.add_job"),
        }}


class DocumentDetailView(ObjectDetailView):
    model = Document
    select_related = ("office", "school", "zone", "inspector", "template", "created_by")

    def object_context(self, ctx, document, user):
        return {"title": document.title, "pdf_job": None if document.pdf else services.document_pdf_job(document),
                "can_make_pdf": user.has_perm("documents.add_document")}


class DocumentPdfView(ScopedMixin, View):
    """POST: makes the PDF of a document filed as Word only (or whose PDF job failed) in the background;
    the document's page shows the progress and then the PDF button."""

    model = Document
    permission_action = "add"  # documents.add_document: those who file documents
    http_method_names = ["post"]

    def post(self, request, pk):
        document = self.get_object()
        services.document_pdf_start(actor=request.user, document=document)
        return HttpResponseRedirect(document.get_absolute_url())


class DocumentDownloadView(TokenDownloadMixin, ScopedMixin, View):
    """Serves the .docx or PDF after checking its bytes against the SHA-256 filed with it (a browser's
    session or the API's token)."""

    model = Document

    def get(self, request, pk, fmt):
        if fmt not in ("docx", "pdf"):
            raise Http404
        document = self.get_object()
        try:
            data = services.document_read_verified(document, fmt)
        except FileNotFoundError:
            raise Http404 from None
        except services.DocumentIntegrityError:
            return render(request, "documents/integrity.html", {"document": document, "title": _("File check failed")},
                          status=409)
        content_type = DOCX_TYPE if fmt == "docx" else "application/pdf"
        return _file_response(data, selectors.document_filename(document, fmt), content_type,
                              document.docx_sha256 if fmt == "docx" else document.pdf_sha256,
                              ascii_name=f"{document.kind}-{document.pk}.{fmt}")


# ---- templates -----------------------------------------------------------------------------------

class _TemplateMixin(ScopedMixin):
    model = DocumentTemplate
    permission_action = "view"

    def office(self):
        office_id = self.request.GET.get("office") or self.request.POST.get("office")
        offices = Office.objects.for_user(self.request.user).select_related("region")
        if office_id and str(office_id).isdigit():
            return get_object_or_404(offices, pk=office_id)
        office = office_for_user(user=self.request.user)
        if office is None:
            office = offices.order_by("region__path").first()
        if office is None:
            raise Http404
        return office


class TemplateListView(_TemplateMixin, View):
    """The office's templates per kind of document: the one in use, every version, and uploads."""

    def get(self, request):
        office = self.office()
        user = request.user
        can_change = user.has_perm("documents.change_documenttemplate") and Office.objects.for_user(
            user, "change").filter(pk=office.pk).exists()
        return render(request, "documents/template_list.html", {
            "title": _("Document templates"), "office": office, "rows": selectors.template_overview(
                user=user, office=office), "can_change": can_change,
            "offices": Office.objects.for_user(user).select_related("region").order_by("region__path"),
        })


class TemplateDefaultDownloadView(_TemplateMixin, View):
    def get(self, request, kind):
        try:
            kind_def = kinds.get(kind)
        except KeyError:
            raise Http404 from None
        data = services.default_template_bytes(kind)
        return _file_response(data, f"{kind_def.label}（默认模板）.docx", DOCX_TYPE, services.sha256(data),
                              ascii_name=f"{kind}-default.docx")


class TemplateDownloadView(_TemplateMixin, View):
    def get(self, request, pk):
        template = self.get_object()
        with template.file.open("rb") as handle:
            data = handle.read()
        label = kinds.get(template.kind).label if template.kind in dict(kinds.choices()) else template.kind
        return _file_response(data, f"{label} v{template.version}.docx", DOCX_TYPE, template.sha256,
                              ascii_name=f"{template.kind}-v{template.version}.docx")


class TemplateUploadView(UploadViewMixin, _TemplateMixin, FormView):
    form_class = TemplateUploadForm
    template_name = "documents/template_upload.html"
    permission_action = "add"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs.setdefault("initial", {})
        kwargs["initial"].update({"office": self.office().pk, "kind": self.request.GET.get("kind")})
        return kwargs

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_TEMPLATE_BYTES:
            form.add_error("file", _("A template may be at most 10 MB."))
            return self.form_invalid(form)
        try:
            template = services.template_upload(
                actor=self.request.user, office_id=form.cleaned_data["office"].pk, kind=form.cleaned_data["kind"],
                data=upload.read(), filename=upload.name, number_pattern=form.cleaned_data["number_pattern"],
                note=form.cleaned_data["note"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Version {version} is now in use.").format(version=template.version))
        return HttpResponseRedirect(f"{reverse('documents:template_list')}?office={template.office_id}")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Upload a template")}


class TemplateActivateView(_TemplateMixin, View):
    permission_action = "change"

    def post(self, request, pk):
        template = services.template_activate(actor=request.user, template_id=self.get_object().pk)
        messages.success(request, _("Version {version} is now in use.").format(version=template.version))
        return HttpResponseRedirect(f"{reverse('documents:template_list')}?office={template.office_id}")


class TemplateUseDefaultView(_TemplateMixin, View):
    permission_action = "change"

    def post(self, request, kind):
        office = self.office()
        if kind not in dict(kinds.choices()):
            raise Http404
        services.template_use_default(actor=request.user, office_id=office.pk, kind=kind)
        messages.success(request, _("The built-in template is now in use."))
        return HttpResponseRedirect(f"{reverse('documents:template_list')}?office={office.pk}")


# ---- bundles -------------------------------------------------------------------------------------

class BundleStartView(ScopedMixin, View):
    """Starts the job that packs a school's or an office's year into one zip (迎检台账)."""

    model = Document
    permission_action = "view"

    def post(self, request):
        from dudao.documents.bundles import bundle_start

        if not request.user.has_perm("jobs.add_job"):
            raise PermissionDenied
        year = request.POST.get("year", "")
        school = request.POST.get("school", "")
        office = request.POST.get("office", "")
        if not year.isdigit() or not 1900 <= int(year) <= 2999 or not (school.isdigit() or office.isdigit()):
            messages.error(request, _("Choose a year and a school or an office."))
            return HttpResponseRedirect(reverse("documents:document_list"))
        try:
            job = bundle_start(actor=request.user, year=int(year), school_id=int(school) if school.isdigit() else None,
                               office_id=int(office) if office.isdigit() else None)
        except ObjectDoesNotExist:
            raise Http404 from None
        return HttpResponseRedirect(job.get_absolute_url())
