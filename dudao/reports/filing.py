"""Filing a .docx a person wrote (a finished report) in the archive as a ``documents.Document``.

The document engine files the documents it generates; a report finished in WPS or Word comes
back as an upload and is filed the same way (SHA-256, text for search, a PDF when LibreOffice is
there), with no template version. This belongs with the engine (``documents.services``); it lives
here until the engine offers it.
"""

import hashlib
import io
import json
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document as DocxDocument

from dudao.audit.services import record
from dudao.documents.models import Document
from dudao.documents.render import PdfUnavailable, docx_text, docx_to_pdf

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_docx_upload(uploaded_file, *, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The bytes of an uploaded Word document, or ``ValidationError`` when it is not one python-docx
    opens (a .doc, a PDF, a renamed picture, a macro document) or is larger than ``limit``."""
    if uploaded_file is None:
        raise ValidationError({"file": [_("Choose the finished report (.docx).")]})
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError({"file": [_("The file may be at most {mb} MB.").format(mb=limit // (1024 * 1024))]})
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"file": [_("The file may be at most {mb} MB.").format(mb=limit // (1024 * 1024))]})
    not_docx = ValidationError({"file": [_("The file is not a Word .docx document; save it as .docx and upload it again.")]})
    if not data or not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_docx
    try:
        DocxDocument(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a damaged or foreign package
        raise not_docx from exc
    return data


def document_file_upload(*, actor, kind: str, data: bytes, filename: str, office, title: str, school=None,
                         zone=None, inspector=None, date=None, subject=None, pdf: bool = True) -> Document:
    """Files the checked .docx ``data`` as a document of ``kind`` about ``subject`` and audits it.

    A PDF is made when LibreOffice is available; without it the .docx is filed alone."""
    date = date or timezone.localdate()
    meta = {"uploaded_name": filename[:200], "uploaded_by": actor.pk}
    document = Document(
        kind=kind, title=title[:200], office=office, school=school, zone=zone, inspector=inspector, year=date.year,
        date=date, template=None, template_version=0, data=meta,
        data_sha256=_sha256(json.dumps(meta, sort_keys=True).encode()), docx_sha256=_sha256(data),
        text=docx_text(data)[:100_000], created_by=actor,
        subject_type=f"{subject._meta.app_label}.{subject._meta.model_name}" if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
    )
    stem = f"{kind}-{timezone.now():%Y%m%d%H%M%S%f}"
    document.docx.save(f"{stem}.docx", ContentFile(data), save=False)
    if pdf:
        try:
            [converted] = docx_to_pdf([data])
        except PdfUnavailable:
            converted = None
        if converted is not None:
            document.pdf_sha256 = _sha256(converted)
            document.pdf.save(f"{stem}.pdf", ContentFile(converted), save=False)
    document.save()
    record(actor=actor, action="documents.document.upload", target=document,
           changes={"kind": [None, kind], "docx_sha256": [None, document.docx_sha256]})
    return document
