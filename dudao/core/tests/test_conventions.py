"""Conventions enforced by tools, not memory (STYLE §0 rule 6, §7.6, §7.7).

* every URL reaches a view that reads through the scope, or one on a short reviewed list;
* ``status`` is assigned only by ``core.workflow.apply_transition``, in every app;
* every page that applies a transition is a ``core.views.TransitionView``;
* views, API, selectors, exports and documents open ``Model.objects`` only through ``for_user``;
* no module outside ``core`` and ``accounts`` reads a user's scope: it asks ``accounts.access``;
* a service never imports a view (STYLE §0 rule 6);
* the tests of every app name their files one way (``test_views.py``, never ``test_pages.py``);
* every app has the same layout: ``views``, ``forms``, ``selectors``, ``services``, ``api``, ``urls``... are
  a module or a package of that name, never ``views_<topic>.py``;
* import-linter's layers, ruff, ``check --deploy`` and the ``dudao.E001`` system check pass;
* no template holds a script the Content-Security-Policy would block (inline ``<script>``, ``on...=``
  handlers, ``javascript:`` links), and our scripts never turn text into code (``eval``, ``new Function``).
"""

import ast
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
from dudao.core.views import ScopedMixin, ScopedTemplateView, TransitionView

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
    "dudao.accounts.api.TokenView",
    "rest_framework.routers.APIRootView",
    "drf_spectacular.views.SpectacularAPIView",
    "drf_spectacular.views.SpectacularSwaggerSplitView",
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
    "dudao.notifications.views.PreferenceView",  # Preference.objects.for_user: one's own channels
    "dudao.notifications.api.PreferenceViewSet",
}
# Import pages: the importer reads every region, zone and school through for_user(actor, "change").
IMPORT_VIEWS = {
    "dudao.organizations.imports.SchoolImportView",
    "dudao.organizations.imports.CalendarDayImportView",
    "dudao.inspectors.imports.inspectors.InspectorImportView",
}
PUBLIC_FUNCTIONS = {
    "django.views.static.serve",
    # for the load balancer and the scraper: counts and numbers only, no rows; /metrics needs its token
    "dudao.ops.health.health",
    "dudao.ops.metrics.metrics",
}


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


STATUS_ASSIGNMENT = re.compile(
    r"\.status\s*=(?!=)"  # obj.status = ...
    r"|\.update\([^)]*\bstatus\s*="  # qs.update(status=...), also over several lines
    r"|bulk_update\([^)]*[\"']status[\"']"  # Model.objects.bulk_update(rows, ["status"])
    r"|setattr\([^,]+,\s*[\"']status[\"']"
)


def status_assignments(files):
    found = []
    for rel, text in files:
        lines = text.splitlines()
        for match in STATUS_ASSIGNMENT.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            found.append(f"{rel}:{number}: {lines[number - 1].strip()}")
    return found


def test_status_is_assigned_only_by_apply_transition():
    # every module of every app (views, API, services, jobs, commands), tests and migrations aside
    files = list(source_files(lambda rel, parts: rel != "dudao/core/workflow.py"))
    assert {"dudao/jobs/services.py", "dudao/complaints/services.py", "dudao/plans/views.py"} <= {
        rel for rel, _text in files}
    assert status_assignments(files) == []


def test_status_rule_finds_an_assignment():
    assert STATUS_ASSIGNMENT.search("    rectification.status = Rectification.Status.CLOSED")
    assert STATUS_ASSIGNMENT.search("Visit.objects.filter(pk=1).update(status='done')")
    assert STATUS_ASSIGNMENT.search("Visit.objects.filter(pk=1).update(\n    status='done',\n)")
    assert STATUS_ASSIGNMENT.search("Visit.objects.bulk_update(visits, ['status'])")
    assert STATUS_ASSIGNMENT.search('setattr(job, "status", "failed")')
    assert not STATUS_ASSIGNMENT.search("if obj.status == Inspector.Status.ACTIVE:")
    assert not STATUS_ASSIGNMENT.search("qs.filter(status=Inspector.Status.ACTIVE).update(note='')")
    files = [("dudao/x/services.py", "def close(n):\n    n.status = 'closed'\n")]
    assert status_assignments(files) == ["dudao/x/services.py:2: n.status = 'closed'"]


