"""Every audit action code reads as words: a convention test finds the codes in the source.

A service writes a dotted code (``inspections.rectification.issue``); the audit log, the dashboard
and the histories show its label from ``dudao.audit.actions``. A new code without a label, or a
``changes`` key that reads as no field and no known key, fails here.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from dudao.audit.actions import LABELS, action_label, code_model, has_label
from dudao.audit.changes import key_spec

PACKAGE = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^([a-z]+)\.([a-z_]+)\.([a-z_]+)$")
DOTTED = re.compile(r"\b[a-z]+\.[a-z_]+\.[a-z_]+\b")


def _app_labels() -> set[str]:
    return {config.label for config in apps.get_app_configs() if config.name.startswith("dudao.")}


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" not in path.parts and "testing" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _expand(node: ast.JoinedStr) -> list[str]:
    """The codes an f-string ``"app.model.{name}"`` can write: the strings in its expression, or
    the transitions of the model it names."""
    head = node.values[0].value if node.values and isinstance(node.values[0], ast.Constant) else ""
    if not re.match(r"^[a-z]+\.[a-z_]+\.$", head) or len(node.values) != 2:
        return []
    names = [n.value for n in ast.walk(node.values[1]) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    model = code_model(head + "x")
    return [head + name for name in (names or list(getattr(model, "TRANSITIONS", {})))]


def source_action_codes() -> dict[str, str]:
    """Every audit code written in the source (literal, or an f-string over names), with where."""
    labels = _app_labels()
    found = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                candidates = [node.value]
            elif isinstance(node, ast.JoinedStr):
                candidates = _expand(node)
            else:
                continue
            for code in candidates:
                match = CODE.match(code)
                if match and match.group(1) in labels:
                    found.setdefault(code, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def _literal_codes(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return _expand(node)
    return []


def source_change_keys() -> dict[tuple[str, str], str]:
    """The literal ``changes`` keys of each code: ``record(action=..., changes={...})`` and the
    ``(action, target, changes, reason)`` entries of ``record_many``."""
    found = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            pairs = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record":
                kwargs = {k.arg: k.value for k in node.keywords}
                pairs = [(code, kwargs.get("changes")) for code in _literal_codes(kwargs.get("action"))]
            elif isinstance(node, ast.Tuple) and len(node.elts) == 4:
                pairs = [(code, node.elts[2]) for code in _literal_codes(node.elts[0]) if CODE.match(code)]
            for code, changes in pairs:
                if isinstance(changes, ast.Dict):
                    for key in changes.keys:
                        if isinstance(key, ast.Constant) and isinstance(key.value, str):
                            found.setdefault((code, key.value), f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_the_scan_finds_literal_and_transition_codes():
    # given the source of the apps
    codes = source_action_codes()
    # then literal codes, the f-string variants and the transitions of a model are all found
    assert "inspections.rectification.issue" in codes
    assert {"inspections.visit.create", "inspections.visit.update"} <= set(codes)
    assert {"plans.workplan.approve", "plans.workplan.return"} <= set(codes)
    assert "organizations.school.create" in codes  # an entry of record_many
    assert len(codes) > 100


def test_every_action_code_in_the_source_has_a_label():
    # given every code a service writes
    codes = source_action_codes()
    # then each has a label (add it to dudao/audit/actions.py LABELS)
    assert sorted(f"{code} ({where})" for code, where in codes.items() if not has_label(code)) == []


def test_a_code_without_a_label_is_reported_and_never_shown():
    # given a code nobody labelled
    code = "inspections.rectification.teleport"
    # then the convention test would report it, and people read words, not the code
    assert not has_label(code)
    with translation.override("zh-hans"):
        shown = action_label(code)
    assert code not in shown and not DOTTED.search(shown)
    assert "整改通知书" in shown


def test_reference_data_codes_are_labelled_by_their_model():
    # given the codes of the audited generic save and delete
    with translation.override("zh-hans"):
        created, deleted = action_label("organizations.region.create"), action_label("organizations.zone.delete")
    # then they read as the verb and the model's name
    assert has_label("organizations.office.update")
    assert created == "新建区域"
    assert deleted == "删除责任区"


@pytest.mark.parametrize("code", sorted(LABELS))
def test_every_label_is_translated(code):
    with translation.override("zh-hans"):
        chinese = action_label(code)
    assert not re.search(r"[A-Za-z]", re.sub(r"Excel|PDF", "", chinese)), f"{code}: {chinese}"


def test_every_change_key_in_the_source_reads_as_words():
    # given each literal key of the changes a service records
    keys = source_change_keys()
    assert len(keys) > 50
    # then it reads as a field of the code's model or a known key (add it to audit/changes.py KEYS)
    unread = sorted(f"{code} {key} ({where})" for (code, key), where in keys.items()
                    if key_spec(key, [m for m in [code_model(code)] if m]) is None)
    assert unread == []


@pytest.mark.parametrize(("model", "key", "chinese"), [
    ("evaluations.Rating", "total", "总分"),
    ("evaluations.Unit", "opinion", "督导意见"),
    ("complaints.Complaint", "answer", "答复"),
    ("complaints.Complaint", "status", "状态"),
    ("inspectors.Inspector", "name", "姓名"),
    ("assessment.AssessmentRating", "rater", "评价人"),
])
def test_changed_fields_read_as_an_office_says_them(model, key, chinese):
    # given a field a change names
    spec = key_spec(key, [apps.get_model(model)])
    # then its label is the office's word
    with translation.override("zh-hans"):
        assert str(spec.label) == chinese
