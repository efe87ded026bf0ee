"""Excel helpers for validate-then-write imports and "export what I see" exports.

Every workbook the platform writes goes through ``write_workbook`` (or ``put`` for a cell): text from
people is stored as text, never as a formula, and dates as dates.

Every uploaded workbook or Word document is checked by ``check_package`` before anything parses it
(file size, unpacked size, compression ratio of each part, all from the zip directory), and every
sheet is read through ``sheet_rows`` (rows, cells and characters in a cell counted as they stream
past; a damaged sheet is a refusal, not a crash). The limits are ``settings.DUDAO_UPLOAD_LIMITS``;
a refusal is an ``UploadRefused`` whose message names the limit in the user's language.
"""

import datetime
import io
import zipfile
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dudao.core.importing import RowError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Full-width digits, Latin letters, the ideographic space and the few signs used in numbers and
# codes become their ASCII forms; Chinese punctuation such as （）、，stays as typed in names.
_HALF_WIDTH = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
_HALF_WIDTH.update({0x3000: 0x20, 0xFF0E: ord("."), 0xFF0D: ord("-"), 0xFF0B: ord("+"), 0xFF20: ord("@"),
                    0xFF3F: ord("_")})


def normalise(value):
    """Cleans a cell: full-width digits and letters to half-width, surrounding spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, str):
        return value
    return value.translate(_HALF_WIDTH).strip()


MB = 1024 * 1024


def upload_limits() -> dict:
    """``settings.DUDAO_UPLOAD_LIMITS``: ``file_mb`` (the file), ``unpacked_mb`` (all its parts unpacked),
    ``ratio`` (unpacked to packed, for each part of more than 1 MB), ``rows`` and ``cells`` (of a sheet,
    counted as they are read) and ``text`` (characters in one cell)."""
    return settings.DUDAO_UPLOAD_LIMITS


class UploadRefused(Exception):
    """An upload over a limit or that cannot be read; ``message`` is for the person who sent it,
    ``row`` and ``column`` place it in the sheet (0 and "": the file itself)."""

    def __init__(self, message, row: int = 0, column: str = ""):
        super().__init__(message)
        self.message, self.row, self.column = message, row, column

    def as_row_error(self) -> RowError:
        return RowError(self.row, self.column, self.message, "file")


def _mb(limit) -> str:
    return f"{limit:g}"


def check_file_size(size: int) -> None:
    """Raises ``UploadRefused`` when an upload of ``size`` bytes is over the limit."""
    limit = upload_limits()["file_mb"]
    if size > limit * MB:
        raise UploadRefused(_("The file is larger than {limit} MB.").format(limit=_mb(limit)))


def check_package(fileobj, *, kind: str = "xlsx") -> None:
    """Checks an uploaded .xlsx or .docx (``kind``) from its size and zip directory alone, before
    anything unpacks it; raises ``UploadRefused``. ``fileobj`` is a file (left at 0) or a path.

    The sizes checked are those the directory declares: reading a part stops there (Python's zipfile
    reads no further and then fails its checksum), so a part cannot unpack to more than it declares."""
    limits = upload_limits()
    not_package = (_("The file is not an Excel workbook (.xlsx).") if kind == "xlsx"
                   else _("The file is not a Word .docx document; save it as .docx and upload it again."))
    if isinstance(fileobj, (str, bytes)) or hasattr(fileobj, "__fspath__"):
        with open(fileobj, "rb") as handle:
            return check_package(handle, kind=kind)
    fileobj.seek(0, io.SEEK_END)
    check_file_size(fileobj.tell())
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(not_package)
    finally:
        fileobj.seek(0)
    if sum(part.file_size for part in parts) > limits["unpacked_mb"] * MB:
        raise UploadRefused(_("The file unpacks to more than {limit} MB; split it into smaller files.").format(
            limit=_mb(limits["unpacked_mb"])))
    for part in parts:
        if part.file_size > MB and part.file_size > limits["ratio"] * max(part.compress_size, 1):
            raise UploadRefused(_("The file is packed unusually tightly (more than {limit} to 1); open it in Excel, "
                                  "WPS or Word, save it again and upload that copy.").format(limit=limits["ratio"]))


DAMAGED_WORKBOOK = gettext_lazy("The workbook is damaged and cannot be read; open it in Excel or WPS, save it again "
                                "and upload that copy.")


@contextmanager
def sheet_rows(fileobj):
    """Gives an iterator over the rows of the first sheet as ``(row number, values)``, read as they
    stream past, after ``check_package``. Raises ``UploadRefused`` for a file over a limit, one that is
    not a workbook, or a damaged one (also when the damage is found mid-sheet)."""
    from openpyxl import load_workbook

    check_package(fileobj)
    limits = upload_limits()
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        raise UploadRefused(_("The file is not an Excel workbook (.xlsx)."))

    def rows():
        cells = 0
        try:
            for number, values in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1):
                if number > limits["rows"]:
                    raise UploadRefused(_("The sheet has more than {limit} rows; split it into smaller "
                                          "workbooks.").format(limit=limits["rows"]))
                cells += len(values)
                if cells > limits["cells"]:
                    raise UploadRefused(_("The sheet has more than {limit} cells; split it into smaller "
                                          "workbooks.").format(limit=limits["cells"]), number)
                for index, value in enumerate(values):
                    if isinstance(value, str) and len(value) > limits["text"]:
                        raise UploadRefused(_("The cell holds more than {limit} characters.").format(
                            limit=limits["text"]), number, get_column_letter(index + 1))
                yield number, values
        except UploadRefused:
            raise
        except Exception:  # a damaged sheet: broken XML, a part cut short, a bad value (lxml, zipfile, openpyxl)
            raise UploadRefused(DAMAGED_WORKBOOK)

    try:
        yield rows()
    finally:
        wb.close()


def read_table(fileobj, columns: dict[str, str], *, required_headers=(), clean=None
               ) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """Reads the first sheet (through ``sheet_rows``); ``columns`` maps header text to field name.

    Returns the non-empty rows as ``(row_number, {field: value})`` and header errors (or the one
    refusal of the file). Empty rows are skipped wherever they are; headers are matched after
    normalisation; each cell goes through ``clean(field, value)`` (default: ``normalise``).
    """
    clean = clean or (lambda _field, value: normalise(value))
    try:
        with sheet_rows(fileobj) as rows:
            first = next(rows, None)
            if first is None:
                return [], [RowError(1, "", _("The workbook is empty."))]
            by_header = {normalise(h).rstrip("*").strip(): h for h in columns}
            positions: dict[int, str] = {}
            for index, cell in enumerate(first[1]):
                key = normalise(cell)
                key = key.rstrip("*").strip() if isinstance(key, str) else key
                if key in by_header:
                    positions[index] = columns[by_header[key]]
            missing = [h for h in required_headers if columns[h] not in positions.values()]
            errors = [RowError(1, h, _("Required column is missing.")) for h in missing]
            out = []
            for number, values in rows:
                record = {field: clean(field, values[i] if i < len(values) else None) for i, field in positions.items()}
                if all(v in ("", None) for v in record.values()):
                    continue
                out.append((number, record))
    except UploadRefused as refusal:
        return [], [refusal.as_row_error()]
    return out, errors


DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _cell_safe(value):
    """Drops the control characters a worksheet cannot hold (they may come from pasted text)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def cell_value(value):
    """What a cell holds: numbers, booleans and dates as themselves (an aware time in local time),
    anything else (lazy translations, choices, rows) as its text; ``None`` as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (datetime.date, datetime.time)):
        return value
    return _cell_safe(str(value))


def put(ws, row: int, column: int, value):
    """Writes one cell. Text is stored as text (type ``s``) and never evaluated, whatever it starts
    with (``=``, ``+``, ``-``, ``@``, a tab, a carriage return, ``#N/A``): it reads back exactly as
    written, with no quote added. Dates and times get a date format."""
    value = cell_value(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def put_row(ws, row: int, values) -> list:
    """Writes ``values`` into ``row`` from column A through ``put``; returns what the cells hold."""
    return [put(ws, row, column, value).value for column, value in enumerate(values, start=1)]


def _width(value) -> int:
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 11
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(value)[:60])


def write_sheet(ws, title: str, headers: list, rows) -> None:
    """One table on ``ws``: a bold header row, the rows, sensible column widths, the header frozen."""
    ws.title = str(title)[:31]
    put_row(ws, 1, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    widths = [max(8, _width(h) + 2) for h in headers]
    for number, row in enumerate(rows, start=2):
        for i, value in enumerate(put_row(ws, number, row)[: len(widths)]):
            widths[i] = min(60, max(widths[i], _width(value) + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def write_workbook(sheets, *, notes: list[str] | None = None, notes_title: str | None = None) -> bytes:
    """Every workbook Dudao hands out: ``sheets`` are ``(title, headers, rows)`` in order, then an
    optional sheet of notes, one line a row; returns the bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        write_sheet(wb.create_sheet(), title, headers, rows)
    if notes:
        help_ws = wb.create_sheet(str(notes_title or _("Notes"))[:31])
        for number, line in enumerate(notes, start=1):
            put(help_ws, number, 1, line)
        help_ws.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_table(headers: list[str], rows, *, title: str = "Sheet1", notes: list[str] | None = None) -> bytes:
    """Writes one sheet with a bold header row and sensible column widths; returns the bytes."""
    return write_workbook([(title, headers, rows)], notes=notes)
