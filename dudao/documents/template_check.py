"""The check of a template an office uploads, before it can be used: every placeholder is read the way
docxtpl will read it, and every problem is named with the text around it and where it sits.

Word splits a paragraph's text into runs wherever the formatting or the spell checker changes, so
``{{ school.name }}`` may be stored in three pieces. Like docxtpl, the check reads a paragraph's
runs joined; then, in each paragraph and table cell (and in the headers and footers):

* braces that make no placeholder: ``{ school.name }}`` (a brace lost), ``{{ date }`` (one not
  closed), ``{ date }`` (single braces), a ``%}`` that closes nothing;
* each tag, as docxtpl rewrites it (``{%tr …%}``, ``{%p …%}``, curly quotes), parsed by Jinja with the
  filters of the rendering environment: a tag that cannot be read, a filter that does not exist;
* ``{% if %}``, ``{% for %}`` … without their ``{% endif %}``, ``{% endfor %}`` (or the reverse);
* every value a placeholder names, against the data the kind of document is filled with (its
  complete sample context): ``{{ school.nme }}``, ``{{ inspectr }}`` are not values it has.

``problems(source, env, context)`` answers the messages; empty when the template is usable. The
template is then filled with the sample once (``render.check_template``), the way it will be.
"""

import io
import re
from dataclasses import dataclass

import jinja2
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from jinja2 import nodes

AROUND = 12  # characters of the paragraph shown on each side of a problem