def class_source(cls) -> str:
    """A class's source, or, for a class made by a factory (``edit_and_delete_views``), the source of
    the methods it defines itself."""
    try:
        return inspect.getsource(cls)
    except OSError:
        return "".join(inspect.getsource(v) for v in vars(cls).values() if inspect.isfunction(v))


def transition_view_problem(cls, url_name: str | None) -> str | None:
    """Why a page that applies a transition is not a ``TransitionView``, or None."""
    if issubclass(cls, TransitionView):
        return None
    source = class_source(cls)
    applies = ("TRANSITION_SERVICES" in source or "apply_transition" in source
               or cls.__name__.endswith("TransitionView") or (url_name or "").endswith("_transition"))
    return f"{dotted(cls)} applies a transition but is not a core.views.TransitionView" if applies else None


def page_views():
    for entry_path, callback, namespaces in walk(get_resolver().url_patterns):
        cls = getattr(callback, "view_class", None)
        if cls is not None and cls.__module__.startswith("dudao.") and "admin" not in namespaces:
            yield entry_path, cls


def walk_names(patterns):
    """(url name, view class) of every named page."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk_names(entry.url_patterns)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "view_class", None):
            yield entry.name, entry.callback.view_class


def test_every_page_that_applies_a_transition_is_a_transition_view():
    names = {cls: name for name, cls in walk_names(get_resolver().url_patterns)}
    problems = sorted({problem for _path, cls in page_views()
                       if (problem := transition_view_problem(cls, names.get(cls)))})
    assert problems == []
    # the rule sees the pages it is about
    transition_views = {dotted(cls) for _path, cls in page_views() if issubclass(cls, TransitionView)}
    assert {"dudao.plans.views.TaskTransitionView", "dudao.complaints.views.ComplaintTransitionView",
            "dudao.inspections.views.rectifications.RectificationTransitionView"} <= transition_views


def test_transition_rule_finds_a_hand_written_transition_view():
    from django.views.generic import View

    class ThingTransitionView(ScopedMixin, View):
        def post(self, request, pk, name):
            pass

    class ThingCloseView(ScopedMixin, View):
        def post(self, request, pk):
            return THING_TRANSITION_SERVICES["close"]  # noqa: F821

    class ThingEditView(ScopedMixin, View):
        pass

    assert "ThingTransitionView" in transition_view_problem(ThingTransitionView, None)
    assert "ThingCloseView" in transition_view_problem(ThingCloseView, None)
    assert "ThingEditView" in transition_view_problem(ThingEditView, "thing_transition")
    assert transition_view_problem(ThingEditView, "thing_edit") is None


READ_KINDS = {"views", "api", "selectors", "exports"}
READ_MODULES = {"documents.py", "bundles.py"}
# ``.none()`` reads no row, so it needs no scope
MANAGER_ACCESS = re.compile(r"\.(objects|_default_manager|_base_manager)\s*\.\s*(?!for_user\b|none\s*\(\))")
SCOPE_MARKER = re.compile(r"#\s*scope:\s*\w+")


def is_read_module(rel, parts) -> bool:
    """Views, API, selectors and exports, as modules (``views.py``, ``views/visits.py``) or packages
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


SCOPE_HOMES = ("core", "accounts")


def scope_reads(files):
    """Where a module reads a user's scope: ``<x>.scope.<attr>``, ``<x>.scope`` kept aside
    (``scope = user.scope``), or ``getattr(<x>, "scope", ...)``; found in the syntax tree, so no
    line break or parenthesis hides one."""
    def reads_scope(node) -> bool:
        if isinstance(node, ast.Attribute):
            return node.attr == "scope"
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "scope")

    return [f"{rel}:{node.lineno}: {ast.unparse(node)}"
            for rel, text in files for node in ast.walk(ast.parse(text, filename=rel)) if reads_scope(node)]


def test_scope_is_read_only_in_core_and_accounts():
    """Who may see and change what is decided in ``core`` and ``accounts``: the other apps read rows
    through ``for_user`` and ask ``accounts.access`` (``acts_for_office``, ``offices_of``, …), never a
    field of ``user.scope``."""
    assert scope_reads(source_files(lambda rel, parts: parts[0] not in SCOPE_HOMES)) == []


