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


def _portrait_schools(user):
    """The schools whose portrait the user opens, tried on every school: the scope alone decides."""
    from dudao.organizations.models import School
    from dudao.reports.portrait import school_portrait

    shown = []
    for school_id in School.objects.order_by("pk").values_list("pk", flat=True):  # scope: trying every school
        try:
            shown.append(school_portrait(user=user, school_id=school_id).school)
        except School.DoesNotExist:
            continue
    return shown


add_selector("organizations.School", "school_portrait", _portrait_schools)
