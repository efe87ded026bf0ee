"""Conventions enforced by tools, not memory (STYLE §0 rule 6, §7.6, §7.7).

* every URL reaches a view that reads through the scope, or one on a short reviewed list;
* ``status`` is assigned only by ``core.workflow.apply_transition``;
* views, API, selectors, exports and documents open ``Model.objects`` only through ``for_user``;
* every app has the same layout: ``views``, ``forms``, ``selectors``, ``services``, ``api``, ``urls``... are
  a module or a package of that name, never ``views_<topic>.py``;
* import-linter's layers, ruff, ``check --deploy`` and the ``dudao.E001`` system check pass.
"""

import inspect
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.viewsets import GenericViewSet

from dudao.core.api import ScopedViewSet
from dudao.core.views import ScopedMixin, ScopedTemplateView

REPO = Path(__file__).resolve().parents[3]
PACKAGE = REPO / "dudao"
BIN = Path(sys.executable).parent

SCOPED_BASES = (ScopedMixin, ScopedTemplateView, ScopedViewSet)

# Views that do not subclass a scoped base, reviewed one by one.
PUBLIC_VIEWS = {
    # signing in and out, the language switch and one's own profile read no scoped rows
    "dudao.accounts.views.LoginView",
    "dudao.accounts.views.LogoutView",
    "dudao.accounts.views.LanguageView",
    "dudao.accounts.views.ProfileView",
    "dudao.accounts.views.PasswordChangeView",  # one's own password, page and API twin
    "dudao.accounts.api.PasswordChangeView",
    # the API's token exchange, router root, schema and docs
    "dudao.api_urls.TokenView",
    "rest_framework.routers.APIRootView",
    "drf_spectacular.views.SpectacularAPIView",
    "drf_spectacular.views.SpectacularSwaggerView",
    # the public pages behind a signboard's QR code: a signed link, the board's own data and what the
    # office published, the form to write to the inspector, the follow-up by tracking code; no sign-in
    "dudao.complaints.views.public.PublicSchoolView",
    "dudao.complaints.views.public.PublicPhotoView",
    "dudao.complaints.views.public.PublicReportView",
    "dudao.complaints.views.public.TrackView",
    "dudao.complaints.views.public.RateView",
    # the answer and thank-you pages of a survey link: an unguessable token, anonymous answers, no sign-in
    "dudao.surveys.views.public.SurveyAnswerView",
    "dudao.surveys.views.public.SurveyThanksView",
}
# Views scoped by owner: they read only through their model's own ``for_user`` (checked below).
OWNER_SCOPED_VIEWS = {
    "dudao.jobs.views.JobListView",  # Job.objects.for_user: the jobs a user started
    "dudao.jobs.views.JobDetailView",
    "dudao.jobs.views.JobResultView",
    "dudao.notifications.views.InboxView",  # Notification.objects.for_user: one's own inbox
    "dudao.notifications.views.NotificationOpenView",  # through notification_mark_read, for_user inside
}
# Import pages: the importer reads every region, zone and school through for_user(actor, "change").
IMPORT_VIEWS = {
    "dudao.organizations.imports.SchoolImportView",
    "dudao.inspectors.imports.InspectorImportView",
}
PUBLIC_FUNCTIONS = {"django.views.static.serve"}


def walk(patterns, prefix="", namespaces=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), (*namespaces, entry.app_name))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback, namespaces


def dotted(obj) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def view_problem(callback) -> str | None:
    """Why a URL's view is not known to be scoped, or None when it is."""
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if cls is None:
        return None if dotted(callback) in PUBLIC_FUNCTIONS else f"function view {dotted(callback)}"
    name = dotted(cls)
    if issubclass(cls, SCOPED_BASES) or name in PUBLIC_VIEWS | IMPORT_VIEWS:
        return None
    if name in OWNER_SCOPED_VIEWS:
        return None if "for_user" in inspect.getsource(cls) or "mark_read" in inspect.getsource(cls) else (
            f"{name} is listed as owner-scoped but reads without for_user")
    if issubclass(cls, GenericViewSet) and cls.get_queryset is not GenericViewSet.get_queryset:
        if "for_user(" in inspect.getsource(cls.get_queryset):
            return None
        return f"{name}.get_queryset does not call for_user"
    return f"{name} neither subclasses a scoped base nor is on the reviewed list"


def test_every_url_reaches_a_scoped_view():
    # given every URL pattern outside the superuser-only admin
    problems = sorted(
        {f"{path}: {problem}"
         for path, callback, namespaces in walk(get_resolver().url_patterns)
         if "admin" not in namespaces and (problem := view_problem(callback))}
    )
    # then each view is scoped or reviewed
    assert problems == []


def test_url_walk_sees_the_apps_and_the_api():
    # the walk itself must reach into every include, or the test above proves nothing
    classes = {dotted(cls) for _path, cb, _ns in walk(get_resolver().url_patterns)
               if (cls := getattr(cb, "view_class", None) or getattr(cb, "cls", None))}
    assert {"dudao.organizations.views.SchoolListView", "dudao.inspectors.api.InspectorViewSet",
            "dudao.audit.api.AuditEventViewSet", "dudao.reports.views.DashboardView"} <= classes


