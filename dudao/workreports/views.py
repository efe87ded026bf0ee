"""Pages of work reports: my reports, draft a report, one report (download, upload, review,
history), the office's table of reports due and late, and the office's due-date rule."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from dudao.accounts.access import OfficeSideMixin, offices_of
from dudao.core.downloads import TokenDownloadMixin, download
from dudao.core.forms import validation_message
from dudao.core.views import (
    ObjectDetailView,
    ScopedMixin,
    ScopedTemplateView,
    ServiceFormMixin,
    ServiceFormView,
    TransitionView,
    UploadViewMixin,
)
from dudao.documents.models import Document
from dudao.documents.services import DocumentIntegrityError, document_read_verified
from dudao.jobs.exports import ExportableListView
from dudao.organizations.selectors import office_for_user
from dudao.workreports import selectors, services, tables
from dudao.workreports.filters import ReportFilterSet
from dudao.workreports.forms import ReportDraftForm, ReportPolicyForm, ReportStatusForm, ReportUploadForm
from dudao.workreports.models import Report, ReportPolicy

CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf"}


class ReportListView(ExportableListView):
    model = Report
    filterset_class = ReportFilterSet
    default_ordering = ("-period_start", "level", "pk")
    add_url_name = "workreports:report_add"
    title = gettext_lazy("Work reports")
    columns = tables.REPORT_COLUMNS
    selector = selectors.report_list


class ReportDetailView(ObjectDetailView):
    model = Report
    select_related = ("office__region", "zone", "inspector__user", "author", "reviewed_by", "draft", "submitted")

    def object_context(self, ctx, report, user):
        transitions = selectors.report_transitions(user=user, report=report)
        may_author = selectors.report_may_author(user=user, report=report)
        files = []
        for which, document in (("draft", report.draft), ("submitted", report.submitted)):
            if document is not None:
                files.append({"which": which, "document": document, "has_pdf": bool(document.pdf),
                              "archive_url": document.get_absolute_url()})
        return {
            "title": report.title,
            "transitions": transitions,
            "can_redraft": may_author and report.status in (Report.Status.DRAFT, Report.Status.RETURNED),
            "upload_form": ReportUploadForm() if "submit" in transitions else None,
            "files": files,
            "history": selectors.report_history(user=user, report=report),
            "overdue": report.is_overdue(),
            "late": report.is_late(),
        }


class ReportDraftView(ServiceFormView):
    """Drafts a report from the records: whose, which month or term; the page of the report follows."""

    model = Report
    form_class = ReportDraftForm
    template_name = "workreports/report_form.html"
    extra_context = {"title": gettext_lazy("Draft a report")}
    permission_action = "add"
    success_message = gettext_lazy("Report drafted from the records: download it, finish it and upload it.")

    def perform(self, form):
        data = form.cleaned_data
        report = services.report_draft(actor=self.request.user, level=data["level"],
                                       period_kind=data["period_kind"], period_start=form.period_start(),
                                       **form.subject_kwargs())
        return report.get_absolute_url()


class ReportRedraftView(ScopedMixin, View):
    """POST: drafts the report again from today's records (while it is a draft or returned)."""

    model = Report

    def post(self, request, pk):
        report = self.get_object()
        subject = {"inspector_id": report.inspector_id, "zone_id": report.zone_id if report.level == "zone" else None,
                   "office_id": report.office_id if report.level == "office" else None}
        try:
            services.report_draft(actor=request.user, level=report.level, period_kind=report.period_kind,
                                  period_start=report.period_start, **subject)
        except ValidationError as error:
            messages.error(request, validation_message(error))
        else:
            messages.success(request, _("Drafted again from today's records."))
        return HttpResponseRedirect(report.get_absolute_url())


class ReportSubmitView(UploadViewMixin, ScopedMixin, View):
    """POST (multipart): uploads the finished .docx, which submits the report."""

    model = Report

    def post(self, request, pk):
        report = self.get_object()  # 404 out of scope
        form = ReportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, form.errors.as_text())
            return HttpResponseRedirect(report.get_absolute_url())
        try:
            services.report_submit(actor=request.user, report_id=report.pk, uploaded_file=form.cleaned_data["file"],
                                   comment=form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, validation_message(error))
        else:
            messages.success(request, _("Report submitted to the office."))
        return HttpResponseRedirect(report.get_absolute_url())


class ReportTransitionView(TransitionView):
    """POST: the office accepts or returns a report (a reason is required to return it)."""

    model = Report
    services = services.REPORT_TRANSITION_SERVICES


class ReportFileView(TokenDownloadMixin, ScopedMixin, View):
    """GET: the drafted or the submitted report as .docx or PDF, checked against its SHA-256 (a
    browser's session or the API's token)."""

    model = Report

    def get(self, request, pk, which, fmt):
        if which not in ("draft", "submitted") or fmt not in CONTENT_TYPES:
            raise Http404
        report = self.get_object()
        document = getattr(report, which)
        if document is None or not Document.objects.for_user(request.user).filter(pk=document.pk).exists():
            raise Http404
        try:
            data = document_read_verified(document, fmt)
        except FileNotFoundError:
            raise Http404
        except DocumentIntegrityError:
            return HttpResponse(_("The file on record no longer matches its checksum."), status=409)
        suffix = "" if which == "submitted" else "（初稿）"
        name = f"{report.title}{suffix}.{fmt}"
        return download(data, name, CONTENT_TYPES[fmt])


class ReportStatusView(OfficeSideMixin, ScopedTemplateView):
    """The office's table: inspectors and zones × the months of a year or term, with each report
    submitted on time, late, due, overdue or not yet due, and the counts of each."""

    template_name = "workreports/report_status.html"
    permission = "workreports.review_report"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        offices = selectors.status_office_choices(user=user)
        own = offices.filter(pk__in=sorted(offices_of(user))).first() or offices.first()
        term = "spring" if 2 <= today.month <= 8 else "autumn"
        year = today.year - 1 if today.month == 1 else today.year
        form = ReportStatusForm(self.request.GET or None, offices=offices,
                                initial={"office": own, "year": year, "term": term})
        office = own
        if form.is_bound and form.is_valid():
            office = form.cleaned_data["office"] or own
            year = form.cleaned_data["year"] or year
            term = form.cleaned_data["term"] or None
        if office is None:
            raise Http404
        data = selectors.report_status(user=user, office_id=office.pk, year=year, term=term, on=today)
        ctx.update({"title": _("Report status"), "form": form, **data})
        return ctx


class ReportPolicyView(ServiceFormMixin, ScopedMixin, FormView):
    """The office's rule for when reports fall due."""

    model = ReportPolicy
    form_class = ReportPolicyForm
    template_name = "workreports/report_policy.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.has_perm("workreports.change_reportpolicy"):
                raise PermissionDenied
            self.office = office_for_user(user=request.user)
            if self.office is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        policy = selectors.policy_for(self.office)
        return {"month_due_day": policy.month_due_day, "term_due_days": policy.term_due_days,
                "year_due_days": policy.year_due_days}

    def perform(self, form):
        services.report_policy_set(actor=self.request.user, office_id=self.office.pk, **form.cleaned_data)
        return reverse("workreports:report_status")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "office": self.office, "title": _("When reports are due")}
