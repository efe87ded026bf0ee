"""Pages of balanced-development monitoring: statistics years, returns, import, analysis, trends."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from dudao.accounts.access import offices_of
from dudao.core.choices import YEARS, year_or_none
from dudao.core.downloads import download
from dudao.core.importing import RowError
from dudao.core.views import ObjectDetailView, ObjectEditView, ScopedMixin, TransitionView, UploadViewMixin
from dudao.core.workflow import TransitionNotAllowed, available_transitions
from dudao.jobs.exports import ExportableListView as ObjectListView
from dudao.monitoring import charts, exports, selectors, services, tables, texts
from dudao.monitoring.filters import SchoolReturnFilterSet, StatisticsYearFilterSet
from dudao.monitoring.forms import BalanceStandardForm, SchoolReturnForm, StatisticsYearOpenForm
from dudao.monitoring.formulas import COMPULSORY_STAGES, Method, indicators_for
from dudao.monitoring.models import BalanceStandard, SchoolReturn, StatisticsYear
from dudao.organizations.models import Office


class StatisticsYearListView(ObjectListView):
    model = StatisticsYear
    filterset_class = StatisticsYearFilterSet
    default_ordering = ("-year", "office__region__path")
    add_url_name = "monitoring:year_add"
    title = gettext_lazy("Balanced development: statistics years")
    columns = tables.STATISTICS_YEAR_COLUMNS

    selector = selectors.statistics_year_list

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["extra_links"] = [("monitoring:rollup", _("Counties side by side"))]
        return ctx


class StatisticsYearAddView(ScopedMixin, TemplateView):
    model = StatisticsYear
    template_name = "core/object_edit.html"

    permission_action = "add"

    def get(self, request):
        return self.render_to_response({"form": StatisticsYearOpenForm(user=request.user),
                                        "title": _("Open a statistics year"), "opts": self.opts})

    def post(self, request):
        form = StatisticsYearOpenForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                year = services.statistics_year_open(actor=request.user, office_id=form.cleaned_data["office"].pk,
                                                     year=form.cleaned_data["year"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return HttpResponseRedirect(year.get_absolute_url())
        return self.render_to_response({"form": form, "title": _("Open a statistics year"), "opts": self.opts},
                                       status=400)


class StatisticsYearDetailView(ObjectDetailView):
    model = StatisticsYear
    template_name = "monitoring/year_detail.html"
    select_related = ("office__region", "locked_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["title"] = str(self.object)
        ctx["transitions"] = available_transitions(self.object, user) if ctx["can_change"] else []
        ctx["returns"] = selectors.school_return_list(user=user, statistics_year=self.object).order_by(
            "school__code", "stage")
        ctx["can_import"] = ctx["can_change"] and not self.object.is_locked and user.has_perm(
            "monitoring.add_schoolreturn")
        ctx["can_add_return"] = not self.object.is_locked and user.has_perm("monitoring.add_schoolreturn")
        return ctx


def _call(service):
    def call(*, actor, statisticsyear_id, reason=""):
        return service(actor=actor, statistics_year_id=statisticsyear_id, reason=reason)
    return call


class StatisticsYearTransitionView(TransitionView):
    model = StatisticsYear
    services = {name: _call(service) for name, service in services.STATISTICS_YEAR_TRANSITION_SERVICES.items()}


class SchoolReturnListView(ObjectListView):
    model = SchoolReturn
    filterset_class = SchoolReturnFilterSet
    default_ordering = ("-statistics_year__year", "school__code", "stage")
    columns = tables.SCHOOL_RETURN_COLUMNS

    selector = selectors.school_return_list


class SchoolReturnDetailView(ObjectDetailView):
    model = SchoolReturn
    template_name = "monitoring/return_detail.html"
    select_related = ("school__region", "statistics_year__office", "submitted_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = str(self.object)
        ctx["fields"] = [(f.verbose_name, getattr(self.object, f.name)) for f in SchoolReturn._meta.fields
                         if f.name in ("students", "senior_students", *services.VALUE_FIELDS)]
        ctx["can_change"] = ctx["can_change"] and not self.object.statistics_year.is_locked
        return ctx


class SchoolReturnEditView(ObjectEditView):
    """Adds (``years/<year>/returns/add/``) or edits one return; a locked year answers 409."""

    model = SchoolReturn
    form_class = SchoolReturnForm
    service = services.school_return_save

    def get_instance(self):
        if "year" in self.kwargs:
            self.require_perm("add")
            year = selectors.statistics_year_get(user=self.request.user, pk=self.kwargs["year"])
            instance = SchoolReturn(statistics_year=year)
        else:
            instance = super().get_instance()
            year = instance.statistics_year
        if year.is_locked:
            raise TransitionNotAllowed(_("The statistics year {year} is locked.").format(year=year.year))
        self.statistics_year = year
        return instance

    def get_form(self, instance):
        data = self.request.POST if self.request.method == "POST" else None
        return self.form_class(data, instance=instance, user=self.request.user, statistics_year=self.statistics_year)

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as exc:
            instance = self.get_instance()
            form = self.get_form(instance)
            form.is_valid()
            for field, errors in exc.message_dict.items():
                form.add_error(None if field not in form.fields else field, errors)
            return self.render_to_response(self.get_context_data(form=form, object=instance), status=400)


class SchoolReturnImportView(UploadViewMixin, ScopedMixin, TemplateView):
    """Imports the county workbook into a year: every error and warning listed; errors block writing."""

    model = StatisticsYear
    template_name = "monitoring/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.year = self.get_object()
            if self.year.is_locked:
                raise TransitionNotAllowed(
                    _("The statistics year {year} is locked.").format(year=self.year.year))
            if not (request.user.has_perm("monitoring.add_schoolreturn")
                    and self.scoped_queryset("change").filter(pk=self.year.pk).exists()):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            return template_response(selectors.template_rows(user=request.user, statistics_year=self.year))
        return self.render_to_response({"object": self.year, "title": _("Import returns for {year}").format(
            year=self.year)})

    def post(self, request, *args, **kwargs):
        upload = request.FILES.get("file")
        ctx = {"object": self.year, "title": _("Import returns for {year}").format(year=self.year)}
        if upload is None:
            ctx["errors"] = [RowError(0, "", _("Choose a file."), "file")]
            return self.render_to_response(ctx, status=400)
        suffix = Path(upload.name).suffix.lower() or ".xlsx"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            report = services.school_return_import(actor=request.user, statistics_year_id=self.year.pk, path=path,
                                                   confirm_warnings=bool(request.POST.get("confirm")),
                                                   filename=upload.name)
        if report.written:
            messages.success(request, _("{n} returns written ({m} replaced).").format(n=report.written,
                                                                                     m=report.replaced))
            return HttpResponseRedirect(self.year.get_absolute_url())
        ctx.update({"errors": report.errors, "warnings": report.warnings,
                    "needs_confirmation": report.needs_confirmation})
        return self.render_to_response(ctx, status=400 if report.errors else 200)


def template_response(rows: list[list[str]]) -> HttpResponse:
    """The county workbook template with the office's schools filled in (``selectors.template_rows``)."""
    return download(exports.prefilled_template(rows), "学校办学条件统计模板.xlsx")