def test_scope_rule_finds_a_read_however_written():
    files = [
        ("dudao/x/views.py", "if request.user.scope.is_office:\n    pass\n"),
        ("dudao/x/forms.py", "ids = sorted(\n    self.user\n    .scope\n    .office_ids)\n"),
        ("dudao/x/selectors.py", "scope = user.scope\nok = acts_for_office(user)\n"),
        ("dudao/x/services.py", "x = getattr(getattr(user, 'scope', None), 'unrestricted', False)\n"),
        ("dudao/x/api.py", "from dudao.core.scope import ancestor_paths\nq = Model.objects.for_user(user)\n"),
    ]
    assert [line.split(": ")[0] for line in scope_reads(files)] == [
        "dudao/x/views.py:1", "dudao/x/forms.py:2", "dudao/x/selectors.py:1", "dudao/x/services.py:1",
    ]


# ---- a service never imports a view ----------------------------------------------------------
# What a page and a service share (a list, its filters, its order) lives in a selector both call.
# Checked on every module under ``services*``.

VIEW_MODULE = re.compile(r"(^|\.)views(_\w+)?(\.|$)")
VIEW_PATH = re.compile(r"dudao\.\w+\.views(_\w+)?\b")


def is_service_module(parts) -> bool:
    return any(part.removesuffix(".py").split("_")[0] == "services" for part in parts)


def view_imports(name: str, text: str) -> list[str]:
    """The views a module imports: ``import``/``from`` statements anywhere in it (also inside a
    function) and dotted paths handed to ``import_string``."""
    package = name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if VIEW_MODULE.search(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], module]).strip(".")
            names = [f"{module}.{alias.name}" for alias in node.names]
            found += [n for n in names if VIEW_MODULE.search(n)]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and VIEW_PATH.search(node.value):
            found.append(node.value)
    return found


def service_view_imports() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts or not is_service_module(parts):
            continue
        name = "dudao." + ".".join(parts).removesuffix(".py")
        found += [f"{name}: {target}" for target in view_imports(name, path.read_text(encoding="utf-8"))]
    return found


def test_no_service_imports_a_view():
    assert service_view_imports() == []


def test_service_rule_finds_a_view_import():
    assert view_imports("dudao.x.services", "from dudao.x.views_lists import ListView\n")
    assert view_imports("dudao.x.services.documents", "def f():\n    from dudao.x.views import ListView\n")
    assert view_imports("dudao.x.services.documents", "from ..views_lists import ListView\n")
    assert view_imports("dudao.x.services", "import dudao.x.views\n")
    assert view_imports("dudao.x.services", "VIEW = 'dudao.x.views.ListView'\n")
    assert not view_imports("dudao.x.services", "from dudao.x import selectors\nfrom dudao.x.models import Row\n")
    assert is_service_module(("inspections", "services", "documents.py"))
    assert is_service_module(("inspectors", "services", "development.py"))
    assert not is_service_module(("inspectors", "views", "development.py"))


# ---- one app layout ----------------------------------------------------------------------------

