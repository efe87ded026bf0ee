"""A service never imports a view (STYLE §0 rule 6): what a page and a service share (a list, its
filters, its order) lives in a selector both call. Checked on every module under ``services*``."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
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
