"""Dashboard surfaces added to other apps' scope-matrix cases."""

from dudao.core.testing.scope_matrix import add_selector
from dudao.reports.selectors import dashboard_for


def _dashboard_schools(user):
    data = dashboard_for(user=user)
    if data["is_office"]:
        return list(data["unlisted_schools"])
    return [school for school, _listing in data["my_schools"]]


add_selector("organizations.School", "dashboard", _dashboard_schools)
add_selector("organizations.Zone", "dashboard", lambda user: list(dashboard_for(user=user)["zones"]))
add_selector("audit.AuditEvent", "dashboard", lambda user: list(dashboard_for(user=user).get("recent_events", [])))
