"""The API has one transition path: ``dudao.core.api.transition_action``.

A transition service is a value of a ``*_TRANSITION_SERVICES`` map, or a public service function
that calls ``apply_transition`` itself or takes a step of a ``core.review.Review``. No code of an API module (``api.py``, ``api_*.py``,
``api/``) calls one by hand, nor calls into a ``*_TRANSITION_SERVICES`` map: it hands the service
(or the map) to ``transition_action`` / ``attach_transitions``, which get the object through the
scope (404), check, validate (400), call the service (403, 409) and answer the refreshed object.
"""

import ast
from pathlib import Path

from django.urls import URLResolver, get_resolver

from dudao.core.api import TransitionReasonInputSerializer, transition_action

PACKAGE = Path(__file__).resolve().parents[2]

# API functions that call a transition service by hand, each with the reason the factory does not fit.
HAND_WRITTEN = {
    # the service moves one of the target's problems (``problem_id``, 404 for another target's), not the target
    ("dudao/campaigns/api.py", "issue"),
}


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def python_files(predicate):
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        if predicate(parts):
            yield path


def is_api_module(parts) -> bool:
    return parts[:2] != ("core", "api.py") and any(
        p.removesuffix(".py") == "api" or p.startswith("api_") for p in parts[1:])


def is_service_module(parts) -> bool:
    return any(p.removesuffix(".py") == "services" or p.startswith("services_") for p in parts[1:])


def is_map_name(name: str) -> bool:
    return name.endswith("_TRANSITION_SERVICES")


def dotted_name(node) -> str | None:
    """The last name of ``f`` or ``a.b.f``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def transition_services(sources) -> set[str]:
    """Dotted names of the transition services defined in ``(module, source)`` of service modules."""
    names = set()
    for module, text in sources:
        tree = ast.parse(text)
        reviews = {t.id for node in tree.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                   and dotted_name(node.value.func) == "Review" for t in node.targets if isinstance(t, ast.Name)}

        def moves(call, reviews=reviews) -> bool:
            return isinstance(call, ast.Call) and (dotted_name(call.func) == "apply_transition" or (
                isinstance(call.func, ast.Attribute) and call.func.attr in {"submit", "step"}
                and isinstance(call.func.value, ast.Name) and call.func.value.id in reviews))

        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and any(
                    is_map_name(dotted_name(t) or "") for t in node.targets):
                names |= {f"{module}.{v.id}" for v in node.value.values if isinstance(v, ast.Name)}
            elif isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and any(
                    moves(c) for c in ast.walk(node)):
                names.add(f"{module}.{node.name}")
    return names


def imported_names(tree) -> dict[str, str]:
    """What each name imported at the top of a module stands for, as a dotted path."""
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {a.asname or a.name: f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0]: a.name if a.asname else a.name.split(".")[0]
                      for a in node.names}
    return names


def resolved(node, names) -> str | None:
    """``services.thing_close`` as ``dudao.x.services.thing_close`` through the module's imports."""
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = resolved(node.value, names)
        return f"{base}.{node.attr}" if base else None
    return None


def hand_written_transitions(module: str, text: str, services: set[str]) -> list[str]:
    """``module:line function: call`` for every call of a transition service, or into a map of them,
    inside a function of an API module's source."""
    tree = ast.parse(text)
    names = imported_names(tree)
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or (module, func.name) in HAND_WRITTEN:
            continue
        for call in ast.walk(func):
            if not isinstance(call, ast.Call):
                continue
            target = call.func
            if isinstance(target, ast.Subscript) and is_map_name(dotted_name(target.value) or ""):
                found.append(f"{module}:{call.lineno} {func.name}: {dotted_name(target.value)}[...](...)")
            elif resolved(target, names) in services:
                found.append(f"{module}:{call.lineno} {func.name}: {dotted_name(target)}(...)")
    return sorted(set(found))


def project_transition_services() -> set[str]:
    return transition_services((module_name(path), path.read_text(encoding="utf-8"))
                               for path in python_files(is_service_module))


