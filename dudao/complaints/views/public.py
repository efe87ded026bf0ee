"""Public pages, no sign-in: the school's page behind its signboard's QR code, the form to write
to the inspector, and the follow-up page with the tracking code.

The form and the follow-up are rate-limited per client (429 with a readable page, the service stays
up); a filled honeypot looks accepted and is dropped; a wrong tracking code, whatever its shape,
answers the same 404 page.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from dudao.complaints import public, services
from dudao.complaints.forms import ComplaintForm, RateForm, TrackForm
from dudao.complaints.masking import mask_name, mask_phone
from dudao.core.ratelimit import limited, too_many_requests
from dudao.core.workflow import TransitionNotAllowed
from dudao.documents.services import DocumentIntegrityError, document_read_verified
from dudao.inspectors.signboards import public_token


def _limit(name: str, default: tuple[int, int]) -> tuple[int, int]:
    return tuple(getattr(settings, name, default))


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


class PublicSchoolView(View):
    """GET: the school's page with the form; POST: the form is sent."""

    template_name = "complaints/public_school.html"

    def page(self, pk, token):
        page = public.public_school_page(school_id=pk, token=token)
        if page is None:
            raise Http404
        return page

    def render(self, request, page, form, status=200):
        return _private(render(request, self.template_name, {
            **page, "form": form, "title": page["school"]["name"] or _("School"),
            "token": self.kwargs["token"], "track_url": "/p/track/",
        }, status=status))

    def get(self, request, pk, token):
        return self.render(request, self.page(pk, token), ComplaintForm())

    def post(self, request, pk, token):
        page = self.page(pk, token)
        limit, window = _limit("DUDAO_COMPLAINT_RATE_LIMIT", (5, 3600))
        if limited(request, "complaints.submit", limit, window):
            return too_many_requests(request)
        form = ComplaintForm(request.POST, request.FILES)
        if form.is_honeypot():  # looks accepted, nothing is kept
            return self.sent(request, page, services.new_code())
        if form.is_valid():
            data = form.cleaned_data
            try:
                _complaint, code = services.complaint_register(
                    school_id=pk, kind=data["kind"], text=data["text"], name=data["name"], phone=data["phone"],
                    concerns_inspector=data["concerns_inspector"], photos=data["photos"])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return self.sent(request, page, code)
        return self.render(request, page, form, status=400)

    def sent(self, request, page, code):
        return _private(render(request, "complaints/public_sent.html", {
            **page, "title": _("Sent"), "code": services.display_code(code),
            "back_url": f"/p/{page['school']['id']}-{self.kwargs['token']}/",
        }))


class PublicPhotoView(View):
    def get(self, request, pk, token):
        photo = public.public_photo(school_id=pk, token=token)
        if photo is None:
            raise Http404
        try:
            handle = photo.open("rb")
        except OSError:
            raise Http404
        response = FileResponse(handle)
        response["Cache-Control"] = "public, max-age=3600"
        return response


class PublicReportView(View):
    def get(self, request, pk, token, publication):
        item = public.public_publication(school_id=pk, token=token, publication_id=publication)
        if item is None:
            raise Http404
        document = item.document
        fmt = "pdf" if document.pdf else "docx"
        try:
            data = document_read_verified(document, fmt)
        except (FileNotFoundError, DocumentIntegrityError, OSError):
            raise Http404
        content_type = "application/pdf" if fmt == "pdf" else (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="report-{item.pk}.{fmt}"'
        return _private(response)


def _status_context(complaint) -> dict:
    """What the sender reads: never the name or phone they gave (masked), nor who handles it."""
    return {
        "complaint": complaint,
        "kind": complaint.get_kind_display(), "status": complaint.get_status_display(),
        "school": complaint.school.name, "received": complaint.created_at, "due_on": complaint.due_on,
        "answer": complaint.answer if complaint.status in ("answered", "closed") else "",
        "answered_at": complaint.answered_at, "rating": complaint.get_rating_display() if complaint.rating else "",
        "name": mask_name(complaint.name), "phone": mask_phone(complaint.phone),
        "can_rate": complaint.status == complaint.Status.ANSWERED,
    }


class TrackView(View):
    """GET: the form; POST ``code``: the complaint's status and answer, or the one 404 page."""

    template_name = "complaints/public_track.html"

    def limited(self, request):
        limit, window = _limit("DUDAO_COMPLAINT_TRACK_LIMIT", (30, 3600))
        return limited(request, "complaints.track", limit, window)

    def not_found(self, request):
        return _private(render(request, self.template_name, {"form": TrackForm(), "not_found": True,
                                                             "title": _("Follow your message")}, status=404))

    def show(self, request, complaint, code, rate_form=None, status=200):
        return _private(render(request, "complaints/public_status.html", {
            **_status_context(complaint), "title": _("Follow your message"),
            "rate_form": rate_form or RateForm(initial={"code": code}),
        }, status=status))

    def get(self, request):
        return _private(render(request, self.template_name, {"form": TrackForm(), "title": _("Follow your message")}))

    def post(self, request):
        if self.limited(request):
            return too_many_requests(request)
        form = TrackForm(request.POST)
        complaint = services.complaint_by_code(form.data.get("code", "")) if form.is_valid() else None
        if complaint is None:
            return self.not_found(request)
        return self.show(request, complaint, services.normalise_code(form.cleaned_data["code"]))


class RateView(TrackView):
    def post(self, request):
        if self.limited(request):
            return too_many_requests(request)
        form = RateForm(request.POST)
        code = services.normalise_code(request.POST.get("code", ""))
        complaint = services.complaint_by_code(code or "")
        if complaint is None:
            return self.not_found(request)
        if not form.is_valid():
            return self.show(request, complaint, code, rate_form=form, status=400)
        try:
            complaint = services.complaint_rate(code=code, rating=form.cleaned_data["rating"],
                                                comment=form.cleaned_data["comment"])
        except TransitionNotAllowed:
            return self.show(request, complaint, code, status=409)
        response = self.show(request, complaint, code)
        return response


def public_school_path(school_id: int) -> str:
    return f"/p/{school_id}-{public_token(school_id)}/"