def test_unscoped_view_is_reported():
    from django.views.generic import TemplateView

    class LeakyView(TemplateView):
        pass

    assert "LeakyView" in view_problem(LeakyView.as_view())


# ---- grep rules ------------------------------------------------------------------------------

def source_files(predicate):
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts or "tests" in parts:
            continue
        if predicate(rel, parts):
            yield rel, path.read_text(encoding="utf-8")


STATUS_ASSIGNMENT = re.compile(r"\.status\s*=(?!=)|\.update\([^)]*\bstatus\s*=|setattr\([^,]+,\s*[\"']status[\"']")


def status_assignments():
    found = []
    for rel, text in source_files(lambda rel, parts: rel != "dudao/core/workflow.py"):
        for number, line in enumerate(text.splitlines(), start=1):
            if STATUS_ASSIGNMENT.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_status_is_assigned_only_by_apply_transition():
    assert status_assignments() == []


def test_status_rule_finds_an_assignment():
    assert STATUS_ASSIGNMENT.search("    rectification.status = Rectification.Status.CLOSED")
    assert STATUS_ASSIGNMENT.search("Visit.objects.filter(pk=1).update(status='done')")
    assert not STATUS_ASSIGNMENT.search("if obj.status == Inspector.Status.ACTIVE:")


READ_KINDS = {"views", "api", "selectors", "exports"}
READ_MODULES = {"documents.py", "bundles.py"}
# ``.none()`` reads no row, so it needs no scope
MANAGER_ACCESS = re.compile(r"\.(objects|_default_manager|_base_manager)\s*\.\s*(?!for_user\b|none\s*\(\))")
SCOPE_MARKER = re.compile(r"#\s*scope:\s*\w+")


def is_read_module(rel, parts) -> bool:
    """Views, API, selectors and exports, as modules (``views.py``, ``views_reports.py``) or packages
    (``views/visits.py``), and the modules that read rows into documents."""
    def kind(name):
        return name.removesuffix(".py").split("_")[0]
    if parts[0] == "demo":  # the demo loader writes the demo county, it reads for nobody
        return False
    return parts[-1] in READ_MODULES or any(kind(p) in READ_KINDS for p in parts)


def unscoped_reads(files):
    found = []
    for rel, text in files:
        lines = text.splitlines()
        for match in MANAGER_ACCESS.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            if not SCOPE_MARKER.search(lines[number - 1]):
                found.append(f"{rel}:{number}: {lines[number - 1].strip()}")
    return found


def test_read_modules_open_models_only_through_for_user():
    """`Model.objects.` in views, API, selectors, exports and documents must go on with `.for_user(`.

    Reference data that is deliberately unscoped carries a `# scope: public` marker (or another
    `# scope: <reason>`) on the same line.
    """
    assert unscoped_reads(source_files(is_read_module)) == []


def test_read_rule_covers_suffixed_modules_and_packages():
    assert is_read_module("", ("inspections", "views", "visits.py"))
    assert is_read_module("", ("reports", "selectors_reports.py"))
    assert is_read_module("", ("inspections", "api", "visits.py"))
    assert is_read_module("", ("inspectors", "api", "development.py"))
    assert not is_read_module("", ("inspections", "services", "visits.py"))
    assert not is_read_module("", ("inspections", "models.py"))


SCOPE_BODY = re.compile(r"^\s*def (for_user|scope_q)\(", re.MULTILINE)


def test_scope_has_one_body():
    """`for_user` is written once, in core; a model declares its scope as data (`scope_rules`),
    never as a queryset method of its own."""
    found = [f"{rel}: {m.group(1)}" for rel, text in source_files(lambda rel, parts: rel != "dudao/core/scope.py")
             for m in SCOPE_BODY.finditer(text)]
    assert found == []


def test_read_rule_finds_an_unscoped_read():
    files = [
        ("dudao/x/views.py", "qs = School.objects.filter(pk=1)\n"),
        ("dudao/x/api.py", "qs = Zone.objects\n    .all()\n"),
        ("dudao/x/selectors.py", "qs = School.objects.for_user(user)\nregions = Region.objects.all()  # scope: public\n"
                                 "empty = Office.objects.none()\nsome = Office.objects.none().union(Office.objects.all())\n"),
    ]
    assert [line.split(":")[0] + ":" + line.split(":")[1] for line in unscoped_reads(files)] == [
        "dudao/x/views.py:1", "dudao/x/api.py:1", "dudao/x/selectors.py:4",
    ]


# ---- one app layout ----------------------------------------------------------------------------

