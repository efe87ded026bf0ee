"""Pages of routine visits: the list, the record, the phone form and its offline sync, the checked
download of evidence files, and the coverage of schools per month and term."""

import datetime
import json
import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

import dudao
from dudao.core.downloads import TokenDownloadMixin
from dudao.core.files import FileCheckFailed
from dudao.core.views import ObjectDetailView, ScopedMixin, ScopedTemplateView, TransitionView, int_param
from dudao.core.workflow import TransitionNotAllowed, available_transitions
from dudao.inspections import tables
from dudao.inspections.filters.visits import VisitFilterSet
from dudao.inspections.forms.visits import (
    RATING_CHOICES,
    VisitForm,
    answer_field_names,
    answers_from_post,
    lesson_rows,
    lessons_from_post,
)
from dudao.inspections.models import Attachment, Method, Visit
from dudao.inspections.selectors import visits as selectors
from dudao.inspections.services import visits as services
from dudao.inspections.services.attachments import attachment_read_stamped, attachment_read_verified
from dudao.inspections.views.documents import visit_documents_context
from dudao.instruments.models import Item
from dudao.jobs.exports import ExportableListView
from dudao.organizations.selectors import area_of, drill_region, region_trail

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}


class VisitListView(ExportableListView):
    model = Visit
    filterset_class = VisitFilterSet
    template_name = "inspections/visit_list.html"
    add_url_name = "inspections:visit_add"
    default_ordering = ("-date", "-pk")
    title = gettext_lazy("Visits")
    columns = tables.VISIT_COLUMNS
    selector = selectors.visit_list

    def list_context(self, ctx, user):
        return {"device_drafts": user.has_perm("inspections.add_visit"), "device_config": _device_config(user),
                "device_strings": _js_strings(), "can_see_coverage": selectors.can_see_coverage(user)}


def _device_config(user) -> dict:
    """What the page script needs to list and reopen the drafts kept on the device."""
    return {
        "userId": user.pk,
        "addUrl": reverse("inspections:visit_add"),
        "editUrlTemplate": reverse("inspections:visit_edit", args=[0]).replace("/0/", "/{id}/"),
        "serviceWorkerUrl": reverse("inspections:visit_service_worker"),
    }


def _finding_add_url(visit, answer: str | None = None) -> str | None:
    """The finding form of ``visit``; with ``answer`` (an item's code) prefilled from that answer."""
    try:
        url = reverse("inspections:finding_add") + f"?visit={visit.pk}"
    except NoReverseMatch:
        return None
    return url + "&" + urlencode({"answer": answer}) if answer else url


class VisitDetailView(ObjectDetailView):
    model = Visit
    object_selector = selectors.visit_get

    def object_context(self, ctx, visit, user):
        in_change_scope = ctx["can_change"]  # asked once, by the detail page
        editable = selectors.visit_is_editable(user=user, visit=visit, in_change_scope=in_change_scope)
        attachments = list(visit.attachments.all())
        finding_url = _finding_add_url(visit)
        return {
            "title": str(visit),
            "can_change": editable,
            "can_delete": False,
            "transitions": available_transitions(visit, user) if editable else [],
            "answers": selectors.visit_answers(visit=visit),
            "method_labels": [label for value, label in Method.choices if value in (visit.methods or [])],
            "lessons": list(visit.lessons.all()),
            "photos": [a for a in attachments if a.is_image],
            "documents": [a for a in attachments if not a.is_image],
            "finding_add_url": finding_url if finding_url and in_change_scope
            and user.has_perm("inspections.add_finding") else None,
            **visit_documents_context(user=user, visit=visit),
        }


def _item_rows(version, values: dict, notes: dict) -> list[dict]:
    """The items of a checklist version as the form renders them, with the values to show."""
    rows = []
    for item in selectors.checklist_items(version):
        value_name, note_name = answer_field_names(version.pk, item.code)
        value = values.get(item.code)
        if item.response_type == Item.ResponseType.YES_NO and isinstance(value, bool):
            value = "yes" if value else "no"
        rows.append({
            "item": item, "code": item.code, "text": item.text, "type": item.response_type,
            "options": item.options, "value_name": value_name, "note_name": note_name,
            "value": "" if value is None else value, "values": value if isinstance(value, list) else [],
            "note": notes.get(item.code, ""),
            "is_section": item.response_type == Item.ResponseType.SECTION,
        })
    return rows