_DELIMITER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\{|\}")
_CLOSER_OF = {"{{": "}}", "{%": "%}", "{#": "#}"}
_OPENER_OF = {v: k for k, v in _CLOSER_OF.items()}
_DOCXTPL_PREFIX = re.compile(r"^(\{%-?|\{\{-?|\{#)(?:tr|tc|p|r) ")  # {%tr …%} → {% … %}, as docxtpl does
_DOCXTPL_CELL = re.compile(r"^\{%-?\s*(colspan|cellbg)\s+(.*?)-?%\}$", re.S)
_DOCXTPL_MERGE = re.compile(r"^\{%-?\s*(vm|hm)\s*-?%\}$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})

_BLOCKS = {"if": "endif", "for": "endfor", "macro": "endmacro", "call": "endcall", "filter": "endfilter",
           "with": "endwith", "block": "endblock", "autoescape": "endautoescape", "raw": "endraw",
           "trans": "endtrans"}
_MIDDLES = {"elif": ("if",), "else": ("if", "for"), "pluralize": ("trans",)}
_GUARDS = {"default", "d"}  # {{ x|default("") }} names a value that may be missing on purpose
ANY = object()  # a value the check cannot follow further (a loop over an empty sample, a string's method)


@dataclass(frozen=True)
class Place:
    where: str  # 第3段, 表格1第2行第3列, 页眉
    text: str  # the paragraph's text, its runs joined
    part: int = 0  # the body, or one header or footer: docxtpl fills each part on its own


@dataclass(frozen=True)
class Tag:
    place: Place
    start: int
    end: int

    @property
    def raw(self) -> str:
        return self.place.text[self.start:self.end]


# ---- where a paragraph sits ------------------------------------------------------------------------

def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _blocks(container):
    """The paragraphs and tables of a body, a cell or a header, in order (content controls opened)."""
    for child in container.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _places_in(container, label, counter: dict, part: int, cell: str | None = None) -> list[Place]:
    places = []
    for block in _blocks(container):
        if block.tag == qn("w:p"):
            text = _paragraph_text(block)
            if not text.strip():
                continue
            if cell is None:
                counter["p"] += 1
            places.append(Place(cell or label(counter["p"]), text, part))
            continue
        if cell is None:  # a table in a cell is part of that cell
            counter["t"] += 1
        for r, row in enumerate(block.iterchildren(qn("w:tr")), start=1):
            for c, tc in enumerate(row.iterchildren(qn("w:tc")), start=1):
                where = cell or _("table {table}, row {row}, column {column}").format(
                    table=counter["t"], row=r, column=c)
                places.extend(_places_in(tc, label, counter, part, cell=where))
    return places


def places(source: bytes) -> list[Place]:
    """Every paragraph and table cell with text, named as an office finds it in Word: 第3段 (the
    3rd paragraph with text), 表格1第2行第3列, 页眉, 页脚."""
    doc = DocxDocument(io.BytesIO(source))
    found = _places_in(doc.element.body, lambda n: _("paragraph {n}").format(n=n), {"p": 0, "t": 0}, 0)
    seen = set()
    for section in doc.sections:
        for parts, name in (((section.header, section.first_page_header, section.even_page_header),
                             pgettext("part of a Word document", "header")),
                            ((section.footer, section.first_page_footer, section.even_page_footer),
                             pgettext("part of a Word document", "footer"))):
            for part in parts:
                if part.is_linked_to_previous or id(part.part) in seen:
                    continue
                seen.add(id(part.part))
                found.extend(_places_in(part._element, lambda n, name=name: name, {"p": 0, "t": 0}, len(seen)))
    return found


def _around(place: Place, start: int, end: int) -> str:
    text = place.text
    left, right = max(0, start - AROUND), min(len(text), end + AROUND)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


# ---- braces ------------------------------------------------------------------------------------------

def _missing(place, start, end, brace) -> str:
    return _("{place}: the placeholder in “{text}” is missing “{brace}”.").format(
        place=place.where, text=_around(place, start, end), brace=brace)


def scan(place: Place) -> tuple[list[Tag], list[str]]:
    """The well-formed tags of one paragraph and the problems of its braces."""
    tokens = [(m.start(), m.end(), m.group()) for m in _DELIMITER.finditer(place.text)]
    tags, problems = [], []
    single = None  # a lone "{" waiting for what follows
    i = 0
    while i < len(tokens):
        start, end, token = tokens[i]
        if token in _CLOSER_OF:
            if single is not None:
                problems.append(_("{place}: “{text}” has a stray “{brace}”.").format(
                    place=place.where, text=_around(place, single, single + 1), brace="{"))
                single = None
            closer = _CLOSER_OF[token]
            j, lone_close = i + 1, None
            while j < len(tokens) and tokens[j][2] != closer and tokens[j][2] not in _CLOSER_OF:
                if tokens[j][2] == "}" and lone_close is None:
                    lone_close = j
                j += 1
            if j < len(tokens) and tokens[j][2] == closer:
                tags.append(Tag(place, start, tokens[j][1]))
                i = j + 1
            elif token == "{{" and lone_close is not None:  # {{ date }
                problems.append(_missing(place, start, tokens[lone_close][1], "}"))
                i = lone_close + 1
            else:  # {{ date   /   {% if x
                stop = tokens[j][0] if j < len(tokens) else len(place.text)
                problems.append(_missing(place, start, stop, closer))
                i = j
            continue
        if token in _OPENER_OF:  # }} or %} that nothing opened
            if single is not None:  # { school.name }}   /   { if x %}
                problems.append(_missing(place, single, end, "{" if token == "}}" else "%"))
                single = None
            else:
                problems.append(_missing(place, start, end, _OPENER_OF[token]))
        elif token == "{":
            if single is not None:
                problems.append(_("{place}: “{text}” has a stray “{brace}”.").format(
                    place=place.where, text=_around(place, single, single + 1), brace="{"))
            single = start
        elif single is not None:  # { date }
            problems.append(_("{place}: “{text}” has single braces; a placeholder is written {example}.").format(
                place=place.where, text=_around(place, single, end), example="{" + place.text[single:end] + "}"))
            single = None
        else:
            problems.append(_("{place}: “{text}” has a stray “{brace}”.").format(
                place=place.where, text=_around(place, start, end), brace="}"))
        i += 1
    if single is not None:
        problems.append(_("{place}: “{text}” has a stray “{brace}”.").format(
            place=place.where, text=_around(place, single, single + 1), brace="{"))
    return tags, problems


# ---- tags --------------------------------------------------------------------------------------------

def as_jinja(raw: str) -> str | None:
    """The tag as docxtpl hands it to Jinja (``None``: a docxtpl instruction Jinja never sees)."""
    tag = raw.translate(_QUOTES)
    tag = _DOCXTPL_PREFIX.sub(r"\1 ", tag)
    if _DOCXTPL_MERGE.match(tag):
        return None
    cell = _DOCXTPL_CELL.match(tag)
    if cell:
        return "{{ " + cell.group(2) + " }}"
    return tag


def _statement(tag: str) -> str:
    inner = tag[2:-2].strip("-+ \t\n")
    return inner.split(None, 1)[0] if inner else ""


def _shown(tag: Tag) -> str:
    return _around(tag.place, tag.start, tag.end)


def _structure(tags: list[tuple[Tag, str]]) -> list[str]:
    """Blocks opened and never closed, or closed without being opened, each named where it sits."""
    problems, stack = [], []
    for tag, jinja_tag in tags:
        if not jinja_tag.startswith("{%"):
            continue
        word = _statement(jinja_tag)
        if word in _BLOCKS or (word == "set" and "=" not in jinja_tag):
            stack.append((word if word != "set" else "set", tag))
        elif word in _MIDDLES:
            if not stack or stack[-1][0] not in _MIDDLES[word]:
                problems.append(_("{place}: in “{text}”, “{tag}” belongs to no open block.").format(
                    place=tag.place.where, text=_shown(tag), tag=tag.raw))
        elif word.startswith("end"):
            opener = word[3:]
            if stack and stack[-1][0] == opener:
                stack.pop()
            elif any(o == opener for o, _tag in stack):
                while stack[-1][0] != opener:
                    word_open, open_tag = stack.pop()
                    problems.append(_unclosed(open_tag, word_open))
                stack.pop()
            else:
                problems.append(_("{place}: in “{text}”, “{tag}” closes nothing that was opened.").format(
                    place=tag.place.where, text=_shown(tag), tag=tag.raw))
    problems.extend(_unclosed(open_tag, word) for word, open_tag in stack)
    return problems


def _unclosed(tag: Tag, word: str) -> str:
    end = _BLOCKS.get(word, f"end{word}")
    return _("{place}: in “{text}”, “{tag}” is never closed by a “{end}”.").format(
        place=tag.place.where, text=_shown(tag), tag=tag.raw, end="{% " + end + " %}")


def _unreadable(tag: Tag) -> str:
    return _("{place}: the placeholder “{tag}” in “{text}” cannot be read.").format(
        place=tag.place.where, tag=tag.raw, text=_shown(tag))


def _dotted(node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    return "…"


class _Names:
    """Walks the template's tree with the sample data, reporting names the data does not have and
    filters or tests the environment does not know, by the line (= the tag) they are on."""

    def __init__(self, env: jinja2.Environment, report):
        self.env = env
        self.report = report  # report(lineno, kind, name)

    def member(self, base, key, node):
        if base is ANY or base is None:
            return ANY
        if isinstance(base, dict):
            if key in base:
                return base[key]
            self.report(node.lineno, "value", _dotted(node))
            return ANY
        if isinstance(base, list | tuple) and isinstance(key, int):
            return base[key] if -len(base) <= key < len(base) else ANY
        return ANY  # a string's or a number's own attributes

    def expr(self, node, scope: dict, guarded: bool = False):
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name not in self.env.globals and node.name not in ("loop", "caller", "varargs", "kwargs") \
                    and not guarded:
                self.report(node.lineno, "value", node.name)
            return ANY
        if isinstance(node, nodes.Getattr):
            base = self.expr(node.node, scope, guarded)
            return ANY if guarded else self.member(base, node.attr, node)
        if isinstance(node, nodes.Getitem):
            base = self.expr(node.node, scope, guarded)
            if isinstance(node.arg, nodes.Const) and not guarded:
                return self.member(base, node.arg.value, node)
            self.expr(node.arg, scope)
            return ANY
        if isinstance(node, nodes.Filter):
            if node.name not in self.env.filters:
                self.report(node.lineno, "filter", node.name)
            if node.node is not None:
                self.expr(node.node, scope, guarded or node.name in _GUARDS)
            self._arguments(node, scope)
            return ANY
        if isinstance(node, nodes.Test):
            if node.name not in self.env.tests:
                self.report(node.lineno, "test", node.name)
            self.expr(node.node, scope, guarded or node.name in ("defined", "undefined", "none"))
            self._arguments(node, scope)
            return ANY
        for child in node.iter_child_nodes():
            self.expr(child, scope, guarded)
        return ANY

    def _arguments(self, node, scope):
        for arg in [*node.args, *(k.value for k in node.kwargs), node.dyn_args, node.dyn_kwargs]:
            if arg is not None:
                self.expr(arg, scope)

    def bind(self, target, value, scope: dict) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            values = value if isinstance(value, list | tuple) and len(value) == len(target.items) else None
            for k, item in enumerate(target.items):
                self.bind(item, values[k] if values is not None else ANY, scope)

    def body(self, statements, scope: dict) -> None:
        for statement in statements:
            self.statement(statement, scope)

    def statement(self, node, scope: dict) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scope)
        elif isinstance(node, nodes.For):
            items = self.expr(node.iter, scope)
            inner = dict(scope)
            self.bind(node.target, items[0] if isinstance(items, list | tuple) and items else ANY, inner)
            if node.test is not None:
                self.expr(node.test, inner)
            self.body(node.body, inner)
            self.body(node.else_, dict(scope))
        elif isinstance(node, nodes.If):
            self.expr(node.test, scope)
            self.body(node.body, scope)
            for branch in node.elif_:
                self.statement(branch, scope)
            self.body(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.expr(node.node, scope), scope)
        elif isinstance(node, nodes.AssignBlock):
            self.body(node.body, dict(scope))
            self.bind(node.target, ANY, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.bind(target, self.expr(value, scope), inner)
            self.body(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for arg in node.args:
                self.bind(arg, ANY, inner)
            if isinstance(node, nodes.Macro):
                scope[node.name] = ANY
                inner[node.name] = ANY
            else:
                self.expr(node.call, scope)
            self.body(node.body, inner)
        elif isinstance(node, nodes.FilterBlock):
            self.expr(node.filter, scope)
            self.body(node.body, scope)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Stmt):
                    self.statement(child, scope)
                else:
                    self.expr(child, scope)


def _names(env, tags: list[tuple[Tag, str]], context: dict) -> list[str]:
    """Unknown values, filters and tests, each named with its tag; the tags are parsed as one
    template, one tag a line, so that a node's line is its tag."""
    tree = env.parse("\n".join(jinja_tag for _tag, jinja_tag in tags))
    problems, seen = [], set()

    def report(lineno, kind, name):
        tag = tags[min(max(lineno, 1), len(tags)) - 1][0]
        if (tag, kind, name) in seen:
            return
        seen.add((tag, kind, name))
        if kind == "value":
            problems.append(_("{place}: “{text}” names “{name}”, a value this kind of document does not have.")
                            .format(place=tag.place.where, text=_shown(tag), name=name))
        elif kind == "filter":
            problems.append(_("{place}: “{text}” uses the filter “{name}”, which does not exist.").format(
                place=tag.place.where, text=_shown(tag), name=name))
        else:
            problems.append(_("{place}: “{text}” uses the test “{name}”, which does not exist.").format(
                place=tag.place.where, text=_shown(tag), name=name))

    _Names(env, report).body(tree.body, dict(context))
    return problems


def problems(source: bytes, env: jinja2.Environment, context: dict) -> list[str]:
    """The problems of a template (an opened, valid .docx), each naming its text and place."""
    found, parts = [], {}
    for place in places(source):
        place_tags, place_problems = scan(place)
        found.extend(place_problems)
        for tag in place_tags:
            jinja_tag = as_jinja(tag.raw)
            if jinja_tag is None:
                continue
            if not jinja_tag.startswith("{%"):
                try:
                    env.parse(jinja_tag)
                except jinja2.TemplateSyntaxError:
                    found.append(_unreadable(tag))
                    continue
            parts.setdefault(place.part, []).append((tag, jinja_tag))
    for tags in parts.values():
        found.extend(_structure(tags))
    if found:
        return found
    for tags in parts.values():
        try:
            found.extend(_names(env, tags, context))
        except jinja2.TemplateSyntaxError as exc:  # a statement Jinja does not know ({% iff x %}), or its words
            found.append(_unreadable(tags[min(max(exc.lineno or 1, 1), len(tags)) - 1][0]))
    return found
