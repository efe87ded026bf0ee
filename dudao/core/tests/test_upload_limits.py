"""Upload limits (``core.excel.check_package`` and ``sheet_rows``): a hostile or damaged workbook is
refused with a message naming the limit, before anything unpacks it, in a few milliseconds and
without memory growing; the limits are settings."""

import io
import struct
import time
import tracemalloc

import pytest
from django.utils import translation
from docx import Document

from dudao.core.excel import UploadRefused, check_package, read_table
from dudao.core.testing.xlsx import damaged_sheet, with_part, workbook_bytes, zip_bomb

COLUMNS = {"学校代码": "code", "学校名称": "name"}


def table(data: bytes):
    with translation.override("zh-hans"):
        return read_table(io.BytesIO(data), COLUMNS, required_headers=("学校代码",))


@pytest.fixture
def limits(settings):
    """Sets some of ``DUDAO_UPLOAD_LIMITS`` for one test."""
    def set_(**values):
        settings.DUDAO_UPLOAD_LIMITS = {**settings.DUDAO_UPLOAD_LIMITS, **values}
    return set_


def test_a_zip_bomb_is_refused_before_it_is_unpacked_quickly_and_in_little_memory():
    # given a workbook of 150 KB whose shared strings unpack to 60 MB (millions of short strings)
    bomb = zip_bomb(workbook_bytes(list(COLUMNS), [["3601010001", "一小"]]), unpacked_mb=60)
    assert len(bomb) < 300 * 1024
    # when it is read
    tracemalloc.start()
    started = time.monotonic()
    try:
        rows, errors = table(bomb)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # then it is refused, naming the limit, without being unpacked
    assert rows == []
    assert [(e.row, e.message) for e in errors] == [(0, "文件解压后超过 50 MB，请拆分为较小的文件后再上传。")]
    assert elapsed < 1
    assert peak < 5 * 1024 * 1024


def test_a_small_bomb_is_refused_by_its_compression_ratio():
    # given a bomb under the unpacked limit (20 MB from about 60 KB, some 350 to 1)
    bomb = zip_bomb(workbook_bytes(list(COLUMNS), [["3601010001", "一小"]]), unpacked_mb=20)
    # then the ratio refuses it
    rows, errors = table(bomb)
    assert rows == [] and len(errors) == 1
    assert errors[0].message.startswith("文件的压缩比异常（超过 100 比 1）")


def understated(data: bytes, name: bytes, size: int) -> bytes:
    """``data`` whose zip directory and local header say that part ``name`` unpacks to ``size`` bytes."""
    out = bytearray(data)
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        start = out.find(signature)
        while start != -1:
            if out[start + name_at:start + name_at + len(name)] == name:
                struct.pack_into("<I", out, start + size_at, size)
            start = out.find(signature, start + 4)
    return bytes(out)


def test_a_part_that_understates_its_size_is_refused_not_unpacked():
    # given the bomb whose zip directory says its shared strings are 1 000 bytes (under every limit)
    bomb = understated(zip_bomb(workbook_bytes(list(COLUMNS), [["3601010001", "一小"]]), unpacked_mb=60),
                       b"xl/sharedStrings.xml", 1000)
    # when it is read, then reading stops at 1 000 bytes and the file is refused
    tracemalloc.start()
    try:
        rows, errors = table(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rows == [] and [e.message for e in errors] == ["该文件不是 Excel 工作簿（.xlsx）。"]
    assert peak < 5 * 1024 * 1024


def test_a_real_workbook_of_thousands_of_rows_is_within_the_limits():
    # given 20 000 schools, as Excel or this platform writes them (compressed some 15 to 1)
    data = workbook_bytes(list(COLUMNS), [[f"36010{i:05d}", f"甲县第{i}小学"] for i in range(20_000)])
    # then every row is read
    rows, errors = table(data)
    assert errors == []
    assert len(rows) == 20_000 and rows[-1] == (20_001, {"code": "3601019999", "name": "甲县第19999小学"})


def test_a_damaged_sheet_is_a_clear_refusal_not_a_crash():
    # given a valid zip whose first sheet's XML is cut in the middle
    data = damaged_sheet(workbook_bytes(list(COLUMNS), [["3601010001", "一小"]] * 50))
    # then the file is refused as damaged
    rows, errors = table(data)
    assert rows == []
    assert [e.message for e in errors] == ["工作簿已损坏，无法读取；请用 Excel 或 WPS 打开并重新保存后再上传。"]


@pytest.mark.parametrize(("setting", "value", "expected"), [
    ("rows", 10, (0, "", "工作表超过 10 行，请拆分为较小的工作簿后再上传。")),
    ("cells", 30, (16, "", "工作表超过 30 个单元格，请拆分为较小的工作簿后再上传。")),
    ("text", 10, (3, "B", "单元格超过 10 个字符。")),
    ("file_mb", 0.001, (0, "", "文件超过 0.001 MB。")),
])
def test_each_limit_is_a_setting_and_its_refusal_names_it(limits, setting, value, expected):
    # given a workbook of 20 rows of two cells, the second school's name 11 characters long
    data = workbook_bytes(list(COLUMNS), [["3601010001", "一小"], ["3601010002", "甲县城关镇第二中心小学"]] + [["x", "y"]] * 18)
    assert table(data)[1] == []
    # when one limit is set below it
    limits(**{setting: value})
    # then the file is refused with the limit, and the row and column where it was passed
    rows, errors = table(data)
    assert rows == []
    assert [(e.row, e.column, e.message) for e in errors] == [expected]


def test_a_word_document_bomb_is_refused_as_well():
    # given a .docx (from python-docx) whose document part unpacks to 60 MB
    out = io.BytesIO()
    Document().save(out)
    bomb = with_part(out.getvalue(), "word/document.xml",
                     b"<w:document>" + b"<w:p/>" * (10 * 1024 * 1024) + b"</w:document>")
    with pytest.raises(UploadRefused) as refused, translation.override("zh-hans"):
        check_package(io.BytesIO(bomb), kind="docx")
    assert str(refused.value.message) == "文件解压后超过 50 MB，请拆分为较小的文件后再上传。"
    # and a file that is no zip at all is "not a Word document"
    with pytest.raises(UploadRefused) as refused, translation.override("zh-hans"):
        check_package(io.BytesIO(b"%PDF-1.4 not a docx"), kind="docx")
    assert "不是" in str(refused.value.message)

