"""Reading and writing small .xlsx files in tests, with openpyxl (real files, read back)."""

import io

from openpyxl import Workbook, load_workbook


def sheet_rows(data: bytes, sheet: int = 0) -> list[tuple]:
    """The rows of one sheet as tuples of cell values."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [tuple(row) for row in wb.worksheets[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def sheet_text(data: bytes) -> str:
    """Every cell of every sheet joined into one string, for "does it contain" checks."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    finally:
        wb.close()


def workbook_bytes(headers: list, rows: list[list]) -> bytes:
    """A one-sheet workbook with a header row; ``None`` rows stay empty (a blank line)."""
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row if row is not None else [])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
