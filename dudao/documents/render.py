"""Rendering: a .docx template and a context in, a filled .docx (and its PDF) out.

Templates use docxtpl's Jinja tags. Rendering is strict: a value the context lacks is an error,
never an empty gap, so a document is complete or not produced at all. A template is read and
compiled once and then filled for each document (a county's notices come from one template), the
way docxtpl fills it. PDFs come from the filled .docx through LibreOffice headless, so the PDF
shows exactly the office's own template.
"""

import atexit
import contextlib
import copy
import dataclasses
import datetime
import functools
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jinja2
from django.conf import settings
from django.utils.translation import gettext as _
from docx import Document as DocxDocument
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import nsmap
from docx.oxml.parser import parse_xml
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from markupsafe import Markup, escape

from dudao.documents import template_check

FONTS_CONF = Path(__file__).with_name("fonts.conf")
# LibreOffice allocates and frees blocks of 64 MB again and again as it starts: glibc maps each one
# afresh from the kernel (a quarter of a million page faults a run). Kept in the heap instead, a run
# starts with about 0.8 s less CPU, for some 50 MB more memory while it runs.
LIBREOFFICE_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(128 << 20), "MALLOC_TRIM_THRESHOLD_": str(256 << 20)}
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


class TemplateError(ValueError):
    """A template that cannot be filled: its messages name the broken placeholders."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class PdfUnavailable(RuntimeError):
    """LibreOffice is missing or failed; the .docx is still produced."""


@dataclasses.dataclass(frozen=True)
class Image:
    """A picture for a template (a chart, a QR code, a photo): PNG or JPEG bytes and a width."""

    data: bytes
    width_mm: float = 40

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def cn_date(value: datetime.date | None) -> str:
    """A date the way Chinese official documents write it: 2026年3月5日 (GB/T 9704-2012 §7.3.5)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def snapshot(value):
    """The context as JSON-able data; pictures become their SHA-256, dates ISO strings."""
    if isinstance(value, Image):
        return {"image_sha256": value.sha256}
    if isinstance(value, dict):
        return {str(k): snapshot(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [snapshot(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _with_images(value, tpl: DocxTemplate):
    if isinstance(value, Image):
        return InlineImage(tpl, io.BytesIO(value.data), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {k: _with_images(v, tpl) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_with_images(v, tpl) for v in value]
    return value


def _literal(value):
    """Data stay text: markup is escaped and braces are written as character references, so nothing a
    person typed (a school name with ``{{`` or ``{_{``, which docxtpl turns into ``{{`` after filling)
    becomes a placeholder in the filed document."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))
    return value


class _DataEnvironment(jinja2.Environment):
    """A context is data: ``{{ counts.items }}`` is the key ``items`` of a dict, never its method."""

    def getattr(self, obj, attribute):
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def _environment() -> jinja2.Environment:
    env = _DataEnvironment(undefined=jinja2.StrictUndefined, autoescape=True, finalize=_literal)
    env.filters["cn_date"] = cn_date
    return env


def _open(source: bytes) -> DocxTemplate:
    if not zipfile.is_zipfile(io.BytesIO(source)):
        raise TemplateError([_("The file is not a Word .docx document.")])
    try:
        return DocxTemplate(io.BytesIO(source))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise TemplateError([_("The file is not a Word .docx document.")]) from exc


def template_tags(source: bytes) -> list[str]:
    """Every Jinja tag of a template, as docxtpl sees it after joining Word's split runs."""
    tpl = _open(source)
    tpl.init_docx()
    texts = [tpl.patch_xml(tpl.get_xml())]
    for part in [*tpl.get_headers_footers(tpl.HEADER_URI), *tpl.get_headers_footers(tpl.FOOTER_URI)]:
        texts.append(tpl.patch_xml(tpl.get_part_xml(part[1])))
    tags = []
    for text in texts:
        plain = re.sub(r"<[^>]+>", "", text)
        tags.extend(t for t in _TAG.findall(plain))
    return tags


def _name_broken(source: bytes, exc: Exception) -> list[str]:
    """Names the placeholders behind a Jinja error so that the office can find them in Word."""
    env = _environment()
    broken = []
    try:
        tags = template_tags(source)
    except TemplateError:
        tags = []
    for tag in tags:
        if tag.startswith("{{"):
            try:
                env.parse(tag)
            except jinja2.TemplateSyntaxError as error:
                broken.append(_("Placeholder {tag} cannot be read: {reason}").format(tag=tag[:60], reason=error.message))
    if broken:
        return broken
    if isinstance(exc, jinja2.UndefinedError):
        missing = re.findall(r"'([^']+)'", str(exc))
        name = missing[-1] if missing else ""
        culprits = [t for t in tags if name and re.search(rf"\b{re.escape(name)}\b", t)]
        if culprits:
            return [_("Placeholder {tag} names a value this kind of document does not have ({reason}).").format(
                tag=culprits[0][:60], reason=exc.message or str(exc))]
        return [_("A placeholder names a value this kind of document does not have: {reason}.").format(
            reason=exc.message or str(exc))]
    if isinstance(exc, jinja2.TemplateSyntaxError):
        near = " ".join(line.strip() for line in getattr(exc, "docx_context", None) or [] if line.strip())
        if near:  # docxtpl's text of the paragraphs around the error (a text box, say): what Word shows
            return [_("Near “{text}” the template's tags do not close properly.").format(text=near[:80])]
        return [_("The template's tags do not close properly (line {line}): {reason}").format(
            line=exc.lineno, reason=exc.message)]
    return [_("The template cannot be filled: {reason}").format(reason=exc)]


def _has_images(value) -> bool:
    if isinstance(value, Image):
        return True
    if isinstance(value, dict):
        return any(_has_images(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_images(v) for v in value)
    return False


class _Prepared:
    """A template read, patched and compiled once, then filled with any number of contexts: each
    filling writes the parts docxtpl's ``render`` writes (the body, headers and footers, core
    properties, footnotes) exactly as it writes them, added to the template's other parts, which
    are compressed once. Filling never changes the prepared template, so threads may share it.
    Pictures add parts to the package: a context with an ``Image`` goes through docxtpl itself."""

    PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # docxtpl's list

    def __init__(self, source: bytes):
        tpl = self.tpl = _open(source)
        tpl.init_docx()
        self.env = _environment()
        self.body = self._compile(tpl.get_xml())
        self.root = tpl.docx.element
        self.parts = {part.partname.membername: (self._compile(xml), tpl.get_headers_footers_encoding(xml))
                      for uri in (tpl.HEADER_URI, tpl.FOOTER_URI)
                      for _rel, part in tpl.get_headers_footers(uri) for xml in [tpl.get_part_xml(part)]}
        self.properties = [(name, self.env.from_string(getattr(tpl.docx.core_properties, name)))
                           for name in self.PROPERTIES]
        core = tpl.docx.part.package.part_related_by(RT.CORE_PROPERTIES)
        self.core = (core.partname.membername, core.element)
        self.footnotes = {part.partname.membername: self._compile(part.blob.decode("utf-8"))
                          for part in tpl.docx.part.package.parts if part.content_type == CT.WML_FOOTNOTES}
        self.sections = len(tpl.docx.sections)
        filled = {tpl.docx.part.partname.membername, *self.parts, self.core[0], *self.footnotes}
        whole, rest = io.BytesIO(), io.BytesIO()
        tpl.docx.save(whole)
        with zipfile.ZipFile(whole) as package, zipfile.ZipFile(rest, "w", zipfile.ZIP_DEFLATED) as kept:
            for info in package.infolist():
                if info.filename not in filled:
                    kept.writestr(info, package.read(info))
        self.rest = rest.getvalue()

    def _compile(self, xml: str) -> jinja2.Template:
        """docxtpl's ``patch_xml`` and the compiling half of its ``render_xml_part``."""
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", self.tpl.patch_xml(xml))
        try:
            return self.env.from_string(xml)
        except jinja2.TemplateError as exc:  # docxtpl's text of the paragraphs around the error
            line = max((exc.lineno or 1) - 4, 0)
            exc.docx_context = [re.sub(r"<[^>]+>", "", x) for x in xml.splitlines()[line:line + 7]]
            raise

    def _fill(self, template: jinja2.Template, context: dict) -> str:
        """The filling half of docxtpl's ``render_xml_part``."""
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", template.render(context))
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self.tpl.resolve_listing(xml)

    def render(self, context: dict) -> tuple[bytes, str]:
        """The filled .docx and its text (``docx_text``), read from the filled body alone."""
        filled = {}
        body = self.tpl.fix_tables(self._fill(self.body, context))
        for number, shape in enumerate(body.xpath("//wp:docPr", namespaces=nsmap), start=1001):
            shape.attrib["id"] = str(number)  # docxtpl numbers them from 1001 in each document
        root = copy.deepcopy(self.root)
        root.replace(root.body, body)
        main = filled[self.tpl.docx.part.partname.membername] = serialize_part_xml(root)
        for name, (template, encoding) in self.parts.items():
            filled[name] = serialize_part_xml(parse_xml(self._fill(template, context).encode(encoding)))
        core = copy.deepcopy(self.core[1])
        for name, template in self.properties:
            setattr(CoreProperties(core), name, template.render(context))
        filled[self.core[0]] = serialize_part_xml(core)
        for name, template in self.footnotes.items():
            xml = self._fill(template, context)
            for _section in range(1, self.sections):  # docxtpl fills the footnotes again for each section
                xml = self._fill(self._compile(xml), context)
            filled[name] = xml.encode("utf-8")
        out = io.BytesIO(self.rest)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
            for name, data in filled.items():
                package.writestr(name, data)
        return out.getvalue(), _visible_text(WordDocument(parse_xml(main), None))


@functools.lru_cache(maxsize=8)
def _prepared(source: bytes) -> _Prepared:
    """The prepared template of ``source``: a batch reads and compiles its template once."""
    return _Prepared(source)


def render_docx(source: bytes, context: dict) -> bytes:
    """Fills ``source`` with ``context``; raises ``TemplateError`` rather than leave a gap."""
    return render_docx_and_text(source, context)[0]


def render_docx_and_text(source: bytes, context: dict) -> tuple[bytes, str]:
    """``render_docx`` and the filled document's ``docx_text``, without reading the file back."""
    try:
        if not _has_images(context):
            return _prepared(source).render(context)
        tpl = _open(source)
        tpl.render(_with_images(context, tpl), jinja_env=_environment(), autoescape=True)
    except TemplateError:  # not a .docx at all
        raise
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise TemplateError(_name_broken(source, exc)) from exc
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue(), docx_text(out.getvalue())


def check_template(source: bytes, sample_context: dict) -> list[str]:
    """The problems of an uploaded template, each naming its text and the paragraph or table cell
    where it sits (``template_check``); then it is filled with the complete sample once, as it will
    be. Empty when it is usable."""
    try:
        _open(source)
        problems = template_check.problems(source, _environment(), sample_context)
        if problems:
            return problems
        render_docx(source, sample_context)
    except TemplateError as exc:
        return exc.messages
    return []


def docx_text(data: bytes) -> str:
    """The visible text of a .docx (paragraphs, then table cells), for search and for tests."""
    return _visible_text(DocxDocument(io.BytesIO(data)))


def _visible_text(doc: WordDocument) -> str:
    parts = [text for text in (p.text for p in doc.paragraphs) if text.strip()]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" ".join(dict.fromkeys(cell.text for cell in row.cells)))  # a merged cell once
    return "\n".join(parts)


# ---- PDF through LibreOffice ---------------------------------------------------------------------

def soffice_path() -> str | None:
    return getattr(settings, "DUDAO_SOFFICE", None) or shutil.which("soffice") or shutil.which("libreoffice")


def pdf_workers() -> int:
    """How many LibreOffice conversions a process runs at once: ``DUDAO_PDF_WORKERS``, by default one
    per core."""
    return max(1, getattr(settings, "DUDAO_PDF_WORKERS", 0) or os.cpu_count() or 1)


class _Profiles:
    """The process's LibreOffice profiles, one per conversion running at once: two conversions never
    share one (it would lock), and a warm profile saves the start-up of a new one (about a second).
    They are removed when the process ends."""

    def __init__(self):
        self._lock = threading.Lock()
        self._free: list[Path] = []
        self.paths: list[Path] = []

    @contextlib.contextmanager
    def take(self):
        with self._lock:
            if not self._free:
                path = Path(tempfile.gettempdir()) / f"dudao-soffice-{os.getuid()}-{os.getpid()}-{len(self.paths)}"
                atexit.register(shutil.rmtree, path, ignore_errors=True)
                self.paths.append(path)
                self._free.append(path)
            path = self._free.pop()
        try:
            yield path
        finally:
            with self._lock:
                self._free.append(path)


_profiles = _Profiles()


def docx_to_pdf(documents: list[bytes], *, chunk: int = 50, progress=None) -> list[bytes]:
    """Converts each .docx to PDF, ``chunk`` files per LibreOffice run and up to ``pdf_workers()``
    runs at once; fonts per ``fonts.conf``. The PDFs come back in the order of the documents."""
    binary = soffice_path()
    if not binary:
        raise PdfUnavailable(_("PDF output needs LibreOffice (Debian package libreoffice-writer-nogui)."))
    batches = [documents[start:start + chunk] for start in range(0, len(documents), chunk)]
    results: list[bytes] = []
    with ThreadPoolExecutor(max_workers=max(1, min(pdf_workers(), len(batches)))) as pool:
        for pdfs in pool.map(lambda batch: _convert(binary, batch), batches):
            results.extend(pdfs)
            if progress:
                progress(len(results), len(documents))
    return results


def _convert(binary: str, batch: list[bytes]) -> list[bytes]:
    """One LibreOffice run over ``batch``, with a profile no other run is using."""
    env = {**os.environ, **LIBREOFFICE_MALLOC, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": tempfile.gettempdir()}
    with _profiles.take() as profile, tempfile.TemporaryDirectory(prefix="dudao-pdf-") as tmp:
        work = Path(tmp)
        names = []
        for i, data in enumerate(batch):
            name = work / f"d{i:06d}.docx"
            name.write_bytes(data)
            names.append(name)
        command = [binary, "--headless", "--norestore", "--nologo", "--nodefault",
                   f"-env:UserInstallation={profile.as_uri()}",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "out"), *map(str, names)]
        try:
            subprocess.run(command, env=env, capture_output=True, timeout=120 + 10 * len(batch), check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(_("LibreOffice did not finish converting the documents.")) from exc
        except OSError as exc:  # DUDAO_SOFFICE names a file that is not there or cannot run
            raise PdfUnavailable(_("PDF output needs LibreOffice (Debian package libreoffice-writer-nogui).")) from exc
        pdfs = []
        for name in names:
            pdf = work / "out" / (name.stem + ".pdf")
            if not pdf.exists():
                raise PdfUnavailable(_("LibreOffice could not convert the document to PDF."))
            pdfs.append(pdf.read_bytes())
        return pdfs