class VisitEditView(ScopedMixin, TemplateView):
    """The phone form: new visit (no ``pk``) or the user's own draft. Works without JavaScript;
    ``visit-form.js`` adds the device draft, autosave and sync on top."""

    model = Visit
    template_name = "inspections/visit_form.html"

    def get_visit(self):
        if "pk" not in self.kwargs:
            self.require_perm("add")
            return None
        visit = selectors.visit_get(user=self.request.user, pk=self.kwargs["pk"])
        if not selectors.visit_is_editable(user=self.request.user, visit=visit):
            if visit.status == Visit.Status.SUBMITTED and visit.created_by_id == self.request.user.pk:
                raise TransitionNotAllowed(_("The visit is submitted and can no longer be changed."))
            raise PermissionDenied
        return visit

    def get(self, request, *args, **kwargs):
        visit = self.get_visit()
        form = VisitForm(initial=VisitForm.initial_for(visit), user=request.user, visit=visit)
        return self.render_to_response(self.form_context(form, visit))

    def post(self, request, *args, **kwargs):
        visit = self.get_visit()
        form = VisitForm(request.POST, request.FILES, user=request.user, visit=visit)
        if not form.is_valid():
            return self.render_to_response(self.form_context(form, visit, posted=request.POST), status=400)
        school = form.cleaned_data["school"]
        version = (visit.checklist if visit is not None and visit.school_id == school.pk
                   else selectors.checklist_for_school(school=school))
        action = request.POST.get("action", "save")
        finding_code = action.removeprefix("finding:") if action.startswith("finding:") else None
        if finding_code is not None:
            action = "save"  # record the draft first, then open the finding form from its answer
        try:
            with transaction.atomic():
                saved, _created = services.visit_save_draft(
                    actor=request.user, client_uuid=form.cleaned_data["client_uuid"], school_id=school.pk,
                    data=form.service_data(), answers=answers_from_post(request.POST, version),
                    lessons=lessons_from_post(request.POST), checkin=form.checkin_data(),
                )
                for attachment_id in form.cleaned_data["remove_attachments"]:
                    services.visit_attachment_remove(actor=request.user, visit_id=saved.pk, attachment_id=attachment_id)
                for upload in [*form.cleaned_data["photos"], *form.cleaned_data["files"]]:
                    services.visit_attachment_add(actor=request.user, visit_id=saved.pk, uploaded_file=upload)
                if action == "submit":
                    services.visit_submit(actor=request.user, visit_id=saved.pk)
        except ValidationError as exc:
            for key, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                form.add_error(key if key in form.fields else None, errors)
            if form.cleaned_data.get("photos") or form.cleaned_data.get("files"):
                form.add_error(None, _("Choose the photos and files again: the browser does not keep them."))
            return self.render_to_response(self.form_context(form, visit, posted=request.POST), status=400)
        except TransitionNotAllowed:
            done = selectors.visit_list(user=request.user).filter(client_uuid=form.cleaned_data["client_uuid"]).first()
            if done is None:
                raise
            messages.info(request, _("This visit was already submitted."))
            return HttpResponseRedirect(done.get_absolute_url())
        if action == "submit":
            messages.success(request, _("Visit submitted. The school can now read the record."))
            return HttpResponseRedirect(saved.get_absolute_url())
        messages.success(request, _("Draft saved."))
        if finding_code is not None and request.user.has_perm("inspections.add_finding"):
            return HttpResponseRedirect(_finding_add_url(saved, answer=finding_code))
        return HttpResponseRedirect(reverse("inspections:visit_edit", args=[saved.pk]))

    def form_context(self, form, visit, posted=None) -> dict:
        user = self.request.user
        schools = list(form.fields["school"].queryset)
        checklists = selectors.checklists_for_schools(schools=schools)
        if visit is not None:
            checklists[visit.school_id] = visit.checklist
        values, notes = {}, {}
        if posted is None and visit is not None and visit.response_id:
            for answer in visit.response.answers.select_related("item"):
                values[answer.item.code] = answer.value
                notes[answer.item.code] = answer.note
        versions = {v.pk: v for v in checklists.values() if v is not None}
        fieldsets = []
        for version in versions.values():
            if posted is not None:
                posted_answers = answers_from_post(posted, version)
                v_values = {c: a["value"] for c, a in posted_answers.items()}
                v_notes = {c: a["note"] for c, a in posted_answers.items()}
            elif visit is not None and visit.checklist_id == version.pk:
                v_values, v_notes = values, notes
            else:
                v_values, v_notes = {}, {}
            fieldsets.append({"version": version, "items": _item_rows(version, v_values, v_notes)})
        selected = form["school"].value()
        selected_version = None
        try:
            selected_version = checklists.get(int(selected)) if selected else None
        except (TypeError, ValueError):
            selected_version = None
        if selected_version is None and len(versions) == 1:
            selected_version = next(iter(versions.values()))
        attachments = list(visit.attachments.all()) if visit is not None else []
        return self.get_context_data(
            form=form, object=visit, fieldsets=fieldsets,
            active_version=selected_version.pk if selected_version else None,
            lessons=lesson_rows(visit, posted), rating_choices=RATING_CHOICES,
            attachments=attachments, has_schools=bool(schools),
            can_record_findings=user.has_perm("inspections.add_finding"),
            title=_("Edit visit {visit}").format(visit=visit) if visit else _("New visit"),
            form_config={
                **_device_config(user),
                "visitId": visit.pk if visit else None,
                "isNew": visit is None,
                "syncUrl": reverse("inspections:visit_sync"),
                "uploadUrlTemplate": reverse("api:inspections-visit-attachments", args=[0]).replace("/0/", "/{id}/"),
                "schoolChecklists": {str(k): (v.pk if v else None) for k, v in checklists.items()},
                "checkinPoints": {str(k): v for k, v in selectors.checkin_points(schools=schools).items()},
                "findingUrlTemplate": (reverse("inspections:finding_add") + "?visit={id}&answer={code}"
                                       if user.has_perm("inspections.add_finding") else None),
            },
            form_strings=_js_strings(),
        )


