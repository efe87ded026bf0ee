"""Pages of the rectification loop: findings, notices, the school's answers, re-checks, escalation,
the overdue list and the office's deadline settings. Thin: forms parse, services write,
selectors read; 404 out of scope, 403 without permission, 409 in the wrong state."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView

from dudao.core.choices import YEARS
from dudao.core.views import (
    DetailFormView,
    ObjectDetailView,
    ScopedMixin,
    ScopedTemplateView,
    TransitionView,
    int_param,
)
from dudao.core.workflow import TransitionNotAllowed
from dudao.inspections import tables
from dudao.inspections.filters.rectifications import FindingFilterSet, RectificationFilterSet
from dudao.inspections.forms.rectifications import (
    TRANSITION_FORMS,
    DeadlinePolicyForm,
    EscalationForm,
    FindingForm,
    RectificationIssueForm,
)
from dudao.inspections.models import DeadlinePolicy, Finding, Rectification, RectificationQuerySet, Visit
from dudao.inspections.selectors import rectifications as selectors
from dudao.inspections.services import findings as finding_services
from dudao.inspections.services import rectifications as services
from dudao.inspections.views.documents import rectification_documents_context
from dudao.jobs.exports import ExportableListView
from dudao.organizations.models import Office
from dudao.organizations.selectors import drill_region, region_trail
from dudao.organizations.views import OfficeSettingsPage

# ---- findings ----------------------------------------------------------------------------------

class FindingListView(ExportableListView):
    model = Finding
    filterset_class = FindingFilterSet
    template_name = "inspections/finding_list.html"
    title = gettext_lazy("Findings")
    add_url_name = "inspections:finding_add"
    default_ordering = ("-found_on", "-pk")
    columns = tables.FINDING_COLUMNS
    selector = selectors.finding_list


class FindingAddView(ScopedMixin, TemplateView):
    """Records a finding; ``?visit=<id>`` fixes the school and offers the visit's checklist items."""

    model = Finding
    template_name = "inspections/finding_form.html"

    permission_action = "add"

    def get_visit(self):
        visit_id = self.request.POST.get("visit") or self.request.GET.get("visit")
        if not visit_id:
            return None
        try:
            return Visit.objects.for_user(self.request.user).select_related("school").get(pk=int(visit_id))
        except (ValueError, Visit.DoesNotExist):
            raise Http404

    def get_form(self, visit):
        data = (self.request.POST, self.request.FILES) if self.request.method == "POST" else ()
        return FindingForm(*data, user=self.request.user, visit=visit, answer=self.request.GET.get("answer", ""))

    def get(self, request, *args, **kwargs):
        visit = self.get_visit()
        return self.render_to_response(self.get_context_data(form=self.get_form(visit), visit=visit))

    def post(self, request, *args, **kwargs):
        visit = self.get_visit()
        form = self.get_form(visit)
        if form.is_valid():
            data = form.cleaned_data
            try:
                finding = finding_services.finding_record(
                    actor=request.user, school_id=data["school"].pk, visit_id=visit.pk if visit else None,
                    item_id=data["item"].pk if data.get("item") else None,
                    severity=data["severity"], description=data["description"], found_on=data["found_on"],
                    files=data["files"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc, {"file": "files"})
            else:
                messages.success(request, _("Finding recorded."))
                return HttpResponseRedirect(finding.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, visit=visit), status=400)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("New finding")
        return ctx


class FindingDetailView(ObjectDetailView):
    model = Finding
    template_name = "inspections/finding_detail.html"
    object_selector = selectors.finding_get

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        notices = list(selectors.finding_notices(user=user, finding=self.object))
        ctx.update({
            "title": _("Finding"),
            "notices": notices,
            "can_issue": user.has_perm("inspections.add_rectification")
            and not any(n.status in RectificationQuerySet.OPEN for n in notices),
        })
        return ctx


# ---- notices -----------------------------------------------------------------------------------

