"""Pages of the assessment of inspectors: the office's ranked table (and its Excel), one inspector's
profile with charts, rating an inspector, the ratings one gave, and the office's weighting."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from dudao.accounts.access import OfficeSideMixin, offices_of
from dudao.assessment import selectors, services, tables
from dudao.assessment.filters import AssessmentRatingFilterSet
from dudao.assessment.forms import AssessmentPolicyForm, PeriodForm, answers_from, rating_form
from dudao.assessment.models import AssessmentPolicy, AssessmentRating
from dudao.assessment.scoring import INDICATORS
from dudao.core.downloads import download
from dudao.core.excel import write_table
from dudao.core.forms import validation_message
from dudao.core.views import ObjectDetailView, OfficePolicyView, ScopedMixin, ScopedTemplateView
from dudao.inspectors.models import Inspector
from dudao.instruments.models import Instrument
from dudao.instruments.selectors import version_items
from dudao.jobs.exports import ExportableListView

INDICATOR_LABELS = {
    "visits": gettext_lazy("Visits and coverage"), "tasks": gettext_lazy("Tasks done"),
    "reports": gettext_lazy("Reports on time"), "rectifications": gettext_lazy("Rectifications followed through"),
    "complaints": gettext_lazy("Complaints and satisfaction"), "training": gettext_lazy("Training hours"),
    "ratings": gettext_lazy("Ratings"),
}
DASH = "—"


def _num(value):
    return DASH if value is None else float(value)


def _raw_cells(r) -> list:
    """The records behind the indicators, as the table and the sheet show them."""
    return [r.schools, r.visits, f"{r.months_visited}/{r.months_in_care}", f"{r.tasks_done}/{r.tasks_due}",
            f"{r.reports_on_time}/{r.reports_due}", f"{r.rectifications_followed}/{r.rectifications_due}",
            DASH if r.complaints is None else f"{r.complaints_answered}/{r.complaints}",
            DASH if r.satisfaction is None else float(r.satisfaction),
            f"{r.training_hours}/{r.training_floor}", len(r.ratings)]


RAW_HEADERS = [gettext_lazy("Schools listed"), gettext_lazy("Visits"), gettext_lazy("School-months visited"),
               gettext_lazy("Tasks done"), gettext_lazy("Reports on time"),
               gettext_lazy("Rectifications followed through"), gettext_lazy("Complaints answered"),
               gettext_lazy("Satisfaction"), gettext_lazy("Centralised training hours"), gettext_lazy("Ratings")]


class AssessmentTableView(OfficeSideMixin, ScopedTemplateView):
    """The office's inspectors ranked by their composite score for a year or a term."""

    template_name = "assessment/assessment_table.html"
    permission = "assessment.view_assessment"

    def data(self):
        user = self.request.user
        offices = selectors.assessment_offices(user=user)
        form = PeriodForm(self.request.GET or None, offices=offices)
        own = offices.filter(pk__in=sorted(offices_of(user))).first() or offices.first()
        office = (form.cleaned_data.get("office") if form.is_bound and form.is_valid() else None) or own
        if office is None:
            raise Http404
        period = form.period()
        return form, selectors.assessment_table(user=user, office=office, period=period)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            _form, data = self.data()
            headers = [_("Rank"), _("Inspector"), _("Certificate number"), _("Score"),
                       *[str(INDICATOR_LABELS[k]) for k in INDICATORS], *[str(h) for h in RAW_HEADERS]]
            rows = ([row.rank or DASH, row.inspector.name, row.inspector.certificate_no, _num(row.total),
                     *[_num(row.scores[k]) for k in INDICATORS], *_raw_cells(row.records)] for row in data["rows"])
            title = f"{data['office'].name}{data['period'].label}督学考核"
            return download(write_table(headers, rows, title="督学考核"), title + '.xlsx')
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, data = self.data()
        ctx.update({"title": _("Assessment of inspectors"), "form": form, **data,
                    "labels": [(INDICATOR_LABELS[k], data["policy"].weights[k]) for k in INDICATORS],
                    "table": [(row, [row.scores[k] for k in INDICATORS]) for row in data["rows"]],
                    "export_query": self.request.GET.urlencode()})
        return ctx