def test_api_modules_call_transition_services_only_through_the_factory():
    services = project_transition_services()
    found = []
    for path in python_files(is_api_module):
        found += hand_written_transitions(rel(path), path.read_text(encoding="utf-8"), services)
    assert found == []


def test_the_rule_sees_the_project():
    services = project_transition_services()
    # a map's values, a service that calls apply_transition itself, one in a services package
    assert {"dudao.complaints.services.complaint_verify", "dudao.monitoring.services.statistics_year_lock",
            "dudao.workreports.services.report_submit", "dudao.inspections.services.visits.visit_submit",
            "dudao.inspectors.services.development.case_submit"} <= services
    assert "dudao.complaints.services.complaint_transition_check" not in services
    modules = {rel(p) for p in python_files(is_api_module)}
    assert {"dudao/complaints/api.py", "dudao/inspectors/api/development.py",
            "dudao/inspections/api/rectifications.py"} <= modules
    assert "dudao/core/api.py" not in modules
    assert "dudao.campaigns.services.problem_notice_issue" in services  # the reason HAND_WRITTEN lists issue


def test_the_rule_finds_a_hand_written_transition():
    services = transition_services([("dudao.x.services", '''
def thing_close(*, actor, thing_id, reason=""):
    apply_transition(thing, "close", actor=actor)

def _move(thing):
    apply_transition(thing, "move", actor=None)

def thing_open(*, actor, thing_id): ...

def thing_check(*, actor, thing): ...

THING_TRANSITION_SERVICES = {"open": thing_open, "close": thing_close}
''')])
    assert services == {"dudao.x.services.thing_close", "dudao.x.services.thing_open"}
    source = '''from dudao.x import services
from dudao.x.services import thing_close as close_it
from dudao.y import services as other


class ThingViewSet:
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        services.thing_check(actor=request.user, thing=self.get_object())
        services.thing_close(actor=request.user, thing_id=pk)

    def _transition(self, request, name):
        services.THING_TRANSITION_SERVICES[name](actor=request.user, thing_id=1)

    open = transition_action("open", services.THING_TRANSITION_SERVICES, id_kwarg="thing_id", output=None)
    shut = transition_action("close", services.thing_close, id_kwarg="thing_id", output=None)

    def create(self, request):
        other.thing_close(actor=request.user, thing_id=1)  # another app's service of the same name
        return close_it(actor=request.user, thing_id=2)
'''
    assert hand_written_transitions("dudao/x/api.py", source, services) == [
        "dudao/x/api.py:10 close: thing_close(...)",
        "dudao/x/api.py:13 _transition: THING_TRANSITION_SERVICES[...](...)",
        "dudao/x/api.py:20 create: close_it(...)",
    ]


def routed_viewsets(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routed_viewsets(pattern.url_patterns)
        elif getattr(pattern.callback, "actions", None):
            yield pattern.callback.cls


def made_actions():
    for viewset in set(routed_viewsets()):
        for extra in viewset.get_extra_actions():
            if hasattr(extra, "transition"):
                yield viewset.__name__, viewset, extra


def test_factory_actions_are_routed_under_their_own_name():
    """The router and ``self.action`` know an action by its function's name: it must be the
    attribute the viewset holds it under, for a POST on one object."""
    made = list(made_actions())
    assert len(made) >= 50
    for basename, viewset, extra in made:
        assert getattr(viewset, extra.__name__) is extra, (basename, extra.__name__)
        assert extra.detail and set(extra.mapping) == {"post"}, (basename, extra.__name__)
        assert extra.url_path == extra.transition, (basename, extra.__name__)


def test_factory_defaults():
    made = transition_action("feed_back", {}, id_kwarg="thing_id", output=TransitionReasonInputSerializer)
    assert (made.__name__, made.url_path, made.url_name, made.__doc__) == ("feed_back", "feed_back", "feed-back", None)
    renamed = transition_action("return", {}, attr="return_", url_name="return", id_kwarg="thing_id",
                                output=TransitionReasonInputSerializer, doc="Returns it.")
    assert (renamed.__name__, renamed.url_path, renamed.url_name, renamed.__doc__) == (
        "return_", "return", "return", "Returns it.")
