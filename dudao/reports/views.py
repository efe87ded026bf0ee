from django.core.exceptions import PermissionDenied
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy

from dudao.accounts.access import acts_for_office
from dudao.core.replica import use_replica
from dudao.core.views import ScopedTemplateView
from dudao.reports import portrait, timeline
from dudao.reports.forms import CompareForm, school_ids
from dudao.reports.selectors import dashboard_for, findings_chart, findings_chart_height


@method_decorator(use_replica, name="get")
class DashboardView(ScopedTemplateView):
    """The landing page: what this user's role needs first. Read-only: read from the replica when
    there is one (``dudao.core.replica``)."""

    template_name = "reports/dashboard.html"
    extra_context = {"title": gettext_lazy("Dashboard")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        get = self.request.GET
        zone_id = int(get["zone"]) if get.get("zone", "").isdigit() else None
        inspector_id = int(get["inspector"]) if get.get("inspector", "").isdigit() else None
        data = dashboard_for(user=self.request.user, zone_id=zone_id, inspector_id=inspector_id)
        ctx.update(data)
        ctx["kind_chart"] = {
            "tooltip": {"trigger": "item"},
            "series": [{"type": "pie", "radius": ["40%", "70%"],
                        "data": [{"name": name, "value": n} for name, n in data["kind_counts"]]}],
        }
        return ctx


class SchoolTimelineView(ScopedTemplateView):
    """One school's record, the newest first, filterable by year and kind (资源包)."""

    template_name = "reports/school_timeline.html"

    def get_context_data(self, **kwargs):
        from dudao.organizations.models import School

        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        school = School.objects.for_user(user).select_related("region").get(pk=self.kwargs["pk"])
        year = self.request.GET.get("year")
        year = int(year) if year and year.isdigit() else None
        kinds = [k for k in self.request.GET.getlist("kind") if k in timeline.KINDS] or None
        entries = timeline.school_timeline(user=user, school_id=school.pk, year=year, kinds=kinds)
        ctx.update({
            "object": school, "entries": entries, "year": year, "years": timeline.timeline_years(
                user=user, school_id=school.pk), "kinds": timeline.KINDS, "chosen": kinds or [],
            "title": gettext_lazy("Timeline"),
        })
        return ctx


class SchoolPortraitView(ScopedTemplateView):
    """The school at a glance (学校画像): the figures of every app about one school, each linked to
    its source; 404 outside the scope."""

    template_name = "reports/school_portrait.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p = portrait.school_portrait(user=self.request.user, school_id=self.kwargs["pk"])
        ctx.update({
            "object": p.school, "p": p, "title": gettext_lazy("School at a glance"),
            "radar": portrait.radar_chart([p]),
            "findings_chart": findings_chart(p.by_item), "findings_chart_height": findings_chart_height(p.by_item),
            "can_compare": acts_for_office(self.request.user),
        })
        return ctx


class SchoolCompareView(ScopedTemplateView):
    """Up to five schools of the office side by side: the same figures in one table and their
    radars overlaid. ``?schools=1&schools=2`` (or ``1,2``) the schools chosen, ``add`` one more,
    ``remove`` one of them; a sixth is refused with the reason."""

    template_name = "reports/school_compare.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not acts_for_office(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, get = self.request.user, self.request.GET
        ids = [pk for pk in school_ids(get.getlist("schools")) if str(pk) != get.get("remove")]
        form = CompareForm(get or None, user=user)
        if form.is_bound and form.is_valid() and form.cleaned_data["add"] and form.cleaned_data["add"].pk not in ids:
            ids.append(form.cleaned_data["add"].pk)
        refused = ""
        if len(ids) > portrait.MAX_COMPARED:
            refused = portrait.too_many_message()
            ids = ids[:portrait.MAX_COMPARED]
        schools = portrait.schools_in_scope(user=user, school_ids=ids) if ids else []
        items = portrait.portraits(user=user, schools=schools) if schools else []
        ctx.update({
            "title": gettext_lazy("Compare schools"), "form": CompareForm(user=user), "items": items,
            "chosen": [s.pk for s in schools], "refused": refused, "full": len(schools) >= portrait.MAX_COMPARED,
            "radar": portrait.radar_chart(items), "max_compared": portrait.MAX_COMPARED,
            "indicators": portrait.indicator_rows(items), "term_rows": portrait.term_rows(items),
        })
        return ctx