# What every app may have: a module (``views.py``) or a package (``views/visits.py``) of each name.
LAYOUT_KINDS = ("views", "forms", "filters", "selectors", "services", "urls", "api", "exports", "tables")
# The names a module or package may have at the top of an app: the layout, Django's own, then what the
# apps have of their own (a new name is a decision: add it here).
APP_MODULES = {
    *LAYOUT_KINDS, "models",
    "admin", "apps", "checks", "context_processors", "management", "middleware", "migrations", "templatetags",
    "tests",
    "access", "actions", "analysis", "answering", "authentication", "backends", "backfill", "backup", "balance", "bulk", "bundles", "campaign_checklists",
    "campaigns", "chain", "changes", "directives", "channels", "charts", "checkin", "choices", "commands", "demo", "documents", "downloads", "drafting", "duties",
    "evaluations", "examples", "excel", "files", "filing", "formulas", "importing", "imports",
    "history", "instrument", "kinds", "layout", "loader", "lockout", "loop", "masking", "national", "numbering", "paging", "periods", "permissions", "plans", "portrait", "public",
    "qr", "questionnaires", "ratelimit", "rates", "recipients", "render", "replica", "review", "roles", "rules", "scope", "scoring",
    "signboards", "tally", "tasks", "template_check", "testing", "texts", "timeline", "validators", "visibility", "watermark",
    "workflow",
    "working_days",
}
# A topic's share of a kind is a module of its package, importers too (``imports_training.py`` → ``imports/training.py``).
SUFFIXED = re.compile(rf"^({'|'.join((*LAYOUT_KINDS, 'imports'))})_\w+$")


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
    assert layout_problems([("x", "views_visits.py"), ("x", "api_development/"), ("x", "imports_training.py"),
                            ("x", "helpers.py"),
                            ("x", "views.py"), ("x", "services/")]) == [
        "dudao/x/views_visits.py: move it to dudao/x/views/visits.py",
        "dudao/x/api_development/: move it to dudao/x/api/development.py",
        "dudao/x/imports_training.py: move it to dudao/x/imports/training.py",
        "dudao/x/helpers.py: not a name an app has (add it to APP_MODULES if it should be)",
    ]


