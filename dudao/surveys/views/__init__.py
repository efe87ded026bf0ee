"""Pages of satisfaction surveys for signed-in users: list, create, edit, detail with links and
codes, results with charts and the comparison with last year, QR sheets to print, QR images."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from dudao.accounts.access import acts_for_office
from dudao.core.downloads import download
from dudao.core.views import ObjectDetailView, ScopedMixin, TransitionView, int_param
from dudao.core.workflow import available_transitions
from dudao.inspectors.signboards import public_base_url
from dudao.jobs.exports import ExportableListView
from dudao.surveys import charts, exports, qr, selectors, services, tables
from dudao.surveys.filters import SurveyFilterSet
from dudao.surveys.forms import CodesForm, SurveyForm
from dudao.surveys.models import Survey, SurveyCode, SurveyLink


class SurveyListView(ExportableListView):
    model = Survey
    filterset_class = SurveyFilterSet
    default_ordering = ("-year", "-pk")
    add_url_name = "surveys:survey_add"
    title = gettext_lazy("Satisfaction surveys")
    columns = tables.SURVEY_COLUMNS

    selector = selectors.survey_list


def _form_context(form, title):
    return {"form": form, "title": title, "opts": Survey._meta}


class SurveyAddView(ScopedMixin, TemplateView):
    model = Survey
    template_name = "core/object_edit.html"
    permission_action = "add"

    def get(self, request):
        return self.render_to_response(_form_context(SurveyForm(user=request.user), _("New satisfaction survey")))

    def post(self, request):
        form = SurveyForm(request.POST, user=request.user)
        if form.is_valid():
            office = form.cleaned_data["office"]
            try:
                survey = services.survey_create(actor=request.user, office_id=office.pk, year=form.cleaned_data["year"],
                                                school_ids=form.school_ids(office) or [], **form.service_fields())
            except ValidationError as exc:
                form.add_service_errors(exc, SurveyForm.SERVICE_FIELDS)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(survey.get_absolute_url())
        return self.render_to_response(_form_context(form, _("New satisfaction survey")), status=400)


class SurveyEditView(ScopedMixin, TemplateView):
    model = Survey
    template_name = "core/object_edit.html"
    permission_action = "change"

    change_check = selectors.survey_can_change

    def initial(self) -> dict:
        s = self.object
        return {"title": s.title, "year": s.year, "version": s.version_id, "groups": s.groups, "closes_on": s.closes_on,
                "counted_options": " | ".join(s.counted_options), "pass_percent": s.pass_threshold * 100,
                "single_use": s.single_use, "introduction": s.introduction}

    def get(self, request, *args, **kwargs):
        form = SurveyForm(initial=self.initial(), user=request.user, survey=self.object)
        return self.render_to_response({**_form_context(form, _("Edit {name}").format(name=self.object)),
                                        "object": self.object})

    def post(self, request, *args, **kwargs):
        form = SurveyForm(request.POST, initial=self.initial(), user=request.user, survey=self.object)
        if form.is_valid():
            fields = form.service_fields()
            if "version" in form.fields:
                school_ids = form.school_ids(self.object.office)
                if school_ids is not None:
                    fields["school_ids"] = school_ids
            try:
                services.survey_update(actor=request.user, survey_id=self.object.pk, **fields)
            except ValidationError as exc:
                form.add_service_errors(exc, SurveyForm.SERVICE_FIELDS)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(self.object.get_absolute_url())
        return self.render_to_response({**_form_context(form, _("Edit {name}").format(name=self.object)),
                                        "object": self.object}, status=400)


class SurveyDetailView(ObjectDetailView):
    model = Survey
    select_related = ("office__region", "version__instrument", "created_by")

    def object_context(self, ctx, survey, user):
        base = public_base_url(self.request)
        links = list(selectors.link_list(user=user, survey=survey))
        for link in links:
            link.url = base + link.get_public_path()
        return {
            "title": str(survey),
            "links": links,
            "transitions": available_transitions(survey, user) if ctx["can_change"] else [],
            "codes_form": CodesForm(user=user, survey=survey) if ctx["can_change"] and survey.single_use
            and survey.status != Survey.Status.CLOSED else None,
            "accepting": survey.is_accepting(),
            "response_count": sum(link.response_count for link in links),
        }


class SurveyTransitionView(TransitionView):
    model = Survey
    services = services.SURVEY_TRANSITION_SERVICES


class SurveyCodesView(ScopedMixin, View):
    """POST: generate single-use codes for the survey's links (all, or one school and/or group)."""

    model = Survey
    permission_action = "change"

    def post(self, request, pk):
        survey = self.get_object()
        form = CodesForm(request.POST, user=request.user, survey=survey)
        if not form.is_valid():
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(survey.get_absolute_url())
        school = form.cleaned_data.get("school")
        made = services.survey_codes_generate(actor=request.user, survey_id=survey.pk, count=form.cleaned_data["count"],
                                              school_id=school.pk if school else None,
                                              group=form.cleaned_data.get("group") or None)
        messages.success(request, _("{n} codes made.").format(n=made))
        return HttpResponseRedirect(survey.get_absolute_url())