class StatisticsYearAnalysisView(ScopedMixin, TemplateView):
    """The balance analysis of one year by one method, 小学 and 初中 separately (STANDARDS §3, §4)."""

    model = StatisticsYear
    template_name = "monitoring/analysis.html"

    def get(self, request, *args, **kwargs):
        year = self.get_object()
        method = selectors.method_of(request.GET.get("method"))
        result = selectors.year_analysis(user=request.user, statistics_year=year, method=method)
        if request.GET.get("export") == "xlsx":
            data = exports.analysis_workbook(result)
            name = f"{_('Balance analysis')}-{year.office.name}-{year.year}-{method.value}.xlsx"
            return download(data, name)
        levels = []
        for stage, level in result["levels"].items():
            levels.append({**level, "chart_id": f"cv-chart-{stage}", "chart": charts.cv_chart(level),
                           "indicator_names": {i["key"]: i["name"] for i in level["indicators"]},
                           "top_contributions": exports.top_contributions(level)})
        ctx = {"object": year, "title": _("Balance analysis {year}").format(year=year), "result": result,
               "levels": levels, "method": method.value, "methods": selectors.METHODS,
               "parameters": selectors.method_parameters(result), "source": result["standards_source"],
               "set_at": parse_datetime(result["standards_source"]["set_at"] or "")}
        return render(request, self.template_name, ctx)



class CountyTrendsView(ScopedMixin, TemplateView):
    """The CVs per indicator of a county office across its years with returns."""

    model = StatisticsYear
    template_name = "monitoring/trends.html"

    def get(self, request, office_id):
        years = selectors.statistics_year_list(user=request.user).filter(office_id=office_id)
        first = years.first()
        if first is None:
            raise Http404
        method = selectors.method_of(request.GET.get("method"))
        trends = selectors.county_trends(user=request.user, office_id=office_id, method=method)
        labels = {s.value: str(texts.localize(s.label)) for s in COMPULSORY_STAGES}
        if request.GET.get("export") == "xlsx":
            headers, rows = exports.trends_rows(trends, labels)
            title = _("CV trends")
            return download(exports.table_workbook(title, headers, rows), f"{title}-{first.office.name}-{method.value}.xlsx")
        stages = []
        for stage, series in trends["series"].items():
            rows = [(trends["names"].get(key, key), values) for key, values in series.items()]
            stages.append({"stage": stage, "label": labels.get(stage, stage), "rows": rows,
                           "passed": trends["passed"][stage],
                           "chart_id": f"trend-chart-{stage}",
                           "chart": charts.trend_chart(trends["years"], series, trends["names"])})
        return render(request, self.template_name, {
            "title": _("Trends of {office}").format(office=first.office), "office": first.office,
            "trends": trends, "stages": stages, "method": method.value, "methods": selectors.METHODS})


