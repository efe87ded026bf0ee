"""The generic import flow: download the template, upload, validate every row, write all or nothing.

An app declares an ``Importer``: the column headers (Chinese, as users see them), a row form
bound per row, and a ``write(rows, actor)`` that calls the same services as the UI. Small files
import in the request; large ones become a background job with progress. The file is checked
against the upload limits (``core.excel.check_package``) before anything reads it, and it is read
and validated outside any transaction: only the writing holds the database, briefly.
"""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from dudao.core.downloads import download
from dudao.core.excel import UploadRefused, check_package, read_table, write_table
from dudao.core.importing import ImportReport, RowError
from dudao.core.views import UploadViewMixin


class Importer:
    """Subclass per import. ``columns`` maps header → field; ``required`` lists required headers."""

    title = ""
    columns: dict[str, str] = {}
    required: tuple[str, ...] = ()
    example: list = []
    notes: list[str] = []
    permission = ""
    job_kind = ""

    def __init__(self, actor):
        self.actor = actor

    @classmethod
    def run_job(cls, job, progress) -> None:
        """The handler of the import's job (``job_kind``)."""
        run_import_job(cls, job, progress)

    def header_for(self, field_name: str) -> str:
        for header, name in self.columns.items():
            if name == field_name:
                return header
        return field_name

    def template_bytes(self) -> bytes:
        headers = [f"{h}*" if h in self.required else h for h in self.columns]
        return write_table(headers, [self.example] if self.example else [], title=self.title, notes=self.notes)

    def read(self, fileobj):
        """The workbook's rows as ``(row number, record)`` and the errors that stop reading it."""
        return read_table(fileobj, self.columns, required_headers=self.required)

    def validate(self, fileobj, progress=None) -> ImportReport:
        rows, errors = self.read(fileobj)
        report = ImportReport(errors=list(errors))
        if errors:
            return report
        if not rows:
            report.errors.append(RowError(2, "", _("The workbook has no data rows.")))
            return report
        self.prepare(rows)
        for index, (number, record) in enumerate(rows, start=1):
            cleaned, row_errors = self.validate_row(number, record)
            report.errors.extend(row_errors)
            if not row_errors:
                report.rows.append((number, cleaned))
            if progress and index % 200 == 0:
                progress(index // 2, len(rows))
        report.errors.extend(self.validate_across(report.rows))
        report.errors.sort(key=lambda e: (e.row, e.column))
        return report

    def prepare(self, rows) -> None:
        """Loads lookups (existing codes, zones) once for the whole file."""

    def validate_row(self, number: int, record: dict):  # -> (cleaned, [RowError])
        raise NotImplementedError

    def row_errors(self, number: int, record: dict | None = None):
        """The list of a row's errors and ``add(field, message)``, which puts one in it under the
        field's column header. Given the row's ``record``, the list starts with its empty required cells."""
        errors: list[RowError] = []

        def add(field: str, message) -> None:
            errors.append(RowError(number, self.header_for(field), str(message)))

        for header in self.required if record is not None else ():
            if str(record.get(self.columns[header], "")) == "":
                add(self.columns[header], _("Required."))
        return errors, add

    def validate_across(self, rows) -> list[RowError]:
        return []

    def repeated(self, rows, field: str, message) -> list[RowError]:
        """An error on every row whose ``field`` an earlier row already has; ``message`` is a
        translatable sentence with ``{row}``, the earlier row's number."""
        seen: dict = {}
        errors = []
        for number, cleaned in rows:
            first = seen.setdefault(cleaned[field], number)
            if first != number:
                errors.append(RowError(number, self.header_for(field), str(message).format(row=first)))
        return errors

    def write(self, rows, progress=None) -> int:
        raise NotImplementedError


def run_import_job(importer_class, job, progress) -> None:
    """Job handler body shared by imports: validate everything, then write in one transaction."""
    from django.contrib.auth import get_user_model

    from dudao.jobs.services import JobFailed

    actor = get_user_model().objects.get(pk=job.created_by_id)
    importer = importer_class(actor)
    with job.input_file.open("rb") as fh:
        report = importer.validate(fh, progress=progress)
    if not report.ok:
        raise JobFailed(_("{count} problems found; nothing was written.").format(count=len(report.errors)),
                        [e.as_dict() for e in report.errors])
    with transaction.atomic():
        written = importer.write(report.rows, progress=progress)
    progress(len(report.rows), len(report.rows))
    job.message = _("{count} rows imported.").format(count=written)
    job.save(update_fields=["message"])


class ImportView(UploadViewMixin, LoginRequiredMixin, TemplateView):
    """Upload page: template download, upload, full error report, or a job for large files.

    Not one transaction per request: reading the file takes no lock, the writing is atomic."""

    importer_class = Importer
    template_name = "core/import.html"
    list_url = "/"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.importer_class.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        importer = self.importer_class(request.user)
        if request.GET.get("template"):
            return download(importer.template_bytes(), importer.title + '.xlsx')
        return self.render_to_response(self.get_context_data(importer=importer))

    def post(self, request, *args, **kwargs):
        from dudao.jobs.services import job_start

        importer = self.importer_class(request.user)
        upload = request.FILES.get("file")
        if upload is None:
            return self.render_to_response(
                self.get_context_data(importer=importer, errors=[RowError(0, "", _("Choose a file to upload."))]),
                status=400,
            )
        try:
            check_package(upload)
        except UploadRefused as refusal:
            return self.render_to_response(self.get_context_data(importer=importer, errors=[refusal.as_row_error()]),
                                           status=400)
        data = upload.read()
        if count_rows(data) > settings.DUDAO_IMPORT_JOB_THRESHOLD:
            with transaction.atomic():
                job = job_start(actor=request.user, kind=importer.job_kind, title=importer.title,
                                input_file=ContentFile(data, name=upload.name))
            return HttpResponseRedirect(job.get_absolute_url())
        report = importer.validate(io.BytesIO(data))
        if not report.ok:
            return self.render_to_response(self.get_context_data(importer=importer, errors=report.errors), status=400)
        with transaction.atomic():
            count = importer.write(report.rows)
        messages.success(request, _("{count} rows imported.").format(count=count))
        return HttpResponseRedirect(self.list_url)


def count_rows(data: bytes) -> int:
    """The number of rows the first sheet declares (0 when the file is not a workbook); ``data``
    has passed ``check_package``."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True)
    except Exception:  # not a workbook: the validation reports it
        return 0
    rows = wb.worksheets[0].max_row or 0
    wb.close()
    return rows
