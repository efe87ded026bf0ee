"""Pages of evaluations: thin views over ``selectors`` (reads) and ``services`` (writes)."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from dudao.accounts.access import offices_of, sees_everything
from dudao.core.downloads import TokenDownloadMixin, download, verified_attachment
from dudao.core.forms import message_validation_error, note_form
from dudao.core.views import ScopedMixin, TransitionView
from dudao.core.workflow import available_transitions
from dudao.evaluations import exports, selectors, services, tables
from dudao.evaluations import visibility as v
from dudao.evaluations.filters import EvaluationFilterSet
from dudao.evaluations.forms import (
    EvaluationForm,
    EvidenceForm,
    OpinionForm,
    RaterForm,
    ReplyForm,
    SiteVisitForm,
    UnitsForm,
)
from dudao.evaluations.models import Evaluation, Evidence, Rating, Unit
from dudao.jobs.exports import ExportableListView
from dudao.organizations.models import Office

TRANSITION_LABELS = {
    "notify": gettext_lazy("Send the notice"), "review": gettext_lazy("Start the on-site review"),
    "rate": gettext_lazy("Open the rating"), "feed_back": gettext_lazy("Feed back the preliminary opinion"),
    "conclude": gettext_lazy("Close the replies"), "publish": gettext_lazy("Publish the results"),
}


class EvaluationListView(ExportableListView):
    model = Evaluation
    filterset_class = EvaluationFilterSet
    select_related = ("office__region", "version__instrument")
    default_ordering = ("-year", "-pk")
    add_url_name = "evaluations:evaluation_create"
    title = gettext_lazy("Evaluations")
    columns = tables.EVALUATION_COLUMNS


class EvaluationCreateView(ScopedMixin, FormView):
    model = Evaluation
    template_name = "core/object_edit.html"
    form_class = EvaluationForm
    permission = "evaluations.manage_evaluation"

    def offices(self):
        qs = Office.objects.for_user(self.request.user).select_related("region")
        return qs if sees_everything(self.request.user) else qs.filter(pk__in=sorted(offices_of(self.request.user)))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "offices": self.offices()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                actor=self.request.user, office=data["office"], title=data["title"], year=data["year"],
                kind=data["kind"], version_id=data["version"].pk, aggregation=data["aggregation"],
                weight_by_group=data["weight_by_group"], veto_cap=data["veto_cap"],
                description=data["description"], self_assessment_due=data["self_assessment_due"],
                group_weights=form.group_weights())
        except ValidationError as exc:
            message_validation_error(self.request, exc)
            return self.form_invalid(form)
        return HttpResponseRedirect(evaluation.get_absolute_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New evaluation")}


class EvaluationMixin(ScopedMixin):
    model = Evaluation

    def get_evaluation(self):
        return selectors.evaluation_get(user=self.request.user, evaluation_id=self.kwargs["pk"])


class EvaluationDetailView(EvaluationMixin, TemplateView):
    template_name = "evaluations/evaluation_detail.html"

    def get_context_data(self, **kwargs):
        evaluation = self.get_evaluation()
        user = self.request.user
        who = selectors.viewer(user=user, evaluation=evaluation)
        units = list(selectors.unit_list(user=user, evaluation=evaluation))
        ratings = list(selectors.rating_list(user=user, evaluation=evaluation))
        progress = {"units": len(units), "self": sum(1 for u in units if u.status != Unit.Status.PENDING),
                    "sheets": len(ratings), "submitted": sum(1 for r in ratings if r.status == Rating.Status.SUBMITTED)}
        ctx = super().get_context_data(**kwargs)
        ctx.update({
            "title": evaluation.title, "object": evaluation, "viewer": who, "units": units,
            "results_visible": who.results_visible(evaluation), "progress": progress,
            "phases": Evaluation.Status.choices, "phase_index": v.PHASES.index(evaluation.status),
            "my_ratings": [r for r in ratings if who.rater and r.rater_id == who.rater.pk],
            "transitions": [(t, TRANSITION_LABELS[t]) for t in available_transitions(evaluation, user)]
            if who.office else [],
            "groups": list(evaluation.groups.all()),
            "raters": list(evaluation.raters.select_related("user", "group")) if who.office else [],
        })
        if who.office and evaluation.status == v.DRAFT:
            ctx["units_form"] = UnitsForm(user=user)
        if who.office and evaluation.status in {v.DRAFT, v.NOTIFIED, v.ON_SITE}:
            ctx["rater_form"] = RaterForm(evaluation=evaluation)
        return ctx


class EvaluationUnitsView(EvaluationMixin, View):
    def post(self, request, pk):
        evaluation = self.get_evaluation()
        form = UnitsForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.units_add(actor=request.user, evaluation_id=evaluation.pk,
                                   school_ids=[s.pk for s in form.cleaned_data["schools"]],
                                   region_ids=[r.pk for r in form.cleaned_data["regions"]])
                messages.success(request, _("Units added."))
            except ValidationError as exc:
                message_validation_error(request, exc)
        else:
            messages.error(request, _("Choose schools or regions you can see."))
        return HttpResponseRedirect(evaluation.get_absolute_url())


class EvaluationRaterView(EvaluationMixin, View):
    def post(self, request, pk):
        evaluation = self.get_evaluation()
        form = RaterForm(request.POST, evaluation=evaluation)
        if form.is_valid():
            try:
                services.rater_add(actor=request.user, evaluation_id=evaluation.pk,
                                   user_id=form.cleaned_data["user"].pk, group=form.cleaned_data["group"])
                messages.success(request, _("Rater added."))
            except ValidationError as exc:
                message_validation_error(request, exc)
        else:
            messages.error(request, _("Choose an account and a group."))
        return HttpResponseRedirect(evaluation.get_absolute_url())


class EvaluationTransitionView(EvaluationMixin, TransitionView):
    """POST ``<pk>/phase/<name>/``: the office moves the evaluation to its next phase."""

    services = services.EVALUATION_TRANSITION_SERVICES
    form_class = note_form(length=500)

    def get_object(self):
        return self.get_evaluation()

    def invalid(self, obj, error):
        message_validation_error(self.request, error)
        return HttpResponseRedirect(obj.get_absolute_url())


class EvaluationResultsView(EvaluationMixin, TemplateView):
    template_name = "evaluations/evaluation_results.html"

    def get_context_data(self, **kwargs):
        evaluation = self.get_evaluation()
        res = selectors.results(user=self.request.user, evaluation=evaluation)
        if res is None:
            raise PermissionDenied
        rows = []
        for unit in res.units:
            rows.append({"unit": unit, "top": [unit.node_points.get(i.code, "") for i in res.top],
                         "gap": res.gaps.get(unit.pk, {}).get("total"),
                         "raters": res.rater_totals.get(unit.pk, {}),
                         "outliers": res.agreement.get(unit.pk, {}).get("outliers", [])})
        spreads = []
        for unit in res.units:
            spread = res.agreement.get(unit.pk, {}).get("spread", {})
            wide = sorted(spread.items(), key=lambda kv: -kv[1].range)[:5]
            spreads.append({"unit": unit, "wide": [(code, s) for code, s in wide if s.range > 0]})
        return {**super().get_context_data(**kwargs), "title": _("Results: {title}").format(title=evaluation.title),
                "object": evaluation, "res": res, "rows": rows, "spreads": spreads,
                "office": selectors.is_office(user=self.request.user, evaluation=evaluation),
                "chart": selectors.chart_data(res)}


class EvaluationExportView(EvaluationMixin, View):
    def get(self, request, pk):
        evaluation = self.get_evaluation()
        data = exports.score_sheet(user=request.user, evaluation=evaluation)
        if data is None:
            raise PermissionDenied
        return download(data, exports.filename(evaluation))


class EvaluationReportView(EvaluationMixin, View):
    def post(self, request, pk):
        evaluation = self.get_evaluation()
        document = services.report_generate(actor=request.user, evaluation_id=evaluation.pk)
        return HttpResponseRedirect(document.get_absolute_url())


# ---- units ---------------------------------------------------------------------------------------

class UnitMixin(ScopedMixin):
    model = Unit

    def get_unit(self):
        return selectors.unit_get(user=self.request.user, unit_id=self.kwargs["pk"])


class UnitDetailView(UnitMixin, TemplateView):
    template_name = "evaluations/unit_detail.html"

    def get_context_data(self, **kwargs):
        unit = self.get_unit()
        evaluation = unit.evaluation
        user = self.request.user
        who = selectors.viewer(user=user, evaluation=evaluation)
        is_unit = services.unit_side(user, unit)
        items = selectors.indicator_rows(evaluation)
        evidence = list(selectors.evidence_list(user=user, unit=unit))
        by_code: dict[str, list] = {}
        for e in evidence:
            by_code.setdefault(e.item_code, []).append(e)
        show_self = v.self_assessment_visible(evaluation.status, office=who.office, unit=is_unit,
                                              rater=who.rater is not None)
        results = who.results_visible(evaluation) and unit.total is not None
        rows = [{"item": i, "self": unit.self_scores.get(i.code) if show_self else None,
                 "self_note": unit.self_notes.get(i.code, "") if show_self else "",
                 "evidence": by_code.get(i.code, []),
                 "points": unit.leaf_points.get(i.code) or unit.node_points.get(i.code) if results else None}
                for i in items]
        editable = is_unit and evaluation.status in v.SELF_ASSESSMENT_PHASES and unit.status == Unit.Status.PENDING
        ctx = super().get_context_data(**kwargs)
        ctx.update({
            "title": unit.name, "object": unit, "evaluation": evaluation, "viewer": who, "is_unit": is_unit,
            "rows": rows, "editable": editable, "show_self": show_self, "results": results,
            "visits": list(selectors.visit_list(user=user, unit=unit)),
            "ratings": list(selectors.rating_list(user=user, unit=unit)) if (who.office or who.rater) else [],
            "evidence_form": EvidenceForm(leaves=[i for i in items if i.response_type != "section"])
            if editable else None,
            "visit_form": SiteVisitForm() if (who.office or who.rater) and evaluation.status in v.VISIT_PHASES
            else None,
            "reply_form": ReplyForm() if is_unit and evaluation.status in v.REPLY_PHASES
            and unit.status != Unit.Status.REPLIED else None,
            "opinion_form": OpinionForm(initial={"evaluation_text": unit.preliminary_opinion})
            if who.office and evaluation.status in v.OPINION_PHASES and unit.status != Unit.Status.CONCLUDED else None,
            "show_preliminary": evaluation.status in v.UNIT_RESULT_PHASES,
        })
        return ctx


class UnitSelfView(UnitMixin, View):
    def post(self, request, pk):
        unit = self.get_unit()
        specs = services.specs_of(unit.evaluation)
        scores = {s.code: request.POST.get(f"score_{s.code}", "") for s in specs if s.is_scored}
        notes = {s.code: request.POST.get(f"note_{s.code}", "") for s in specs if s.is_scored}
        try:
            services.self_assessment_save(actor=request.user, unit_id=unit.pk, scores=scores, notes=notes,
                                          narrative=request.POST.get("narrative", ""))
            if request.POST.get("submit"):
                services.self_assessment_submit(actor=request.user, unit_id=unit.pk)
                messages.success(request, _("Self-assessment submitted."))
            else:
                messages.success(request, _("Saved."))
        except ValidationError as exc:
            message_validation_error(request, exc)
        return HttpResponseRedirect(unit.get_absolute_url())


class UnitEvidenceView(UnitMixin, View):
    def post(self, request, pk):
        unit = self.get_unit()
        items = [i for i in selectors.indicator_rows(unit.evaluation) if i.response_type != "section"]
        form = EvidenceForm(request.POST, request.FILES, leaves=items)
        if form.is_valid():
            try:
                services.evidence_add(actor=request.user, unit_id=unit.pk, item_code=form.cleaned_data["item_code"],
                                      uploaded_file=form.cleaned_data["file"])
                messages.success(request, _("File added."))
            except ValidationError as exc:
                message_validation_error(request, exc)
        else:
            messages.error(request, _("Choose an indicator and a file."))
        return HttpResponseRedirect(unit.get_absolute_url())


class UnitVisitView(UnitMixin, View):
    def post(self, request, pk):
        unit = self.get_unit()
        form = SiteVisitForm(request.POST)
        if form.is_valid():
            try:
                services.site_visit_record(actor=request.user, unit_id=unit.pk, **form.cleaned_data)
                messages.success(request, _("Visit recorded."))
            except ValidationError as exc:
                message_validation_error(request, exc)
        else:
            messages.error(request, _("Give the date, the team and the record."))
        return HttpResponseRedirect(unit.get_absolute_url())


class UnitReplyView(UnitMixin, TransitionView):
    """POST ``units/<pk>/reply/``: the unit answers the preliminary opinion (申辩), once."""

    transition_name = "reply"
    services = {"reply": services.unit_reply}
    form_class = note_form("text", length=None)
    success_messages = {"reply": gettext_lazy("Reply sent.")}

    def get_object(self):
        return self.get_unit()

    def invalid(self, obj, error):
        message_validation_error(self.request, error)
        return HttpResponseRedirect(obj.get_absolute_url())


class UnitOpinionView(UnitMixin, View):
    def post(self, request, pk):
        unit = self.get_unit()
        form = OpinionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(unit.get_absolute_url())
        try:
            services.opinion_issue(actor=request.user, unit_id=unit.pk,
                                   evaluation_text=form.cleaned_data["evaluation_text"],
                                   demands=form.cleaned_data["demands"])
            messages.success(request, _("Opinion letter issued."))
        except ValidationError as exc:
            message_validation_error(request, exc)
        return HttpResponseRedirect(unit.get_absolute_url())


class EvidenceDownloadView(TokenDownloadMixin, ScopedMixin, View):
    """A unit's evidence file (a browser's session or the API's token), served only if it still
    matches its SHA-256: an altered file is 409, a lost one 410."""

    model = Evidence

    def get(self, request, pk):
        evidence = Evidence.objects.for_user(request.user).get(pk=pk)
        return verified_attachment(evidence)


# ---- sheets --------------------------------------------------------------------------------------

class RatingDetailView(ScopedMixin, TemplateView):
    model = Rating
    template_name = "evaluations/rating_detail.html"

    def get_rating(self):
        return selectors.rating_get(user=self.request.user, rating_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        rating = self.get_rating()
        evaluation = rating.unit.evaluation
        own = rating.rater.user_id == self.request.user.pk
        editable = own and rating.status == Rating.Status.DRAFT and evaluation.status in v.RATING_PHASES
        specs = {s.code: s for s in services.specs_of(evaluation)}
        rows = []
        for item in selectors.indicator_rows(evaluation):
            spec = specs[item.code]
            value = rating.scores.get(item.code)
            lost = None
            if spec.is_scored and value is not None:
                from dudao.evaluations.scoring import leaf_points, leaf_worth

                lost = leaf_worth(spec) - leaf_points(spec, value)
            rows.append({"item": item, "value": value, "note": rating.notes.get(item.code, ""), "lost": lost})
        return {**super().get_context_data(**kwargs), "title": str(rating), "object": rating,
                "evaluation": evaluation, "rows": rows, "editable": editable,
                "can_reopen": selectors.is_office(user=self.request.user, evaluation=evaluation)
                and rating.status == Rating.Status.SUBMITTED and evaluation.status in v.RATING_PHASES}

    def post(self, request, pk):
        rating = self.get_rating()
        specs = services.specs_of(rating.unit.evaluation)
        scores = {s.code: request.POST.get(f"score_{s.code}", "") for s in specs if s.is_scored}
        notes = {s.code: request.POST.get(f"note_{s.code}", "") for s in specs if s.is_scored}
        try:
            services.rating_save(actor=request.user, rating_id=rating.pk, scores=scores, notes=notes)
            if request.POST.get("submit"):
                services.rating_submit(actor=request.user, rating_id=rating.pk)
                messages.success(request, _("Score sheet submitted."))
            else:
                messages.success(request, _("Saved."))
        except ValidationError as exc:
            message_validation_error(request, exc)
        return HttpResponseRedirect(rating.get_absolute_url())


class RatingReopenView(TransitionView):
    """POST ``ratings/<pk>/reopen/``: the office gives a submitted sheet back to its rater."""

    model = Rating
    transition_name = "reopen"
    services = {"reopen": services.rating_reopen}
    form_class = note_form(length=500)
    success_messages = {"reopen": gettext_lazy("Score sheet returned to the rater.")}

    def get_object(self):
        return selectors.rating_get(user=self.request.user, rating_id=self.kwargs["pk"])
