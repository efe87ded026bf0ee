"""The office's and inspectors' pages: the list with its figures and export, one complaint with
its actions, the photos (checked against their SHA-256), the time limit, and publications.
Thin: forms parse, services write, selectors read; 404 out of scope, 403 not allowed, 409 wrong state."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from dudao.complaints import selectors, services, tables
from dudao.complaints.filters import ComplaintFilterSet, PublicationFilterSet
from dudao.complaints.forms import (
    TRANSITION_FORMS,
    AssignForm,
    FindingFromComplaintForm,
    NoticeFromComplaintForm,
    PolicyForm,
    PublishForm,
    ReasonForm,
)
from dudao.complaints.masking import owning_office_ids
from dudao.complaints.models import Complaint, ComplaintPolicy, Publication
from dudao.core.downloads import TokenDownloadMixin
from dudao.core.files import FileCheckFailed, open_verified
from dudao.core.forms import validation_message
from dudao.core.views import DetailFormView, ObjectDetailView, ScopedMixin, TransitionView
from dudao.core.workflow import available_transitions
from dudao.documents.models import Document
from dudao.inspections.models import Rectification
from dudao.inspections.services.findings import finding_item_choices, requirements_draft
from dudao.inspectors.models import Inspector
from dudao.inspectors.signboards import public_base_url, public_url
from dudao.jobs.exports import ExportableListView
from dudao.organizations.views import OfficeSettingsPage


class ComplaintListView(ExportableListView):
    model = Complaint
    filterset_class = ComplaintFilterSet
    template_name = "complaints/complaint_list.html"
    title = gettext_lazy("Complaints and suggestions")
    default_ordering = ("-created_at", "-pk")
    columns = tables.COMPLAINT_COLUMNS

    selector = selectors.complaint_list

    def list_context(self, ctx, user):
        return {"stats": selectors.complaint_stats(user=user, queryset=self.filtered_queryset())}


class ComplaintDetailView(ObjectDetailView):
    model = Complaint
    object_selector = selectors.complaint_get

    def object_context(self, ctx, complaint, user):
        forms = ctx.get("forms", {})
        may_act = services.may_act(user, complaint)
        office = complaint.office_id in owning_office_ids(user)
        actions = {}
        for name in available_transitions(complaint, user):
            if (name in ("close", "reopen") and office) or (name not in ("close", "reopen") and may_act):
                actions[name] = forms.get(name) or TRANSITION_FORMS[name]()
        open_states = (Complaint.Status.VERIFYING, Complaint.Status.HANDLING)
        return {
            "title": str(complaint),
            "complaint": complaint,
            "sender": selectors.complaint_identity(user=user, complaint=complaint),
            "photos": complaint.photos.all(),
            "history": selectors.complaint_history(user=user, complaint=complaint),
            "actions": actions,
            "can_assign": office and user.has_perm("complaints.close_complaint")
            and complaint.status != Complaint.Status.CLOSED,
            "assign_form": forms.get("assign") or AssignForm(
                initial={"inspector": complaint.handler_id}, inspectors=self.assignable(complaint)),
            "finding_form": forms.get("finding") or FindingFromComplaintForm(
                initial={"description": complaint.text}, items=finding_items(user, complaint)),
            "notice_form": forms.get("notice") or NoticeFromComplaintForm(
                initial={"requirements": requirements_draft(complaint.finding)} if complaint.finding_id else None),
            "can_record_finding": may_act and user.has_perm("inspections.add_finding")
            and complaint.status in open_states and not complaint.finding_id,
            "can_issue_notice": may_act and user.has_perm("inspections.add_rectification")
            and complaint.finding_id and not complaint.rectification_id,
        }

    def assignable(self, complaint):
        qs = Inspector.objects.for_user(self.request.user).filter(office_id=complaint.office_id).order_by("sort_key")
        if complaint.concerns_inspector and complaint.inspector_id:
            qs = qs.exclude(pk=complaint.inspector_id)
        return qs


def finding_items(user, complaint):
    """The items of the school's routine checklist a finding from the complaint may name."""
    return finding_item_choices(user=user, school=complaint.school)


class ComplaintTransitionView(TransitionView):
    """POST ``<pk>/<name>/``: verify, handle, answer, close, reopen."""

    model = Complaint
    services = services.COMPLAINT_TRANSITION_SERVICES
    forms = TRANSITION_FORMS
    detail_view = ComplaintDetailView

    def check(self, obj, name):
        services.complaint_transition_check(actor=self.request.user, complaint=obj, name=name)


class ComplaintAssignView(DetailFormView):
    detail_view = ComplaintDetailView
    form_key = "assign"
    success_message = gettext_lazy("Assigned.")

    def get_form(self, complaint):
        view = ComplaintDetailView()
        view.setup(self.request, pk=complaint.pk)
        return AssignForm(self.request.POST, inspectors=view.assignable(complaint))

    def perform(self, complaint, form):
        inspector = form.cleaned_data["inspector"]
        services.complaint_assign(actor=self.request.user, complaint_id=complaint.pk,
                                  inspector_id=inspector.pk if inspector else None)


