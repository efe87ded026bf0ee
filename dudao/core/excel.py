"""Excel helpers for validate-then-write imports and "export what I see" exports."""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded workbook: spreadsheet row number, column header, reason."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


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


def _cell_safe(value):
    """Drops the control characters a worksheet cannot hold (they may come from pasted text)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write_table(headers: list[str], rows, *, title: str = "Sheet1", notes: list[str] | None = None) -> bytes:
    """Writes one sheet with a bold header row and sensible column widths; returns the bytes."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
        cell.alignment = Alignment(horizontal="center")
    widths = [max(8, len(str(h)) * 2 + 2) for h in headers]
    for row in rows:
        values = ["" if v is None else _cell_safe(v) for v in row]
        ws.append(values)
        for i, v in enumerate(values[: len(widths)]):
            widths[i] = min(60, max(widths[i], len(str(v)) + 4))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    if notes:
        help_ws = wb.create_sheet(_("Notes")[:31])
        for line in notes:
            help_ws.append([line])
        help_ws.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
