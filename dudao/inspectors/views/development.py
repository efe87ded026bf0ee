"""Pages of inspector development: training records and ledgers, the office's yearly overview,
cases and their review, terms of appointment, and the office's rules."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from dudao.accounts.access import acts_for_office
from dudao.core.downloads import attachment, download
from dudao.core.files import FileCheckFailed, open_verified
from dudao.core.forms import validation_message
from dudao.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectFormView,
    OfficePolicyView,
    ScopedMixin,
    ScopedTemplateView,
    ServiceFormMixin,
    TransitionView,
)
from dudao.inspectors import tables
from dudao.inspectors.filters import CaseFilterSet, TermFilterSet, TrainingRecordFilterSet
from dudao.inspectors.forms.development import (
    CaseForm,
    InspectorPolicyForm,
    TermForm,
    TrainingRecordForm,
    UploadForm,
    YearForm,
)
from dudao.inspectors.imports import ledger_workbook
from dudao.inspectors.models import Case, CaseAttachment, Inspector, InspectorPolicy, Term, TrainingRecord
from dudao.inspectors.selectors import development as selectors
from dudao.inspectors.services import development as services
from dudao.jobs.exports import ExportableListView


def _year(request) -> int:
    form = YearForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return timezone.localdate().year


# ---- training ----------------------------------------------------------------------------------------

class TrainingRecordListView(ExportableListView):
    model = TrainingRecord
    filterset_class = TrainingRecordFilterSet
    default_ordering = ("-start_date", "-pk")
    add_url_name = "inspectors:training_add"
    import_url_name = "inspectors:training_import"
    title = gettext_lazy("Training records")
    columns = tables.TRAINING_RECORD_COLUMNS
    selector = selectors.training_record_list

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "ledger":
            records = self.filtered_queryset()[:20000]
            return download(ledger_workbook(records), "培训档案.xlsx")
        return super().get(request, *args, **kwargs)

    def list_context(self, ctx, user):
        return {"can_import": user.has_perm("inspectors.add_trainingrecord")}


class TrainingRecordEditView(ObjectEditView):
    model = TrainingRecord
    form_class = TrainingRecordForm
    service = services.training_record_save

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as error:
            instance = self.get_instance()
            form = self.get_form(instance)
            form.is_valid()
            for name, problems in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
                form.add_error(name if name in form.fields else None, problems)
            return self.render_to_response(self.get_context_data(form=form, object=instance), status=400)


class TrainingRecordDeleteView(ObjectDeleteView):
    model = TrainingRecord
    service = services.training_record_delete
    success_url = "/inspectors/training/"


class TrainingCertificateView(ScopedMixin, View):
    """GET: the record's certificate file (404 outside the scope or without one)."""

    model = TrainingRecord

    def get(self, request, pk):
        record = self.get_object()
        if not record.certificate:
            raise Http404
        return download(record.certificate.read(), record.certificate.name.rsplit("/", 1)[-1], "application/octet-stream")


class TrainingLedgerView(ObjectDetailView):
    """One inspector's training file (培训档案) for a year, against the floor."""

    model = Inspector
    template_name = "inspectors/training_ledger.html"
    select_related = ("office__region",)

    def get_object(self):
        inspector = super().get_object()
        user = self.request.user
        if not user.has_perm("inspectors.view_trainingrecord") or not (
                inspector.user_id == user.pk or acts_for_office(user)):
            raise Http404
        return inspector

    def object_context(self, ctx, inspector, user):
        year = _year(self.request)
        ledger = selectors.training_ledger(user=user, inspector=inspector, year=year)
        return {"title": _("Training file of {name}").format(name=inspector.name), "year": year,
                "years": range(year - 3, year + 2), **ledger, "can_add": user.has_perm("inspectors.add_trainingrecord")}


class TrainingOverviewView(ScopedTemplateView):
    """The office's year: every inspector's centralised, online and self-study hours, those below the
    floor first and flagged."""

    template_name = "inspectors/training_overview.html"
    permission = "inspectors.view_trainingrecord"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = _year(self.request)
        rows = selectors.training_overview(user=self.request.user, year=year)
        ctx.update({"title": _("Training hours {year}").format(year=year), "year": year, "rows": rows,
                    "below": [r for r in rows if r.below_floor], "form": YearForm(initial={"year": year})})
        return ctx


# ---- cases ---------------------------------------------------------------------------------------------

class CaseListView(ExportableListView):
    model = Case
    filterset_class = CaseFilterSet
    default_ordering = ("-year", "-pk")
    add_url_name = "inspectors:case_add"
    title = gettext_lazy("Supervision cases")
    columns = tables.CASE_COLUMNS
    selector = selectors.case_list