class ComplaintFindingView(DetailFormView):
    detail_view = ComplaintDetailView
    form_key = "finding"
    success_message = gettext_lazy("Finding recorded.")
    object_selector = selectors.complaint_get

    def get_form(self, complaint):
        return FindingFromComplaintForm(self.request.POST, items=finding_items(self.request.user, complaint))

    def perform(self, complaint, form):
        data = dict(form.cleaned_data)
        item = data.pop("item")
        services.complaint_finding_record(actor=self.request.user, complaint_id=complaint.pk,
                                          item_id=item.pk if item else None, **data)


class ComplaintNoticeView(DetailFormView):
    detail_view = ComplaintDetailView
    form_key = "notice"
    success_message = gettext_lazy("Rectification notice issued.")

    def get_form(self, complaint):
        return NoticeFromComplaintForm(self.request.POST)

    def perform(self, complaint, form):
        services.complaint_rectification_issue(actor=self.request.user, complaint_id=complaint.pk,
                                               **form.cleaned_data)


class ComplaintPhotoView(TokenDownloadMixin, ScopedMixin, View):
    """A photo of a complaint in the user's scope (a browser's session or the API's token), served
    only if it still matches its SHA-256: an altered photo is 409, a lost one 410."""

    model = Complaint

    def get(self, request, pk, photo):
        complaint = self.get_object()
        item = get_object_or_404(complaint.photos.all(), pk=photo)
        try:
            handle = open_verified(item)
        except FileCheckFailed as exc:
            return HttpResponse(_("The stored file failed its check."), status=exc.status_code)
        return FileResponse(handle, content_type=item.content_type)


class ComplaintPolicyView(OfficeSettingsPage):
    """The office's time limit for answering (default 15 working days) and closing rules."""

    model = ComplaintPolicy
    template_name = "complaints/policy.html"

    def own_office_ids(self):
        return owning_office_ids(self.request.user)

    def can_change(self, office) -> bool:
        return self.request.user.has_perm("complaints.change_complaintpolicy")

    def get_form(self, office, data=None):
        if data is not None:
            return PolicyForm(data)
        policy = selectors.complaint_policy_for(user=self.request.user, office=office)
        return PolicyForm(initial={"answer_days": policy.answer_days, "working_days": policy.working_days,
                                   "close_after_days": policy.close_after_days,
                                   "reopen_on_dissatisfaction": policy.reopen_on_dissatisfaction})

    def save(self, office, form) -> None:
        services.complaint_policy_set(actor=self.request.user, office_id=office.pk, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        office = kwargs["office"]
        ctx.update({
            "title": _("Time limit for complaints"), "offices": self.offices(),
            "policy": selectors.complaint_policy_for(user=self.request.user, office=office),
            "can_change": self.can_change(office),
        })
        return ctx


class PublicationListView(ExportableListView):
    """What the office shows on the schools' public pages; publish a report or a notice here."""

    model = Publication
    filterset_class = PublicationFilterSet
    template_name = "complaints/publication_list.html"
    title = gettext_lazy("Published on the public pages")
    row_actions_template = "complaints/partials/_publication_actions.html"
    columns = tables.PUBLICATION_COLUMNS

    selector = selectors.publication_list
    default_ordering = ("-created_at", "-pk")

    def list_context(self, ctx, user):
        if not user.has_perm("complaints.add_publication"):
            return {}
        published_docs = Publication.objects.for_user(user).filter(
            withdrawn_at__isnull=True, document__isnull=False).values("document_id")
        published_notices = Publication.objects.for_user(user).filter(
            withdrawn_at__isnull=True, rectification__isnull=False).values("rectification_id")
        return {
            "documents": Document.objects.for_user(user).filter(
                kind__in=services.PUBLISHABLE_KINDS, school__isnull=False).exclude(pk__in=published_docs)
            .select_related("school").order_by("-date", "-pk")[:200],
            "notices": Rectification.objects.for_user(user).exclude(pk__in=published_notices)
            .select_related("school").order_by("-issued_on", "-pk")[:200],
            "publish_form": PublishForm(),
        }


class PublicationPublishView(ScopedMixin, View):
    model = Publication

    def post(self, request):
        form = PublishForm(request.POST)
        if not form.is_valid():
            raise Http404
        try:
            services.publication_publish(actor=request.user, document_id=form.cleaned_data["document"],
                                         rectification_id=form.cleaned_data["rectification"],
                                         summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            messages.error(request, validation_message(exc))
        else:
            messages.success(request, _("Published on the school's public page."))
        return HttpResponseRedirect(reverse("complaints:publication_list"))


class PublicationWithdrawView(ScopedMixin, View):
    model = Publication

    def post(self, request, pk):
        publication = self.get_object()
        form = ReasonForm(request.POST)
        form.is_valid()
        services.publication_withdraw(actor=request.user, publication_id=publication.pk,
                                      reason=form.cleaned_data.get("reason", ""))
        messages.success(request, _("Withdrawn from the public page."))
        return HttpResponseRedirect(reverse("complaints:publication_list"))


class PublicPageLinkView(ScopedMixin, View):
    """Opens a school's public page from inside (the school must be in the user's scope)."""

    model = Complaint

    def get(self, request, school):
        from dudao.organizations.models import School

        item = get_object_or_404(School.objects.for_user(request.user), pk=school)
        return HttpResponseRedirect(public_url(item.pk, public_base_url(request)))