# What every app may have: a module (``views.py``) or a package (``views/visits.py``) of each name.
LAYOUT_KINDS = ("views", "forms", "filters", "selectors", "services", "urls", "api", "exports", "tables")
# The names a module or package may have at the top of an app: the layout, Django's own, then what the
# apps have of their own (a new name is a decision: add it here).
APP_MODULES = {
    *LAYOUT_KINDS, "models",
    "admin", "apps", "checks", "context_processors", "management", "middleware", "migrations", "templatetags",
    "tests",
    "actions", "analysis", "answering", "authentication", "backends", "balance", "bundles", "campaign_checklists",
    "campaigns", "changes", "charts", "choices", "demo", "documents", "downloads", "drafting", "duties",
    "evaluations", "examples", "excel", "files", "filing", "formulas", "importing", "imports", "imports_training",
    "instrument", "kinds", "layout", "loader", "loop", "masking", "national", "numbering", "permissions", "public",
    "qr", "questionnaires", "ratelimit", "rates", "recipients", "render", "roles", "rules", "scope", "scoring",
    "signboards", "tasks", "template_check", "testing", "texts", "timeline", "visibility", "workflow",
}
# Temporary: the work-report pages and their reads leave the reports app for one of their own; these two
# go with them (delete the entries then).
LAYOUT_EXCEPTIONS = {"reports/selectors_reports.py", "reports/views_reports.py"}
SUFFIXED = re.compile(rf"^({'|'.join(LAYOUT_KINDS)})_\w+$")


def app_entries():
    """(app, entry) for every module and package at the top of every app: ``("inspections", "views/")``."""
    for app in sorted(p for p in PACKAGE.iterdir() if (p / "apps.py").exists()):
        for path in sorted(app.iterdir()):
            if path.name.startswith(("_", ".")):
                continue
            if path.suffix == ".py":
                yield app.name, path.name
            elif path.is_dir() and (path / "__init__.py").exists():
                yield app.name, path.name + "/"


def layout_problems(entries) -> list[str]:
    problems = []
    for app, entry in entries:
        name = entry.removesuffix("/").removesuffix(".py")
        if f"{app}/{entry}" in LAYOUT_EXCEPTIONS:
            continue
        if SUFFIXED.match(name):
            kind, topic = name.split("_", 1)
            problems.append(f"dudao/{app}/{entry}: move it to dudao/{app}/{kind}/{topic}.py")
        elif name not in APP_MODULES:
            problems.append(f"dudao/{app}/{entry}: not a name an app has (add it to APP_MODULES if it should be)")
    return problems


def test_apps_share_one_layout():
    entries = list(app_entries())
    # the walk sees the apps' modules and packages
    assert {("inspections", "views/"), ("organizations", "views.py"), ("core", "tables.py")} <= set(entries)
    assert layout_problems(entries) == []


def test_layout_rule_finds_a_suffixed_module_and_an_unknown_name():
    assert layout_problems([("x", "views_visits.py"), ("x", "api_development/"), ("x", "helpers.py"),
                            ("x", "views.py"), ("x", "services/"), ("reports", "views_reports.py")]) == [
        "dudao/x/views_visits.py: move it to dudao/x/views/visits.py",
        "dudao/x/api_development/: move it to dudao/x/api/development.py",
        "dudao/x/helpers.py: not a name an app has (add it to APP_MODULES if it should be)",
    ]


# ---- tools -----------------------------------------------------------------------------------

def run_tool(*args, env=None):
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, env=env, timeout=300)


def test_import_layers_hold():
    result = run_tool(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_is_clean():
    result = run_tool(str(BIN / "ruff"), "check", "dudao")
    assert result.returncode == 0, result.stdout + result.stderr


def production_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUDAO_", "DJANGO_"))}
    env.update({
        "DUDAO_DEBUG": "0",
        "DUDAO_SECRET_KEY": secrets.token_urlsafe(64),
        "DUDAO_ALLOWED_HOSTS": "dudao.example.cn",
        "DJANGO_SETTINGS_MODULE": "dudao.settings",
    })
    return env


def test_deploy_check_is_clean_in_production():
    result = run_tool(sys.executable, "manage.py", "check", "--deploy", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_scope_system_check_is_registered_and_passes():
    from dudao.core.checks import scoped_models_declare_scope

    # given the registered checks
    assert scoped_models_declare_scope in checks.registry.registry.get_checks()
    # then no model tied to the organisation tree escapes the scope
    errors = scoped_models_declare_scope(None)
    assert [e for e in errors if e.id == "dudao.E001"] == []


@pytest.mark.django_db
def test_scope_system_check_covers_the_scoped_models():
    from django.apps import apps

    from dudao.core.scope import ScopedQuerySet

    # every model with a foreign key to the organisation tree is one the check looks at
    tree = {"organizations.School", "organizations.Region", "organizations.Office", "organizations.Zone"}
    covered = [
        m._meta.label for m in apps.get_models()
        if m.__module__.startswith("dudao.")
        and {f.related_model._meta.label for f in m._meta.fields if f.is_relation and f.related_model} & tree
    ]
    assert {"inspectors.Inspector", "inspectors.Listing", "organizations.ZoneMembership"} <= set(covered)
    assert all(isinstance(apps.get_model(label)._default_manager.get_queryset(), ScopedQuerySet) for label in covered)
