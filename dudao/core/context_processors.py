from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, icon, required permission); later apps add their entries here.
MENU = [
    ("reports:dashboard", _("Dashboard"), "ti-layout-dashboard", None),
    ("organizations:region_list", _("Regions"), "ti-map-2", "organizations.view_region"),
    ("organizations:office_list", _("Offices"), "ti-building-community", "organizations.view_office"),
    ("organizations:school_list", _("Schools"), "ti-school", "organizations.view_school"),
    ("organizations:zone_list", _("Zones"), "ti-layout-grid", "organizations.view_zone"),
    ("inspectors:inspector_list", _("Inspectors"), "ti-id-badge-2", "inspectors.view_inspector"),
    ("inspectors:listing_list", _("Listings"), "ti-link", "inspectors.view_listing"),
    ("instruments:instrument_list", _("Checklists"), "ti-checklist", "instruments.view_instrument"),
    ("inspections:visit_list", _("Visits"), "ti-clipboard-check", "inspections.view_visit"),
    ("inspections:coverage", _("Coverage"), "ti-calendar-check", "inspections.view_visit"),
    ("inspections:rectification_list", _("Rectifications"), "ti-clipboard-list", "inspections.view_rectification"),
    ("inspections:overdue_list", _("Overdue"), "ti-alarm", "inspections.escalate_rectification"),
    ("plans:workplan_list", _("Plans"), "ti-calendar", "plans.view_workplan"),
    ("plans:task_list", _("Tasks"), "ti-checkbox", "plans.view_task"),
    ("accounts:membership_list", _("Accounts"), "ti-users", "accounts.view_membership"),
    ("audit:event_list", _("Audit log"), "ti-history", "audit.view_auditevent"),
    ("jobs:job_list", _("Jobs"), "ti-loader", "jobs.view_job"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    for name, label, icon, perm in MENU:
        if perm and not user.has_perm(perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        app = name.split(":")[0]
        active = current == name or (
            current.startswith(app + ":") and current.split(":")[1].split("_")[0] == name.split(":")[1].split("_")[0]
        )
        items.append({"url": url, "label": label, "icon": icon, "active": active})
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_items": items, "unread_notifications": unread, "user_scope": user.scope}
