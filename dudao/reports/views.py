from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy

from dudao.core.replica import use_replica
from dudao.core.views import ScopedTemplateView
from dudao.reports import timeline
from dudao.reports.selectors import dashboard_for


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