def _js_strings() -> dict:
    return {
        "savedDevice": _("Saved on this device {time}"),
        "synced": _("Synced {time}"),
        "syncing": _("Syncing…"),
        "offline": _("Offline: saved on this device, will sync when the connection returns"),
        "failed": _("Not synced: {error}"),
        "needSchool": _("Choose the school to sync"),
        "submittedElsewhere": _("This visit was already submitted."),
        "offlineSubmit": _("You are offline. The draft is kept on this device; submit when the connection returns."),
        "restored": _("Draft restored from this device."),
        "remove": _("Remove"),
        "pendingPhoto": _("Waiting to upload"),
        "uploaded": _("Uploaded"),
        "continue": _("Continue"),
        "noDrafts": _("No drafts on this device."),
        "notSynced": _("not synced"),
        "newVisit": _("New visit"),
        "photoStoreFailed": _("This browser cannot keep photos offline; they will be sent with the form."),
        "findingOffline": _("You are offline. The draft is kept on this device; record the finding when the "
                            "connection returns."),
        "checkinWorking": _("Reading this device's location…"),
        "checkinWithin": _("Checked in {distance} m from the school"),
        "checkinTooFar": _("Checked in {distance} m from the school, beyond {radius} m: say why below."),
        "checkinNoSchoolPoint": _("Location taken, but the school has no coordinates to compare it with."),
        "checkinNoLocation": _("No location: {error} Say why below."),
        "checkinUnsupported": _("This browser cannot give a location."),
        "checkinAccuracy": _("accuracy about {accuracy} m"),
        "checkinNoSchool": _("Location taken; choose the school to see the distance."),
    }