def test_tables_are_declared_in_tables_modules():
    """A list's columns live in the app's ``tables.py``, where its export and its page both find them."""
    inline = [f"{rel}:{node.lineno}" for rel, text in source_files(lambda rel, parts: len(parts) > 1 and parts[1].startswith("views"))
              for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Column"]
    assert inline == []


# The tests of an app use one name per concern: ``test_services.py``, ``test_selectors.py``, ``test_views.py``,
# ``test_api.py`` (in a topic's folder, ``tests/visits/test_views.py``, when the app's code is split by topic);
# other files are named after what they test (``test_imports.py``, ``test_documents.py``).
TEST_CONCERNS = {
    "page": "views", "pages": "views", "web": "views", "view": "views", "ui": "views",
    "service": "services", "selector": "selectors",
    "apis": "api", "endpoint": "api", "endpoints": "api", "rest": "api",
}


def misnamed_test_files(paths) -> list[str]:
    problems = []
    for rel in paths:
        words = rel.rsplit("/", 1)[-1].removesuffix(".py").removeprefix("test_").split("_")
        if synonyms := [w for w in words if w in TEST_CONCERNS]:
            problems.append(f"{rel}: the tests of {TEST_CONCERNS[synonyms[0]]} live in test_{TEST_CONCERNS[synonyms[0]]}.py")
        elif len(words) > 1 and words[-1] in set(TEST_CONCERNS.values()):
            problems.append(f"{rel}: merge it into test_{words[-1]}.py (or a topic folder's test_{words[-1]}.py)")
    return problems


def test_apps_name_their_test_files_one_way():
    paths = [p.relative_to(REPO).as_posix() for p in sorted(PACKAGE.glob("*/tests/**/test_*.py"))]
    # the walk sees the apps' test files, in topic folders too
    assert {"dudao/plans/tests/test_views.py", "dudao/inspections/tests/visits/test_api.py"} <= set(paths)
    assert misnamed_test_files(paths) == []


def test_test_file_rule_finds_the_old_names():
    assert misnamed_test_files([
        "dudao/x/tests/test_pages.py", "dudao/x/tests/test_views_api.py", "dudao/x/tests/test_service.py",
        "dudao/x/tests/test_selector.py", "dudao/x/tests/test_view.py", "dudao/x/tests/test_apis.py",
        "dudao/x/tests/test_web.py", "dudao/x/tests/test_visits_services.py", "dudao/x/tests/test_views.py",
        "dudao/x/tests/test_api_schema.py", "dudao/x/tests/test_imports.py", "dudao/x/tests/visits/test_api.py",
    ]) == [
        "dudao/x/tests/test_pages.py: the tests of views live in test_views.py",
        "dudao/x/tests/test_views_api.py: merge it into test_api.py (or a topic folder's test_api.py)",
        "dudao/x/tests/test_service.py: the tests of services live in test_services.py",
        "dudao/x/tests/test_selector.py: the tests of selectors live in test_selectors.py",
        "dudao/x/tests/test_view.py: the tests of views live in test_views.py",
        "dudao/x/tests/test_apis.py: the tests of api live in test_api.py",
        "dudao/x/tests/test_web.py: the tests of views live in test_views.py",
        "dudao/x/tests/test_visits_services.py: merge it into test_services.py (or a topic folder's test_services.py)",
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
        "DUDAO_AUDIT_KEY": secrets.token_urlsafe(64),
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


# ---- no import circle inside an app ----------------------------------------------------------

def circles(graph_edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module in ``{module: modules it imports}``."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph_edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph_edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_inside_an_app():
    """Inside an app, imports (even those inside functions) run one way: models ← services ← views."""
    import grimp

    graph = grimp.build_graph("dudao")
    edges = {}
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 3 or "tests" in parts or "migrations" in parts:
            continue
        app = ".".join(parts[:2]) + "."
        edges[module] = {m for m in graph.find_modules_directly_imported_by(module)
                         if m.startswith(app) and "tests" not in m.split(".")}
    assert circles(edges) == []


def test_circle_rule_finds_a_circle():
    assert circles({"a.x.models": {"a.x.scope"}, "a.x.scope": {"a.x.roles"}, "a.x.roles": {"a.x.models"},
                    "a.x.views": {"a.x.models"}}) == [["a.x.models", "a.x.roles", "a.x.scope"]]


# ---- what the Content-Security-Policy allows (script-src 'self', no 'unsafe-inline', no 'unsafe-eval') ----

TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
HTML_TAG = re.compile(r"<[a-zA-Z][^>]*>")
INLINE_SCRIPT = re.compile(r"""<script\b(?![^>]*\bsrc=)(?![^>]*\btype=["']application/json["'])""", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=""", re.I)
JS_URL = re.compile(r"javascript:", re.I)
EVAL = re.compile(r"""\beval\(|\bnew Function\(|\bset(?:Timeout|Interval)\(\s*["'`]""")


def inline_scripts(rel, text):
    """Where ``text`` (a template) would run code the policy blocks."""
    html = TEMPLATE_CODE.sub(lambda m: "\n" * m.group().count("\n"), text)
    found = [*INLINE_SCRIPT.finditer(html), *JS_URL.finditer(html)]
    found += [tag for tag in HTML_TAG.finditer(html) if HANDLER.search(tag.group())]
    return [f"{rel}:{html.count(chr(10), 0, m.start()) + 1}: {m.group()[:60]}" for m in found]


def test_templates_hold_no_inline_script():
    templates = sorted(PACKAGE.rglob("templates/**/*.html"))
    assert len(templates) > 100 and PACKAGE / "templates" / "base.html" in templates
    found = [problem for path in templates
             for problem in inline_scripts(path.relative_to(REPO).as_posix(), path.read_text(encoding="utf-8"))]
    assert found == []


def test_inline_script_rule_finds_scripts_handlers_and_links():
    assert inline_scripts("t.html", "<p>\n<script>alert(1)</script>") == ["t.html:2: <script"]
    assert inline_scripts("t.html", '<script type="module">x()</script>')
    assert inline_scripts("t.html", '<button class="btn" onclick="go()">')
    assert inline_scripts("t.html", '<body {% if a %}onload="go()"{% endif %}>')
    assert inline_scripts("t.html", '<a href="javascript:history.back()">')
    assert inline_scripts("t.html", '<script src="{% static \'a.js\' %}"></script>'
                                    '<script type="application/json" id="x">{}</script>') == []
    # words in text and template tags are not handlers
    assert inline_scripts("t.html", "{% blocktranslate with online=x %}Online {{ online }}{% endblocktranslate %}") == []
    assert inline_scripts("t.html", "<p>online=yes</p>") == []


def test_our_scripts_never_turn_text_into_code():
    scripts = sorted((PACKAGE / "static" / "dudao").glob("*.js"))
    assert PACKAGE / "static" / "dudao" / "visit-form.js" in scripts
    assert [f"{p.name}: {m.group()}" for p in scripts for m in EVAL.finditer(p.read_text(encoding="utf-8"))] == []
    assert EVAL.search("setTimeout('go()', 10)") and EVAL.search("var f = new Function(body)")
    assert not EVAL.search("setTimeout(function () { go(); }, 10)")