class RectificationIssueView(ScopedMixin, TemplateView):
    """Issues a notice on a finding (the finding's page links here)."""

    model = Finding
    template_name = "inspections/rectification_issue.html"
    permission = "inspections.add_rectification"

    def get_form(self, finding):
        office = services.office_of_school(finding.school)
        data = (self.request.POST,) if self.request.method == "POST" else ()
        return RectificationIssueForm(*data, default_deadline=services.default_deadline(finding),
                                      default_days=services.deadline_days(office, finding.severity), finding=finding)

    def get(self, request, *args, **kwargs):
        finding = self.get_object()
        return self.render_to_response(self.get_context_data(form=self.get_form(finding), finding=finding))

    def post(self, request, *args, **kwargs):
        finding = self.get_object()
        form = self.get_form(finding)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.rectification_issue(
                    actor=request.user, finding_id=finding.pk, requirements=data["requirements"],
                    deadline=data["deadline"], number=data["number"], issued_on=data["issued_on"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Notice {number} issued.").format(number=notice))
                return HttpResponseRedirect(notice.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, finding=finding), status=400)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Issue a rectification notice")
        return ctx


class RectificationListView(ExportableListView):
    """The notices as ``selectors.rectifications_listed`` lists them (its sort keys are the columns')."""

    model = Rectification
    filterset_class = RectificationFilterSet
    template_name = "inspections/rectification_list.html"
    title = gettext_lazy("Rectification notices")
    columns = tables.RECTIFICATION_COLUMNS

    def get_filterset(self):
        return selectors.rectification_filters(user=self.request.user, params=self.request.GET)

    def filtered_queryset(self):
        self.filterset = self.get_filterset()
        return selectors.rectifications_listed(user=self.request.user, params=self.request.GET, filters=self.filterset)


class OverdueListView(ExportableListView):
    """Overdue notices for the office and the zone leaders, oldest deadline first."""

    model = Rectification
    filterset_class = RectificationFilterSet
    template_name = "inspections/overdue_list.html"
    title = gettext_lazy("Overdue rectification notices")
    default_ordering = ("deadline", "pk")
    columns = tables.OVERDUE_COLUMNS
    selector = selectors.overdue_list


class ProblemsByRegionView(ScopedTemplateView):
    """The findings of a year and where the notices stand, per city or county above a county (each
    leading down to its own), per zone from a county down, each zone leading to its lists."""

    template_name = "inspections/problems_by_region.html"
    permission = "inspections.view_rectification"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        year = int_param(self.request.GET.get("year"))
        year = year if year in YEARS and year <= today.year else today.year
        region = (drill_region(user=user, region_id=int_param(self.request.GET.get("region")))
                  or drill_region(user=user))  # a region out of sight: the top of the scope
        data = selectors.problems_by_region(user=user, year=year, region=region, on=today)
        rows = data["areas"] or data["zones"]
        names = [row["name"] or _("No zone") for row in rows]
        series = (("findings", _("Findings")), ("open", pgettext("notice", "Open")), ("overdue", _("Overdue")))
        ctx.update({
            "title": _("Findings and notices by region"), "data": data, "year": year, "region": region,
            "years": range(today.year, max(today.year - 10, YEARS.start - 1), -1),
            "trail": region_trail(user=user, region=region),
            "year_start": f"{year}-01-01", "year_end": f"{year}-12-31",
            "chart": {
                "tooltip": {"trigger": "axis"},
                "legend": {"top": 0, "data": [label for _key, label in series]},
                "grid": {"left": 48, "right": 16, "top": 36, "bottom": 64},
                "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30 if len(names) > 6 else 0}},
                "yAxis": {"type": "value", "minInterval": 1},
                "series": [{"name": label, "type": "bar", "data": [row[key] for row in rows]} for key, label in series],
            },
        })
        return ctx


class RectificationDetailView(ObjectDetailView):
    model = Rectification
    template_name = "inspections/rectification_detail.html"
    object_selector = selectors.rectification_get

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        notice, user = self.object, self.request.user
        forms = kwargs.get("forms", {})
        actions = {}
        for name, form_class in TRANSITION_FORMS.items():
            if _allowed(services.rectification_transition_check, actor=user, rectification=notice, name=name):
                actions[name] = forms.get(name) or form_class()
        if _allowed(services.rectification_escalation_check, actor=user, rectification=notice):
            actions["escalate"] = forms.get("escalate") or EscalationForm()
        ctx.update({
            "title": str(notice),
            "notice": notice,
            "finding": notice.finding,
            "responses": notice.responses.all(),
            "rechecks": notice.rechecks.all(),
            "escalations": notice.escalations.all(),
            "history": selectors.rectification_history(rectification=notice),
            "actions": actions,
            **rectification_documents_context(user=user, notice=notice),
        })
        return ctx


def _allowed(check, **kwargs) -> bool:
    """Whether the service's check lets the action through (state, permission and change scope)."""
    try:
        check(**kwargs)
    except (TransitionNotAllowed, PermissionDenied):
        return False
    return True


class RectificationTransitionView(TransitionView):
    """POST ``<pk>/<name>/`` for submit, return and close: 409 wrong state, 403 no permission,
    400 with the detail page and the form's errors, else back to the notice."""

    model = Rectification
    services = services.RECTIFICATION_TRANSITION_SERVICES
    forms = TRANSITION_FORMS
    detail_view = RectificationDetailView
    service_error_fields = {"file": "files"}
    success_messages = {
        "submit": gettext_lazy("Your answer was sent to the inspector."),
        "return": gettext_lazy("The notice was returned to the school."),
        "close": gettext_lazy("The notice is closed."),
    }

    def check(self, obj, name):
        services.rectification_transition_check(actor=self.request.user, rectification=obj, name=name)



class RectificationEscalateView(DetailFormView):
    """POST: the office records an interview (约谈) or a public criticism (通报批评)."""

    model = Rectification
    detail_view = RectificationDetailView
    form_key = "escalate"
    success_message = gettext_lazy("Escalation recorded.")

    def get_form(self, notice):
        services.rectification_escalation_check(actor=self.request.user, rectification=notice)
        return EscalationForm(self.request.POST)

    def perform(self, notice, form):
        services.rectification_escalate(actor=self.request.user, rectification_id=notice.pk, **form.cleaned_data)


# ---- office settings ---------------------------------------------------------------------------

class DeadlinePolicyView(OfficeSettingsPage):
    """The office's default days to rectify per severity (STANDARDS §1.6: set locally)."""

    model = DeadlinePolicy
    template_name = "inspections/deadline_policy.html"

    def can_change(self, office) -> bool:
        user = self.request.user
        return user.has_perm("inspections.change_deadlinepolicy") and Office.objects.for_user(
            user, "change").filter(pk=office.pk).exists()

    def get_form(self, office, data=None):
        self.policies = selectors.deadline_policies(user=self.request.user, office=office)
        return DeadlinePolicyForm(data, policies=self.policies)

    def save(self, office, form) -> None:
        for row in self.policies:
            days = form.cleaned_data[row["severity"]]
            if days != row["days"]:
                services.deadline_policy_set(actor=self.request.user, office_id=office.pk, severity=row["severity"],
                                             days=days)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        office = kwargs["office"]
        ctx.update({
            "title": _("Deadlines for rectification"),
            "offices": self.offices(),
            "policies": selectors.deadline_policies(user=self.request.user, office=office),
            "can_change": self.can_change(office),
            "today": timezone.localdate(),
        })
        return ctx