class RollupView(ScopedMixin, TemplateView):
    """City or province roll-up: each county and each level on its own line, never pooled."""

    model = StatisticsYear
    template_name = "monitoring/rollup.html"

    def get(self, request):
        self.require_perm("view")
        method = selectors.method_of(request.GET.get("method"))
        year = request.GET.get("year")
        lines = selectors.rollup(user=request.user, method=method, year=int(year) if year and year.isdigit() else None)
        if request.GET.get("export") == "xlsx":
            headers, rows = exports.rollup_rows(lines)
            title = _("Counties side by side")
            return download(exports.table_workbook(title, headers, rows), f"{title}-{method.value}.xlsx")
        return render(request, self.template_name, {"title": _("Counties side by side"), "lines": lines,
                                                    "method": method.value, "methods": selectors.METHODS,
                                                    "year": year or ""})


class BalanceStandardView(ScopedMixin, TemplateView):
    """The thresholds and standards of an office's analyses for one year and method (STANDARDS §3.5, §4.2):
    the values in force and whose they are; the office administrator sets or clears the office's own."""

    model = BalanceStandard
    template_name = "monitoring/standards.html"
    permission_action = "view"

    def setup_target(self, request):
        params = request.POST if request.method == "POST" else request.GET
        offices = Office.objects.for_user(request.user).select_related("region").order_by("region__path")
        wanted = params.get("office")
        if wanted:
            if not wanted.isdigit():
                raise Http404
            office = get_object_or_404(offices, pk=int(wanted))
        else:
            office = offices.filter(pk__in=sorted(offices_of(request.user))).first() or offices.first()
            if office is None:
                raise Http404
        self.office, self.offices = office, offices
        self.year = year_or_none(params.get("year", "")) or timezone.localdate().year
        self.method = selectors.method_of(params.get("method"))

    def can_change(self) -> bool:
        user = self.request.user
        return user.has_perm("monitoring.change_balancestandard") and Office.objects.for_user(
            user, "change").filter(pk=self.office.pk).exists()

    def get(self, request, *args, **kwargs):
        self.setup_target(request)
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_target(request)
        if not self.can_change():
            raise PermissionDenied
        in_force = selectors.standards_in_force(office=self.office, year=self.year, method=self.method)
        if request.POST.get("clear"):
            if in_force["source"]["own"]:
                services.balance_standard_clear(actor=request.user, balance_standard_id=in_force["source"]["id"])
                messages.success(request, _("The office's own thresholds were removed."))
            return HttpResponseRedirect(self.target_url())
        form = BalanceStandardForm(request.POST, method=self.method, in_force=in_force)
        if form.is_valid():
            try:
                services.balance_standard_set(actor=request.user, office_id=self.office.pk, year=self.year,
                                              method=self.method.value, **form.setting())
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(self.target_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def target_url(self) -> str:
        return f"{self.request.path}?office={self.office.pk}&year={self.year}&method={self.method.value}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        in_force = selectors.standards_in_force(office=self.office, year=self.year, method=self.method)
        can_change = self.can_change()
        labels = {s.value: str(texts.localize(s.label)) for s in COMPULSORY_STAGES}
        rows = [{"name": texts.localize(spec.name), "unit": texts.localize(spec.unit),
                 "values": [in_force["standards"].get(s.value, {}).get(spec.key) for s in COMPULSORY_STAGES]}
                for spec in indicators_for(self.method)] if self.method is Method.QUALITY_2017 else []
        ctx.update({
            "title": _("Thresholds and standards of the balance analysis"),
            "office": self.office, "offices": self.offices, "year": self.year, "years": YEARS,
            "method": self.method.value, "methods": selectors.METHODS, "in_force": in_force,
            "source": in_force["source"],
            "thresholds": [(labels[s], v) for s, v in in_force["thresholds"].items()],
            "floor_percent": None if in_force["floor_ratio"] is None else in_force["floor_ratio"] * 100,
            "rows": rows, "can_change": can_change,
            "form": kwargs.get("form") or (BalanceStandardForm(method=self.method, in_force=in_force)
                                           if can_change else None),
        })
        return ctx