class VisitTransitionView(TransitionView):
    model = Visit
    services = services.VISIT_TRANSITION_SERVICES
    object_selector = selectors.visit_get

    def invalid(self, obj, error: ValidationError):
        # an incomplete draft goes back to its form, each missing answer named
        for message in error.messages:
            messages.error(self.request, message)
        return HttpResponseRedirect(reverse("inspections:visit_edit", args=[obj.pk]))


def _json_errors(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _visit_json(visit: Visit, *, created: bool = False) -> dict:
    return {
        "id": visit.pk, "client_uuid": str(visit.client_uuid), "status": visit.status, "created": created,
        "url": visit.get_absolute_url(), "edit_url": reverse("inspections:visit_edit", args=[visit.pk]),
        "saved_at": timezone.localtime(visit.updated_at).isoformat(),
        "attachments": [{"id": a.pk, "name": a.original_name, "sha256": a.sha256, "size": a.size}
                        for a in visit.attachments.all()],
    }


class VisitSyncView(ScopedMixin, View):
    """JSON twin of the form for the device draft: ``POST`` the fields, ``answers`` and ``lessons``
    (and ``"submit": true`` to file it). Answers 201 on the first sync of a ``client_uuid``, 200
    after; 400 with ``errors``; 403; 404; 409 when the visit is already submitted."""

    model = Visit
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("inspections.add_visit"):
            return JsonResponse({"detail": _("You may not record visits.")}, status=403)
        try:
            payload = json.loads(request.body.decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError):
            return JsonResponse({"errors": {"__all__": [_("The request is not valid JSON.")]}}, status=400)
        if not isinstance(payload, dict):
            return JsonResponse({"errors": {"__all__": [_("The request is not valid JSON.")]}}, status=400)
        fields = {k: v for k, v in payload.items() if k not in {"photos", "files", "remove_attachments"}}
        form = VisitForm(fields, user=request.user)
        if not form.is_valid():
            return JsonResponse({"errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)
        client_uuid = form.cleaned_data["client_uuid"]
        try:
            with transaction.atomic():
                visit, created = services.visit_save_draft(
                    actor=request.user, client_uuid=client_uuid, school_id=form.cleaned_data["school"].pk,
                    data=form.service_data(), answers=payload.get("answers") or {}, lessons=payload.get("lessons") or [],
                    checkin=form.checkin_data(),
                )
                if payload.get("submit") is True:
                    services.visit_submit(actor=request.user, visit_id=visit.pk)
        except ValidationError as exc:
            return JsonResponse({"errors": _json_errors(exc)}, status=400)
        except TransitionNotAllowed:
            done = selectors.visit_list(user=request.user).filter(client_uuid=client_uuid).first()
            body = {"detail": _("This visit was already submitted."), "status": "submitted"}
            if done is not None:
                body.update({"id": done.pk, "url": done.get_absolute_url()})
            return JsonResponse(body, status=409)
        except PermissionDenied:
            return JsonResponse({"detail": _("You may not change this visit.")}, status=403)
        except ObjectDoesNotExist:
            return JsonResponse({"detail": _("Not found.")}, status=404)
        visit = selectors.visit_get(user=request.user, pk=visit.pk)
        return JsonResponse(_visit_json(visit, created=created), status=201 if created else 200)


class AttachmentDownloadView(TokenDownloadMixin, ScopedMixin, View):
    """Serves an evidence file after checking its bytes against the stored SHA-256 and size, to a
    browser's session or the API's token.

    A file that is gone answers 410 and one whose content changed answers 409, each with a page
    that says so; both are written to the audit log. Files of someone else's draft are not found.
    """

    model = Attachment

    def get(self, request, pk):
        attachment = selectors.attachment_get(user=request.user, pk=pk)
        try:
            data = attachment_read_verified(attachment, actor=request.user)
        except FileCheckFailed as exc:
            return render(request, "inspections/attachment_integrity.html",
                          {"attachment": attachment, "kind": exc.kind, "title": _("File check failed")},
                          status=exc.status_code)
        inline = attachment.content_type in INLINE_TYPES and request.GET.get("download") != "1"
        response = FileResponse(data, content_type=attachment.content_type, as_attachment=not inline,
                                filename=attachment.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-cache"
        response["Digest"] = f"sha-256={attachment.sha256}"
        return response


class AttachmentStampedView(ScopedMixin, View):
    """A visit photo as pages show it: the copy stamped with school, time and visit number, when it is
    there and matches its SHA-256; otherwise the checked original (``AttachmentDownloadView``)."""

    model = Attachment

    def get(self, request, pk):
        attachment = selectors.attachment_get(user=request.user, pk=pk)
        data = attachment_read_stamped(attachment)
        if data is None:
            return HttpResponseRedirect(reverse("inspections:attachment_download", args=[attachment.pk]))
        response = HttpResponse(data, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-cache"
        response["Digest"] = f"sha-256={attachment.stamped_sha256}"
        return response


class CoverageView(ScopedTemplateView):
    """Which schools had no submitted visit this month (national floor: one a month, STANDARDS §0,
    §1.5) and which have fewer than two this term (条例 第十四条, §5.2), per zone and per inspector.
    Office users see their region, zone leaders their zone, inspectors their schools, and a
    school's liaison or principal their own school."""

    template_name = "inspections/visit_coverage.html"

    def get(self, request, *args, **kwargs):
        if not selectors.can_see_coverage(request.user):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        month = selectors.parse_month(self.request.GET.get("month")) or timezone.localdate().replace(day=1)
        region = (drill_region(user=user, region_id=int_param(self.request.GET.get("region")))
                  or drill_region(user=user))  # a region out of sight: the top of the scope
        area = area_of(region)
        zones = [] if area else list(selectors.coverage_zone_choices(user=user, region=region))
        zone_id = int_param(self.request.GET.get("zone"))
        if zone_id not in {z.pk for z in zones}:
            zone_id = None
        coverage = None if zone_id else selectors.coverage_counts(user=user, month=month, region=region)
        detailed = not area and (coverage is None or coverage.school_count <= selectors.DETAIL_LIMIT)
        if detailed:
            coverage = selectors.coverage_summary(user=user, month=month, zone_id=zone_id, region=region)
        previous = (month - datetime.timedelta(days=1)).replace(day=1)
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        ctx.update({
            "title": _("Visit coverage"),
            "coverage": coverage,
            "month_value": month.strftime("%Y-%m"),
            "previous_month": previous.strftime("%Y-%m"),
            "next_month": following.strftime("%Y-%m") if following <= timezone.localdate() else None,
            "zones": zones,
            "zone_id": zone_id,
            "detailed": detailed,
            "area": area,
            "region": region,
            "trail": region_trail(user=user, region=region),
            "monthly_floor": selectors.MONTHLY_FLOOR,
            "term_floor": selectors.TERM_FLOOR,
        })
        return ctx


SERVICE_WORKER = Path(dudao.__file__).resolve().parent / "static" / "dudao" / "visit-sw.js"
PRECACHE_STATIC = (
    "vendor/tabler/tabler.min.css", "vendor/tabler-icons/tabler-icons.min.css", "dudao/dudao.css",
    "dudao/visits.css", "vendor/tabler/tabler.min.js", "vendor/htmx/htmx.min.js", "dudao/dudao.js",
    "dudao/visit-form.js", "dudao/favicon.svg",
)


class VisitServiceWorkerView(ScopedMixin, View):
    """The service worker that keeps the visit form and its assets on the device, so the form
    opens (and restores the draft) without a connection. Served here, not from /static/, so that
    its scope is /inspections/visits/."""

    model = Visit

    def get(self, request):
        precache = {
            "version": uuid.uuid5(uuid.NAMESPACE_URL, SERVICE_WORKER.read_text(encoding="utf-8")).hex[:12],
            "pages": [reverse("inspections:visit_add")],
            "assets": [static(path) for path in PRECACHE_STATIC],
        }
        body = f"self.DUDAO_PRECACHE = {json.dumps(precache)};\n" + SERVICE_WORKER.read_text(encoding="utf-8")
        response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        response["Service-Worker-Allowed"] = reverse("inspections:visit_list")
        return response