class SurveyResultsView(ScopedMixin, TemplateView):
    """Rates per school and group, counts per question, charts, last year beside this one, Excel."""

    model = Survey
    template_name = "surveys/survey_results.html"

    def get(self, request, pk):
        survey = selectors.survey_get(user=request.user, survey_id=pk)
        group = request.GET.get("group") or None
        if group not in (None, *survey.groups):
            group = None
        results = selectors.survey_results(user=request.user, survey=survey, school_id=int_param(request.GET.get("school")),
                                           group=group)
        comparison = selectors.survey_comparison(user=request.user, survey=survey, results=results)
        if request.GET.get("export") == "xlsx":
            name = f"满意度调查结果-{survey.title}-{survey.year}.xlsx"
            return download(exports.results_workbook(results, comparison), name)
        return self.render_to_response({
            "title": _("Results: {survey}").format(survey=survey), "object": survey, "results": results,
            "comparison": comparison, "school_chart": charts.school_chart(results),
            "question_chart": charts.question_chart(results),
            "threshold_percent": survey.pass_threshold * 100, "is_office": acts_for_office(request.user),
        })


class SurveyQRSheetView(ScopedMixin, TemplateView):
    """A page to print: per school, one QR code and address per respondent group."""

    model = Survey
    template_name = "surveys/qr_sheet.html"

    def get(self, request, pk):
        survey = selectors.survey_get(user=request.user, survey_id=pk)
        base = public_base_url(request)
        links = selectors.link_list(user=request.user, survey=survey)
        school = int_param(request.GET.get("school"))
        if school is not None:
            links = links.filter(school_id=school)
        sheets: dict[int, dict] = {}
        for link in links:
            url = base + link.get_public_path()
            sheet = sheets.setdefault(link.school_id, {"school": link.school, "links": []})
            sheet["links"].append({"group": link.get_group_display(), "url": url, "svg": qr.qr_svg(url)})
        return self.render_to_response({"title": _("QR codes: {survey}").format(survey=survey), "object": survey,
                                        "sheets": list(sheets.values())})


class SurveyCodeSheetView(ScopedMixin, TemplateView):
    """Slips to cut out: the unused single-use codes of one link, each with its own QR code."""

    model = SurveyLink
    template_name = "surveys/code_sheet.html"

    def get(self, request, pk):
        link = get_object_or_404(self.scoped_queryset().select_related("survey", "school"), pk=pk)
        if not link.survey.single_use:
            raise Http404
        base = public_base_url(request)
        codes = SurveyCode.objects.filter(link=link, used=False).order_by("pk")  # scope: the link read through for_user
        slips = []
        for code in codes[:500]:
            code.link = link
            url = base + code.get_public_path()
            slips.append({"code": code.code, "url": url, "svg": qr.qr_svg(url, scale=3)})
        return self.render_to_response({"title": _("Single-use codes: {link}").format(link=link), "link": link,
                                        "slips": slips})


class LinkQRView(ScopedMixin, View):
    """The QR code of one link as PNG (``?format=svg`` for SVG)."""

    model = SurveyLink

    def get(self, request, pk):
        link = get_object_or_404(self.scoped_queryset().select_related("survey", "school"), pk=pk)
        url = public_base_url(request) + link.get_public_path()
        name = f"{link.school.code}-{link.group}"
        if request.GET.get("format") == "svg":
            response = HttpResponse(qr.qr_svg(url, scale=8), content_type="image/svg+xml")
            response["Content-Disposition"] = f'inline; filename="{name}.svg"'
            return response
        response = HttpResponse(qr.qr_png(url), content_type="image/png")
        response["Content-Disposition"] = f'inline; filename="{name}.png"'
        return response