class CaseDetailView(ObjectDetailView):
    model = Case
    select_related = ("office__region", "inspector__user", "created_by", "reviewed_by")

    def object_context(self, ctx, case, user):
        return {
            "title": case.title,
            "transitions": selectors.case_transitions(user=user, case=case),
            "may_edit": selectors.case_may_edit(user=user, case=case),
            "attachments": list(case.attachments.all()),
            "upload_form": UploadForm(),
        }


class CaseEditView(ServiceFormMixin, ScopedMixin, FormView):
    """Writes a new case (no ``pk``) or changes a draft or returned one."""

    model = Case
    form_class = CaseForm
    template_name = "core/object_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if request.user.is_authenticated:
            if "pk" in kwargs:
                self.object = self.get_object()
                if not selectors.case_may_edit(user=request.user, case=self.object):
                    raise PermissionDenied
            elif not request.user.has_perm("inspectors.add_case"):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.object is not None:
            return {"title": self.object.title, "text": self.object.text, "year": self.object.year}
        return {"year": timezone.localdate().year}

    def perform(self, form):
        data = form.cleaned_data
        if self.object is None:
            case = services.case_create(actor=self.request.user, title=data["title"], text=data["text"],
                                        year=data["year"])
        else:
            case = services.case_update(actor=self.request.user, case_id=self.object.pk, **data)
        return case.get_absolute_url()

    def get_context_data(self, **kwargs):
        title = _("Edit {name}").format(name=self.object) if self.object else _("New supervision case")
        return {**super().get_context_data(**kwargs), "title": title, "opts": self.opts, "object": self.object}


class CaseTransitionView(TransitionView):
    """POST: the author submits; the office returns (with a reason), accepts or publishes."""

    model = Case
    services = services.CASE_TRANSITION_SERVICES


class CaseAttachView(ScopedMixin, View):
    """POST (multipart): attaches a file to a draft or returned case."""

    model = Case

    def post(self, request, pk):
        case = self.get_object()
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, form.errors.as_text())
            return HttpResponseRedirect(case.get_absolute_url())
        try:
            services.case_attach(actor=request.user, case_id=case.pk, uploaded_file=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, validation_message(error))
        else:
            messages.success(request, _("File attached."))
        return HttpResponseRedirect(case.get_absolute_url())


class CaseAttachmentView(ScopedMixin, View):
    """GET: a case's file, for whoever may see the case (404 otherwise), served only if it still
    matches its SHA-256: an altered file is 409, a lost one 410."""

    model = Case

    def get(self, request, pk, attachment_id):
        case = self.get_object()
        try:
            item = CaseAttachment.objects.get(case=case, pk=attachment_id)  # scope: the case read above
        except CaseAttachment.DoesNotExist:
            raise Http404
        try:
            handle = open_verified(item)
        except FileCheckFailed as exc:
            return HttpResponse(_("The stored file failed its check."), status=exc.status_code)
        return attachment(FileResponse(handle, content_type="application/octet-stream"), item.original_name)


# ---- terms ---------------------------------------------------------------------------------------------

class TermListView(ExportableListView):
    model = Term
    filterset_class = TermFilterSet
    default_ordering = ("end", "pk")
    title = gettext_lazy("Terms of appointment")
    columns = tables.TERM_COLUMNS
    selector = selectors.term_list


class InspectorTermAddView(ObjectFormView):
    """Records a new term of a part-time inspector (the office)."""

    model = Inspector
    form_class = TermForm
    template_name = "core/object_edit.html"
    permission = "inspectors.add_term"
    success_message = gettext_lazy("Term recorded.")

    def get_initial(self):
        latest = Term.objects.for_user(self.request.user).filter(inspector=self.object).order_by("-start").first()
        return {"start": latest.end + datetime.timedelta(days=1) if latest else timezone.localdate()}

    def form_valid(self, form):
        try:
            services.term_add(actor=self.request.user, inspector_id=self.object.pk, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("start", validation_message(error))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "opts": self.opts,
                "title": _("New term of {name}").format(name=self.object.name)}


class TermDeleteView(ScopedMixin, View):
    model = Term

    def post(self, request, pk):
        term = self.get_object()
        try:
            services.term_delete(actor=request.user, term_id=term.pk)
        except ValidationError as error:
            messages.error(request, validation_message(error))
        return HttpResponseRedirect(term.inspector.get_absolute_url())


# ---- the office's rules --------------------------------------------------------------------------------

class InspectorPolicyView(OfficePolicyView):
    model = InspectorPolicy
    form_class = InspectorPolicyForm
    permission = "inspectors.change_inspectorpolicy"
    success_url = reverse_lazy("inspectors:training_overview")
    title = gettext_lazy("Training and term rules of {office}")

    def get_initial(self):
        policy = selectors.policy_for(self.office)
        return {"training_floor_hours": policy.training_floor_hours, "term_reminder_days": policy.term_reminder_days}

    def perform(self, form):
        services.inspector_policy_set(actor=self.request.user, office_id=self.office.pk, **form.cleaned_data)
