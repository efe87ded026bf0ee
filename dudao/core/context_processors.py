import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The menu: top-level entries and groups of (url name, label, icon, required permission).
# Later apps add their entries to the group they belong to. The groups follow an office's work:
# supervision in its three forms (routine visits and rectification, special campaigns, evaluations
# 督导评估), plans, the public's part (complaints, what is published, satisfaction surveys),
# the inspectors, monitoring, the archive, the organisation and the system. Group labels carry
# the "menu" context: "Public" there is 社会参与, not the 公办 of a school's ownership.
MENU = [
    ("reports:dashboard", _("Dashboard"), "ti-layout-dashboard", None),
    (pgettext_lazy("menu", "Supervision"), "ti-clipboard-check", [
        ("inspections:visit_list", _("Visits"), "ti-clipboard-check", "inspections.view_visit"),
        ("inspections:coverage", _("Coverage"), "ti-calendar-check", "inspections.view_visit"),
        ("inspections:rectification_list", _("Rectifications"), "ti-clipboard-list", "inspections.view_rectification"),
        ("inspections:overdue_list", _("Overdue"), "ti-alarm", "inspections.escalate_rectification"),
        ("inspections:problems_by_region", _("Findings and notices by region"), "ti-chart-histogram",
         "inspections.view_rectification"),
        ("campaigns:campaign_list", _("Special campaigns"), "ti-flag", "campaigns.view_campaign"),
        ("campaigns:target_list", _("Campaign schools"), "ti-list-check", "campaigns.view_campaigntarget"),
        ("evaluations:evaluation_list", _("Evaluations"), "ti-award", "evaluations.view_evaluation"),
        ("instruments:instrument_list", _("Checklists"), "ti-checklist", "instruments.view_instrument"),
    ]),
    (_("Plans and tasks"), "ti-calendar", [
        ("plans:workplan_list", _("Plans"), "ti-calendar", "plans.view_workplan"),
        ("plans:task_list", _("Tasks"), "ti-checkbox", "plans.view_task"),
        ("workreports:report_list", _("Work reports"), "ti-file-text", "workreports.view_report"),
        ("workreports:report_status", _("Report status"), "ti-calendar-stats", "workreports.review_report"),
        ("directives:directive_list", _("Directives"), "ti-target-arrow", "directives.view_directive"),
        ("directives:board", _("Progress board"), "ti-layout-kanban", "directives.view_directiveitem"),
    ]),
    (pgettext_lazy("menu", "Public"), "ti-message-report", [
        ("complaints:complaint_list", _("Complaints"), "ti-message-report", "complaints.view_complaint"),
        ("complaints:publication_list", pgettext_lazy("menu", "Published"), "ti-world", "complaints.view_publication"),
        ("complaints:policy", _("Complaint time limit"), "ti-clock", "complaints.view_complaintpolicy"),
        ("surveys:survey_list", _("Satisfaction surveys"), "ti-mood-smile", "surveys.view_survey"),
    ]),
    (_("Inspector development"), "ti-certificate", [
        ("inspectors:training_overview", _("Training hours"), "ti-certificate", "inspectors.view_trainingrecord"),
        ("inspectors:training_list", _("Training records"), "ti-list-details", "inspectors.view_trainingrecord"),
        ("inspectors:case_list", _("Supervision cases"), "ti-bulb", "inspectors.view_case"),
        ("inspectors:term_list", _("Terms of appointment"), "ti-calendar-time", "inspectors.view_term"),
        ("assessment:assessment", _("Assessment"), "ti-chart-radar", "assessment.view_assessment"),
        ("assessment:rating_list", _("Assessment ratings"), "ti-star", "assessment.view_assessmentrating"),
    ]),
    (_("Monitoring"), "ti-chart-bar", [
        ("monitoring:year_list", _("Balanced development"), "ti-chart-bar", "monitoring.view_statisticsyear"),
    ]),
    (_("Archive"), "ti-archive", [
        ("documents:document_list", _("Documents"), "ti-files", "documents.view_document"),
        ("documents:template_list", _("Document templates"), "ti-template", "documents.view_documenttemplate"),
    ]),
    (_("Organisation"), "ti-building-community", [
        ("organizations:school_list", _("Schools"), "ti-school", "organizations.view_school"),
        ("organizations:zone_list", _("Zones"), "ti-layout-grid", "organizations.view_zone"),
        ("organizations:department_list", _("Departments and township offices"), "ti-building", "organizations.view_department"),
        ("inspectors:inspector_list", _("Inspectors"), "ti-id-badge-2", "inspectors.view_inspector"),
        ("inspectors:listing_list", _("Listings"), "ti-link", "inspectors.view_listing"),
        ("organizations:region_list", _("Regions"), "ti-map-2", "organizations.view_region"),
        ("organizations:office_list", _("Offices"), "ti-building-community", "organizations.view_office"),
        ("organizations:calendar", _("Working-day calendar"), "ti-calendar-event", "organizations.view_calendarday"),
        ("accounts:membership_list", _("Accounts"), "ti-users", "accounts.view_membership"),
    ]),
    (_("System"), "ti-settings", [
        ("audit:event_list", _("Audit log"), "ti-history", "audit.view_auditevent"),
        ("jobs:job_list", _("Jobs"), "ti-loader", "jobs.view_job"),
        ("notifications:channels", _("Message channels"), "ti-send", "notifications.view_channelsettings"),
        ("notifications:deliveries", _("Delivery log"), "ti-mail-forward", "notifications.view_delivery"),
        ("notifications:preferences", _("My message channels"), "ti-bell", None),
    ]),
]


@functools.lru_cache(maxsize=512)
def _url(name: str, prefix: str, urlconf: str) -> str | None:
    """A menu entry's address, reversed once per URL configuration and script prefix (reversing the
    whole menu on every page cost as much as the rest of the menu)."""
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _entry(allowed, current, name, label, icon, perm):
    if perm and not allowed(perm):
        return None
    url = _url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    if url is None:
        return None
    app, view = name.split(":")
    active = current == name or (
        current.startswith(app + ":") and current.split(":")[1].split("_")[0] == view.split("_")[0]
    )
    return {"url": url, "label": label, "icon": icon, "active": active}


def _menu(allowed, current: str) -> tuple:
    """The menu entries ``allowed`` (a permission test) lets through, ``current`` (a view name) marked."""
    items = []
    for entry in MENU:
        if isinstance(entry[2], list):
            label, icon, children = entry
            shown = [e for e in (_entry(allowed, current, *child) for child in children) if e]
            if len(shown) == 1:
                items.append(shown[0])
            elif shown:
                items.append({"label": label, "icon": icon, "children": shown,
                              "active": any(c["active"] for c in shown)})
        else:
            e = _entry(allowed, current, *entry)
            if e:
                items.append(e)
    return tuple(items)


# The menus built so far, by role set, page and URL configuration: a user's permissions are those
# of their current roles, or all of them for an unrestricted user (``accounts.backends.RoleBackend``),
# so everybody with the same roles sees the same menu. Its labels stay lazy: each request shows
# them in its own language. Thirty-odd permission tests and the entries' dictionaries on every
# request were a tenth of a small page.
_MENUS: dict[tuple, tuple] = {}
_MENUS_KEPT = 4096


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    scope = user.scope
    key = (scope.roles, user.is_active, user.is_superuser or scope.unrestricted, current,
           get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    items = _MENUS.get(key)
    if items is None:
        items = _menu(user.has_perm, current)
        if len(_MENUS) < _MENUS_KEPT:
            _MENUS[key] = items
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_items": items, "unread_notifications": unread, "user_scope": scope}
