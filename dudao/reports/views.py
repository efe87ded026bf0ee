from django.utils.translation import gettext_lazy

from dudao.core.views import ScopedTemplateView
from dudao.reports.selectors import dashboard_for


class DashboardView(ScopedTemplateView):
    """The landing page: what this user's role needs first."""

    template_name = "reports/dashboard.html"
    extra_context = {"title": gettext_lazy("Dashboard")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = dashboard_for(user=self.request.user)
        ctx.update(data)
        ctx["kind_chart"] = {
            "tooltip": {"trigger": "item"},
            "series": [{"type": "pie", "radius": ["40%", "70%"],
                        "data": [{"name": name, "value": n} for name, n in data["kind_counts"]]}],
        }
        return ctx