class AssessmentProfileView(ObjectDetailView):
    """One inspector's assessment with a radar chart of the indicators against the office's mean."""

    model = Inspector
    template_name = "assessment/assessment_profile.html"
    select_related = ("office__region", "user")

    def object_context(self, ctx, inspector, user):
        if not selectors.may_see_assessment(user=user, inspector=inspector):
            raise PermissionDenied
        form = PeriodForm(self.request.GET or None)
        data = selectors.assessment_profile(user=user, inspector=inspector, period=form.period())
        row = data["row"]
        names = [str(INDICATOR_LABELS[k]) for k in INDICATORS]
        radar = {
            "tooltip": {}, "legend": {"bottom": 0},
            "radar": {"indicator": [{"name": n, "max": 100} for n in names]},
            "series": [{"type": "radar", "data": [
                {"name": inspector.name, "value": [float(row.scores[k] or 0) for k in INDICATORS]},
                {"name": str(_("Office mean")), "value": [float(data["office_mean"][k] or 0) for k in INDICATORS]},
            ]}],
        }
        bars = {
            "tooltip": {}, "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
            "yAxis": {"type": "value", "max": 100}, "grid": {"bottom": 90},
            "series": [{"type": "bar", "data": [row.scores[k] and float(row.scores[k]) for k in INDICATORS]}],
        }
        return {"title": _("Assessment of {name}").format(name=inspector.name), "form": form, **data,
                "cells": [(INDICATOR_LABELS[k], row.scores[k], data["office_mean"][k]) for k in INDICATORS],
                "raw": list(zip(RAW_HEADERS, _raw_cells(row.records), strict=True)),
                "radar": radar, "bars": bars,
                "may_rate": selectors.rater_roles(user=user, inspector=inspector, period=data["period"])}


class RatingFormView(ScopedMixin, FormView):
    """Rates an inspector on the office's questionnaire for a period, as self, peer or school."""

    model = Inspector
    template_name = "assessment/rating_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.inspector = self.get_object()
            self.period = PeriodForm(request.GET or None).period()
            self.roles = selectors.rater_roles(user=request.user, inspector=self.inspector, period=self.period)
            if not self.roles:
                raise PermissionDenied
            self.role = request.GET.get("role") if request.GET.get("role") in self.roles else self.roles[0]
            version = selectors.rating_version(selectors.assessment_policy_for(self.inspector.office))
            if version is None:
                raise Http404
            self.items = version_items(version=version)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return rating_form(self.items)

    def form_valid(self, form):
        try:
            services.rating_submit(actor=self.request.user, inspector_id=self.inspector.pk,
                                   period_kind=self.period.kind, period_start=self.period.start, role=self.role,
                                   answers=answers_from(form), comment=form.cleaned_data.get("comment", ""))
        except ValidationError as error:
            form.add_error(None, validation_message(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you: your rating was recorded."))
        return HttpResponseRedirect(reverse("assessment:rating_list"))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "inspector": self.inspector, "period": self.period,
                "role": self.role, "roles": self.roles, "role_label": AssessmentRating.Role(self.role).label,
                "title": _("Rate {name}").format(name=self.inspector.name)}


class RatingListView(ExportableListView):
    """The ratings one gave (the office: its region's), and the inspectors one may still rate."""

    model = AssessmentRating
    template_name = "assessment/rating_list.html"
    default_ordering = ("-period_start", "inspector__sort_key", "pk")
    title = gettext_lazy("Assessment ratings")
    columns = tables.RATING_COLUMNS

    filterset_class = AssessmentRatingFilterSet

    selector = selectors.my_ratings

    def list_context(self, ctx, user):
        period = PeriodForm(self.request.GET or None).period()
        return {"period": period, "to_rate": selectors.rateable_inspectors(user=user, period=period)}


class AssessmentPolicyView(OfficePolicyView):
    """The office's weighting of indicators and rater groups, instrument and aggregation."""

    model = AssessmentPolicy
    form_class = AssessmentPolicyForm
    permission = "assessment.change_assessmentpolicy"
    success_url = reverse_lazy("assessment:assessment")
    title = gettext_lazy("Assessment weighting of {office}")

    def get_form_kwargs(self):
        instruments = Instrument.objects.for_user(self.request.user).filter(
            office=self.office, kind=Instrument.Kind.QUESTIONNAIRE).order_by("name")
        return {**super().get_form_kwargs(), "instruments": instruments}

    def get_initial(self):
        policy = selectors.assessment_policy_for(self.office)
        return {"aggregation": policy.aggregation, "instrument": policy.instrument,
                **{f"weight_{k}": v for k, v in policy.weights.items()},
                **{f"group_{k}": v for k, v in policy.group_weights.items()}}

    def perform(self, form):
        data = form.cleaned_data
        services.assessment_policy_set(
            actor=self.request.user, office_id=self.office.pk, aggregation=data["aggregation"],
            instrument_id=data["instrument"].pk if data["instrument"] else None,
            weights={k[7:]: v for k, v in data.items() if k.startswith("weight_")},
            group_weights={k[6:]: v for k, v in data.items() if k.startswith("group_")})

