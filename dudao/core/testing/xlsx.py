"""Reading and writing small .xlsx files in tests, with openpyxl (real files, read back)."""

import io
import zipfile

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


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The .xlsx or .docx ``data`` with its part ``name`` replaced by (or added as) ``content``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def zip_bomb(data: bytes, unpacked_mb: int = 60) -> bytes:
    """The workbook ``data`` whose shared strings unpack to about ``unpacked_mb`` MB from a small file
    (millions of short strings, all alike): what a hostile upload looks like."""
    one = b"<si><t>AAAAAAAA</t></si>"
    count = unpacked_mb * 1024 * 1024 // len(one)
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
               b'2006/main" count="%d" uniqueCount="%d">' % (count, count) + one * count + b"</sst>")
    data = with_part(data, "xl/sharedStrings.xml", strings)
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    if b"sharedStrings" not in types:
        types = types.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                              b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        data = with_part(data, "[Content_Types].xml", types)
    return data


def damaged_sheet(data: bytes) -> bytes:
    """The workbook ``data`` (still a valid zip) whose first sheet's XML is cut in the middle."""
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    return with_part(data, "xl/worksheets/sheet1.xml", sheet[: len(sheet) // 2] + b"<row r=")
