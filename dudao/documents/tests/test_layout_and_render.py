"""The GB/T 9704-2012 page of every built-in template (STANDARDS §7.1) and strict rendering:
a document is complete or not produced, and a broken placeholder is named."""

import io
import zipfile

import pytest
from django.utils import translation
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt

from dudao.documents import layout, render
from dudao.documents.tests.kind_fixtures import build_letter, letter_sample


def _bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _replace_in_docx(data: bytes, old: str, new: str) -> bytes:
    """The same .docx with ``old`` replaced by ``new`` in its body, as an office's edit in Word would."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode())
            target.writestr(item, content)
    return out.getvalue()


def test_the_page_is_a4_with_the_gbt_9704_margins_and_type_area():
    section = DocxDocument(io.BytesIO(_bytes(layout.new_document()))).sections[0]
    # A4 210 × 297 mm; 天头 37 mm; 订口 28 mm; 版心 156 × 225 mm (STANDARDS §7.1)
    def mm(length):  # a .docx stores twentieths of a point: compare to a tenth of a millimetre
        return round(length / 36000, 1)  # EMU per millimetre

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert mm(section.top_margin) == 37 and mm(section.left_margin) == 28
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225


def test_the_body_is_3hao_fangsong_on_a_grid_of_22_lines():
    doc = DocxDocument(io.BytesIO(_bytes(layout.new_document())))
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)  # 3号
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    assert round(225 / (28.95 * 25.4 / 72)) == 22  # 22 lines in the 225 mm type area
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt in twentieths


def test_the_title_is_2hao_xiaobiaosong_and_centred():
    doc = DocxDocument(io.BytesIO(_bytes(build_letter())))
    title = next(p for p in doc.paragraphs if p.text == "督导检查情况通报")
    run = title.runs[0]
    assert run.font.size == Pt(22)  # 2号
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.alignment == 1  # centred


def test_page_numbers_are_dashed_and_on_the_outer_side_of_odd_and_even_pages():
    doc = DocxDocument(io.BytesIO(_bytes(layout.new_document())))
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # right on odd pages, left on even pages
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert footer._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"
        assert footer.runs[0].font.size == Pt(14)  # 4号


def test_the_signature_date_is_right_aligned_four_characters_in():
    doc = DocxDocument(io.BytesIO(_bytes(build_letter())))
    date = doc.paragraphs[-1]
    assert date.text == "{{ date }}"
    assert date.alignment == 2 and date.paragraph_format.right_indent == Pt(64)


def test_rendering_fills_every_placeholder_loops_rows_and_escapes_markup():
    # given a context whose school name holds characters XML reserves
    context = letter_sample() | {"school": {"name": "示范小学 & <附属幼儿园>"},
                                 "problems": [{"no": n, "text": f"问题{n}", "deadline": "2026年4月5日"}
                                              for n in (1, 2, 3)]}
    # when
    data = render.render_docx(_bytes(build_letter()), context)
    # then
    text = render.docx_text(data)
    assert "示范小学 & <附属幼儿园>：" in text
    assert "示教督〔2026〕1号" in text and "2026年3月6日" in text
    table = DocxDocument(io.BytesIO(data)).tables[0]
    assert [row.cells[1].text for row in table.rows] == ["问题", "问题1", "问题2", "问题3"]
    assert "{{" not in text and "{%" not in text
    assert len(DocxDocument(io.BytesIO(data)).inline_shapes) == 1  # the QR code


def test_a_missing_value_is_an_error_not_a_gap():
    context = letter_sample()
    del context["inspector"]
    with pytest.raises(render.TemplateError) as raised:
        render.render_docx(_bytes(build_letter()), context)
    assert "{{ inspector }}" in str(raised.value)


@pytest.mark.parametrize(("broken", "named"), [
    ("{{ school.name }}", "{{ school.nme }}"),  # a typo in a value's name
    ("{{ inspector }}", "{{ inspector }"),  # a brace lost while editing in Word
    ("{{ visit_date }}", "{{ visit date }}"),  # a space instead of the underscore
])
def test_a_broken_placeholder_is_named(broken, named):
    source = _replace_in_docx(_bytes(build_letter()), broken, named)
    problems = render.check_template(source, letter_sample())
    assert problems
    assert any(named.split("}")[0] in problem for problem in problems), problems


def test_a_file_that_is_not_a_docx_is_refused_with_a_reason():
    with translation.override("en"):
        assert render.check_template(b"%PDF-1.7 not a word file", letter_sample()) == [
            "The file is not a Word .docx document."]


def test_chinese_dates_use_arabic_numerals_without_leading_zeros():
    import datetime

    assert render.cn_date(datetime.date(2026, 3, 5)) == "2026年3月5日"  # GB/T 9704-2012 §7.3.5
    assert render.cn_date(None) == ""


def test_the_snapshot_keeps_data_and_replaces_pictures_by_their_fingerprint():
    snap = render.snapshot(letter_sample())
    assert snap["school"] == {"name": "示范小学"}
    assert set(snap["qr"]) == {"image_sha256"} and len(snap["qr"]["image_sha256"]) == 64
