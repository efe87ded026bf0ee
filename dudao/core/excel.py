"""Excel helpers for validate-then-write imports and "export what I see" exports.

Every workbook the platform writes goes through ``write_workbook`` (or ``put`` for a cell): text from
people is stored as text, never as a formula, and dates as dates.
"""

import datetime
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
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


def read_table(fileobj, columns: dict[str, str], *, required_headers=()) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """Reads the first sheet; ``columns`` maps header text to field name.

    Returns the non-empty rows as ``(row_number, {field: value})`` and header errors. Empty rows
    are skipped wherever they are; headers are matched after normalisation.
    """
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        return [], [RowError(1, "", _("The file is not an Excel workbook (.xlsx)."))]
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        return [], [RowError(1, "", _("The workbook is empty."))]
    by_header = {normalise(h).rstrip("*").strip(): h for h in columns}
    positions: dict[int, str] = {}
    for index, cell in enumerate(header_row):
        key = normalise(cell)
        key = key.rstrip("*").strip() if isinstance(key, str) else key
        if key in by_header:
            positions[index] = columns[by_header[key]]
    missing = [h for h in required_headers if columns[h] not in positions.values()]
    errors = [RowError(1, h, _("Required column is missing.")) for h in missing]
    out = []
    for number, values in enumerate(rows, start=2):
        record = {field: normalise(values[i]) if i < len(values) else "" for i, field in positions.items()}
        if all(v in ("", None) for v in record.values()):
            continue
        out.append((number, record))
    wb.close()
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
