"""Rendering: a .docx template and a context in, a filled .docx (and its PDF) out.

Templates use docxtpl's Jinja tags. Rendering is strict: a value the context lacks is an error,
never an empty gap, so a document is complete or not produced at all. PDFs come from the filled
.docx through LibreOffice headless, so the PDF shows exactly the office's own template.
"""

import atexit
import contextlib
import dataclasses
import datetime
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
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from markupsafe import Markup, escape

from dudao.documents import template_check

FONTS_CONF = Path(__file__).with_name("fonts.conf")
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


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True, finalize=_literal)
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


def render_docx(source: bytes, context: dict) -> bytes:
    """Fills ``source`` with ``context``; raises ``TemplateError`` rather than leave a gap."""
    tpl = _open(source)
    try:
        tpl.render(_with_images(context, tpl), jinja_env=_environment(), autoescape=True)
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise TemplateError(_name_broken(source, exc)) from exc
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


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
    doc = DocxDocument(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs if p.text.strip()]
    for table in doc.tables:
        for row in table.rows:
            seen = []
            for cell in row.cells:
                if cell.text not in seen:
                    seen.append(cell.text)
            parts.append(" ".join(seen))
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
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": tempfile.gettempdir()}
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
