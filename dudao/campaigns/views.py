"""Pages of special campaigns: thin views over ``selectors`` and ``services``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from dudao.accounts.access import schools_of
from dudao.campaigns import exports, selectors, services, tables
from dudao.campaigns.filters import CampaignFilterSet, CampaignTargetFilterSet
from dudao.campaigns.forms import CampaignForm as CampaignEditForm
from dudao.campaigns.forms import NoticeForm, ResultForm, SelfCheckForm, TeamForm
from dudao.campaigns.models import Campaign, CampaignEvidence, CampaignProblem, CampaignTarget
from dudao.core.downloads import download, verified_attachment
from dudao.core.forms import validation_message
from dudao.core.views import ObjectDetailView, ScopedMixin, ScopedTemplateView, ServiceFormView, TransitionView
from dudao.documents.selectors import subject_documents
from dudao.inspections.models import Severity
from dudao.jobs.exports import ExportableListView


def _answers_from(post, campaign) -> dict:
    out = {}
    for item in selectors.version_items(version=campaign.checklist):
        if item.is_section:
            continue
        value = post.get(f"answer-{item.code}", "")
        note = post.get(f"note-{item.code}", "")
        if value or note:
            out[item.code] = {"value": value or None, "note": note}
    return out


# ---- campaigns -------------------------------------------------------------------------------------

class CampaignListView(ExportableListView):
    model = Campaign
    filterset_class = CampaignFilterSet
    default_ordering = ("-start_date", "-pk")
    add_url_name = "campaigns:campaign_add"
    title = gettext_lazy("Special campaigns")
    columns = tables.CAMPAIGN_COLUMNS

    selector = selectors.campaign_list


class CampaignFormMixin(ServiceFormView):
    model = Campaign
    form_class = CampaignEditForm
    template_name = "campaigns/campaign_form.html"


class CampaignCreateView(CampaignFormMixin):
    permission_action = "add"
    extra_context = {"title": gettext_lazy("New special campaign")}

    success_message = gettext_lazy("Campaign created: add its teams, then launch it.")

    def perform(self, form):
        d = form.cleaned_data
        campaign = services.campaign_create(
            actor=self.request.user, office_id=d["office"].pk, title=d["title"], theme=d["theme"],
            checklist=d["checklist"].pk, start_date=d["start_date"], self_check_due=d["self_check_due"],
            end_date=d["end_date"], description=d["description"], rule=form.rule_dict())
        return campaign.get_absolute_url()


class CampaignEditView(CampaignFormMixin):
    change_check = selectors.campaign_can_change

    def get_initial(self):
        c = self.object
        rule = c.target_rule or {}
        return {"office": c.office, "title": c.title, "theme": c.theme, "checklist": c.checklist,
                "start_date": c.start_date, "self_check_due": c.self_check_due, "end_date": c.end_date,
                "description": c.description, "rule": rule.get("by", "schools"), "region": rule.get("region"),
                "zone": rule.get("zone"), "kinds": rule.get("kinds", []), "schools": rule.get("schools", [])}

    def perform(self, form):
        d = form.cleaned_data
        services.campaign_update(actor=self.request.user, campaign_id=self.object.pk, title=d["title"],
                                 theme=d["theme"], checklist=d["checklist"].pk, start_date=d["start_date"],
                                 self_check_due=d["self_check_due"], end_date=d["end_date"],
                                 description=d["description"])
        services.campaign_targets_set(actor=self.request.user, campaign_id=self.object.pk, rule=form.rule_dict())
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object,
                "title": _("Edit {name}").format(name=self.object)}


class CampaignDetailView(ObjectDetailView):
    model = Campaign
    select_related = selectors.CAMPAIGN_RELATED

    def object_context(self, ctx, campaign, user):
        return {
            "title": campaign.title,
            "progress": selectors.campaign_progress(user=user, campaign=campaign),
            "targets": selectors.target_list(user=user, campaign=campaign).order_by("school__sort_key"),
            "teams": selectors.team_rows(campaign=campaign) if ctx["can_change"] else [],
            "warnings": selectors.campaign_warnings(campaign=campaign) if ctx["can_change"] else [],
            "transitions": [n for n, t in Campaign.TRANSITIONS.items()
                            if ctx["can_change"] and campaign.status in t.sources and user.has_perm(t.permission)],
            "filed_documents": subject_documents(user=user, subjects=[campaign]),
        }


class CampaignTransitionView(TransitionView):
    model = Campaign
    services = services.CAMPAIGN_TRANSITION_SERVICES


class TeamEditView(ServiceFormView):
    model = Campaign
    form_class = TeamForm
    template_name = "campaigns/team_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
            if not selectors.campaign_can_change(user=request.user, campaign=self.object):
                raise PermissionDenied
            team_id = kwargs.get("team_pk")
            self.team = get_object_or_404(self.object.teams, pk=team_id) if team_id else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.object}

    def get_initial(self):
        if self.team is None:
            return {"name": _("Team {n}").format(n=self.object.teams.count() + 1)}
        return {"name": self.team.name, "leader": self.team.leader, "members": self.team.members.all(),
                "targets": [str(pk) for pk in self.team.targets.values_list("pk", flat=True)]}

    def perform(self, form):
        d = form.cleaned_data
        _team, warnings = services.campaign_team_save(
            actor=self.request.user, campaign_id=self.object.pk, team_id=self.team.pk if self.team else None,
            name=d["name"], member_ids=[m.pk for m in d["members"]],
            leader_id=d["leader"].pk if d.get("leader") else None, target_ids=d["targets"])
        for warning in warnings:
            messages.warning(self.request, warning)
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object,
                "title": _("Team of {name}").format(name=self.object)}


class CampaignTableView(ScopedMixin, ScopedTemplateView):
    """Results (per school) or the rectification list of a campaign; ``?export=xlsx`` gives the sheet."""

    model = Campaign
    kind = "results"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.GET.get("export") == "xlsx":
            builder = exports.results_workbook if self.kind == "results" else exports.rectifications_workbook
            name = f"{self.object.title}-{_('results') if self.kind == 'results' else _('rectification list')}.xlsx"
            return download(builder(user=request.user, campaign=self.object), name)
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        return [f"campaigns/campaign_{self.kind}.html"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, campaign = self.request.user, self.object
        ctx["object"] = campaign
        if self.kind == "results":
            ctx.update({"title": _("Results of {name}").format(name=campaign),
                        "rows": selectors.campaign_results(user=user, campaign=campaign),
                        "maximum": selectors.checklist_maximum(campaign=campaign)})
        else:
            ctx.update({"title": _("Rectification list of {name}").format(name=campaign),
                        "rows": selectors.campaign_rectification_list(user=user, campaign=campaign)})
        return ctx


class CampaignReportView(ScopedMixin, View):
    model = Campaign

    def post(self, request, pk):
        campaign = self.get_object()
        document = services.campaign_report_generate(actor=request.user, campaign_id=campaign.pk,
                                                     pdf=request.POST.get("pdf") == "1")
        messages.success(request, _("The report is drafted and filed."))
        return HttpResponseRedirect(document.get_absolute_url())


# ---- targets ------------------------------------------------------------------------------------------

class TargetListView(ExportableListView):
    model = CampaignTarget
    filterset_class = CampaignTargetFilterSet
    default_ordering = ("-campaign__start_date", "school__sort_key", "pk")
    title = gettext_lazy("Campaign schools")
    columns = tables.TARGET_COLUMNS

    selector = selectors.target_list


class TargetDetailView(ObjectDetailView):
    model = CampaignTarget
    template_name = "campaigns/target_detail.html"
    select_related = selectors.TARGET_RELATED

    def object_context(self, ctx, target, user):
        running = target.campaign.status == Campaign.Status.LAUNCHED
        member = services._is_team_member(user, target)
        office = selectors.campaign_can_change(user=user, campaign=target.campaign)
        problems = list(target.problems.select_related("item", "rectification").order_by("pk"))
        return {
            "title": f"{target.school.name} · {target.campaign.title}",
            "answers": selectors.answer_rows(target=target),
            "evidence": list(target.evidence.order_by("pk")),
            "problems": problems,
            "can_self_check": running and target.status == CampaignTarget.Status.NOTIFIED
            and user.has_perm("campaigns.selfcheck_campaigntarget") and target.school_id in schools_of(user),
            "can_record": running and target.status in CampaignTarget.TRANSITIONS["visit"].sources
            and user.has_perm("campaigns.visit_campaigntarget") and member,
            "can_issue": target.campaign.status != Campaign.Status.CLOSED and (member or office)
            and user.has_perm("inspections.add_rectification"),
            "can_complete": target.status in CampaignTarget.TRANSITIONS["complete"].sources and (member or office),
            "severities": Severity.choices, "problem_slots": range(1, 4),
            "self_check_form": SelfCheckForm(), "result_form": ResultForm(initial={"visited_on": timezone.localdate()}),
            "notice_form": NoticeForm(), "filed_documents": subject_documents(user=user, subjects=[target]),
            "checklist_items": [i for i in selectors.version_items(version=target.campaign.checklist)
                                if not i.is_section],
        }


class TargetActionView(ScopedMixin, View):
    """POST: the school's self-check, the team's result, or completion of a target."""

    model = CampaignTarget

    def post(self, request, pk, name):
        target = self.get_object()
        user = request.user
        try:
            if name == "self-check":
                services.target_self_check_submit(
                    actor=user, target_id=target.pk, answers=_answers_from(request.POST, target.campaign),
                    summary=request.POST.get("summary", ""), files=request.FILES.getlist("files"))
            elif name == "result":
                problems = [{"description": request.POST.get(f"problem-{n}-description", ""),
                             "item": request.POST.get(f"problem-{n}-item", ""),
                             "severity": request.POST.get(f"problem-{n}-severity") or Severity.GENERAL}
                            for n in range(1, 4)]
                services.target_result_record(
                    actor=user, target_id=target.pk, answers=_answers_from(request.POST, target.campaign),
                    summary=request.POST.get("summary", ""), visited_on=request.POST.get("visited_on") or None,
                    problems=problems, files=request.FILES.getlist("files"))
            elif name == "complete":
                services.target_complete(actor=user, target_id=target.pk)
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, validation_message(error))
        else:
            messages.success(request, _("Done."))
        return HttpResponseRedirect(target.get_absolute_url())


class ProblemIssueView(ScopedMixin, View):
    """POST: a problem of the team's result becomes a rectification notice (through the loop)."""

    model = CampaignTarget

    def post(self, request, pk):
        problem = get_object_or_404(CampaignProblem.objects.select_related("target").filter(  # scope: targets below
            target__in=selectors.target_list(user=request.user)), pk=pk)
        form = NoticeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("State what the school must rectify."))
        else:
            try:
                services.problem_notice_issue(actor=request.user, problem_id=problem.pk,
                                              requirements=form.cleaned_data["requirements"],
                                              deadline=form.cleaned_data.get("deadline"))
            except ValidationError as error:
                messages.error(request, validation_message(error))
            else:
                messages.success(request, _("The rectification notice is issued."))
        return HttpResponseRedirect(reverse("campaigns:target_detail", args=[problem.target_id]))


class EvidenceDownloadView(ScopedMixin, View):
    model = CampaignEvidence

    def get(self, request, pk):
        evidence = get_object_or_404(selectors.evidence_list(user=request.user), pk=pk)
        return verified_attachment(evidence)
