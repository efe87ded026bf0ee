import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import View

from dudao.accounts.access import acts_for_office
from dudao.core.downloads import TokenDownloadMixin
from dudao.core.forms import validation_message
from dudao.core.views import (
    DatedAssignView,
    ObjectDetailView,
    ScopedMixin,
    TransitionView,
    edit_and_delete_views,
)
from dudao.core.workflow import available_transitions
from dudao.inspectors import selectors, services, tables
from dudao.inspectors.filters import InspectorFilterSet, ListingFilterSet
from dudao.inspectors.forms import InspectorForm, ListingAssignForm
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.selectors.development import inspector_terms, training_ledger
from dudao.inspectors.signboards import public_base_url, signboard_generate, signboards_batch_start
from dudao.jobs.exports import ExportableListView as ObjectListView
from dudao.organizations.models import School


class InspectorListView(ObjectListView):
    model = Inspector
    filterset_class = InspectorFilterSet
    default_ordering = ("sort_key", "certificate_no")
    add_url_name = "inspectors:inspector_add"
    import_url_name = "inspectors:inspector_import"
    template_name = "inspectors/inspector_list.html"
    columns = tables.INSPECTOR_COLUMNS

    selector = selectors.inspector_list

    def list_context(self, ctx, user):
        return {"overloaded": selectors.overloaded_inspectors(user=user)}


class InspectorPhotoView(TokenDownloadMixin, ScopedMixin, View):
    """An inspector's photo, read through the storage (a folder or an object store), for whoever sees
    the inspector or a school the inspector is listed at now (404 otherwise); an API client sends
    its token (the API's ``photo`` address)."""

    model = Inspector

    def get(self, request, pk):
        inspector = self.scoped_queryset().filter(pk=pk).first()
        if inspector is None:
            listing = (Listing.objects.for_user(request.user).filter(inspector_id=pk, valid_to__isnull=True)
                       .select_related("inspector").first())
            inspector = listing.inspector if listing else None
        if inspector is None or not inspector.photo:
            raise Http404
        try:
            handle = inspector.photo.open("rb")
        except OSError:
            raise Http404
        content_type = mimetypes.guess_type(inspector.photo.name)[0] or "application/octet-stream"
        response = FileResponse(handle, content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


class InspectorDetailView(ObjectDetailView):
    model = Inspector
    select_related = ("office__region", "user")

    def object_context(self, ctx, inspector, user):
        current = list(selectors.inspector_current_listings(user=user, inspector=inspector))
        out = {
            "transitions": available_transitions(inspector, user) if ctx["can_change"] else [],
            "current_listings": current,
            "over_ratio": len(current) > inspector.office.schools_per_inspector,
            "history": Listing.objects.for_user(user).filter(inspector=inspector).select_related("school")
            .order_by("-valid_from"),
        }
        own_or_office = inspector.user_id == user.pk or acts_for_office(user)
        if user.has_perm("inspectors.view_term") and own_or_office:
            out["terms"] = inspector_terms(user=user, inspector=inspector)
        if user.has_perm("inspectors.view_trainingrecord") and own_or_office:
            year = timezone.localdate().year
            out["training"] = training_ledger(user=user, inspector=inspector, year=year)["row"]
        return out


InspectorEditView, InspectorDeleteView = edit_and_delete_views(
    Inspector, form_class=InspectorForm, save=services.model_save, delete=services.model_delete,
    success_url="/inspectors/")


class InspectorTransitionView(TransitionView):
    model = Inspector
    services = services.INSPECTOR_TRANSITION_SERVICES


class ListingListView(ObjectListView):
    model = Listing
    filterset_class = ListingFilterSet
    select_related = ("inspector", "school__region")
    default_ordering = ("-valid_from", "pk")
    columns = tables.LISTING_COLUMNS


class SchoolListingAssignView(DatedAssignView):
    """Re-lists a school: a new inspector from a date, the previous listing ended the day before."""

    model = School
    form_class = ListingAssignForm
    heading = gettext_lazy("Change listed inspector")
    hint = gettext_lazy("The previous listing ends the day before; the history is kept. Leave the inspector empty to "
                        "end the listing.")
    permission = "inspectors.add_listing"
    success_message = gettext_lazy("Listing changed.")
    target = "inspector"
    service = services.listing_assign


class SchoolSignboardView(ScopedMixin, View):
    """POST: files the school's signboard (Word and PDF) and opens the filed document."""

    model = School

    def post(self, request, pk):
        try:
            document = signboard_generate(actor=request.user, school_id=pk, base_url=public_base_url(request))
        except ValidationError as exc:  # no inspector listed: nothing to print
            messages.error(request, validation_message(exc))
            return HttpResponseRedirect(reverse("organizations:school_detail", args=[pk]))
        return HttpResponseRedirect(document.get_absolute_url())


class SchoolSignboardsView(ScopedMixin, View):
    """POST with the schools list's query string: one document with the boards of every listed
    school the list shows, made by a background job."""

    model = School

    def post(self, request):
        job = signboards_batch_start(actor=request.user, query=request.GET.urlencode(),
                                     base_url=public_base_url(request))
        return HttpResponseRedirect(job.get_absolute_url())
