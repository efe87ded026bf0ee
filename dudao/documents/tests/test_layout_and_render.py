"""The GB/T 9704-2012 page of every built-in template (STANDARDS §7.1) and strict rendering:
a document is complete or not produced, and a broken placeholder is named."""

import io
import zipfile

import pytest
from django.utils import translation
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate
from lxml import etree

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


FOOTNOTES = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
             '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1">'
             "<w:p><w:r><w:t>{{ school.name }}：{{ inspector }}</w:t></w:r></w:p></w:footnote></w:footnotes>")


def _letter_as_word_makes_it() -> bytes:
    """The letter with what Word adds: a tag in a header and in the document's title, a second
    section and a footnotes part with a tag (docxtpl fills every one of them)."""
    doc = build_letter()
    doc.sections[0].header.paragraphs[0].text = "{{ office.name }}"
    doc.core_properties.title = "{{ school.name }}督导通报"
    doc.add_section()
    doc.add_paragraph("{{ number }}")
    source = zipfile.ZipFile(io.BytesIO(_bytes(doc)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.decode().replace("</Types>", '<Override PartName="/word/footnotes.xml" ContentType="application/'
                                          'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            if item.filename == "word/_rels/document.xml.rels":
                content = content.decode().replace("</Relationships>", '<Relationship Id="rIdFootnotes" Type="http://schemas.'
                                          'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                          'Target="footnotes.xml"/></Relationships>')
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", FOOTNOTES)
    return out.getvalue()


def _filled_by_docxtpl_alone(source: bytes, context: dict) -> bytes:
    tpl = DocxTemplate(io.BytesIO(source))
    tpl.render(context, jinja_env=render._environment(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    package = zipfile.ZipFile(io.BytesIO(data))
    return {name: package.read(name) for name in package.namelist()}


def test_documents_filled_from_one_prepared_template_equal_docxtpl_filling_each_alone():
    # given a template with tags in its body, table, header, footers, title and footnotes, and
    # schools whose names hold markup, entities and what would be tags
    source = _letter_as_word_makes_it()
    names = ["东山小学", "示范小学 & <附属幼儿园>", "{{ office.name }}学校", "{% if %}中学{_{ x }_}", "&lt;实验&amp;学校"]
    contexts = [letter_sample() | {"school": {"name": name}, "qr": "", "number": f"示教督〔2026〕{n}号"}
                for n, name in enumerate(names, start=1)]
    render._prepared.cache_clear()
    # when each is filled through the engine and by docxtpl with a template of its own
    filled = [render.render_docx_and_text(source, context) for context in contexts]
    # then the template was prepared once, and every part of every document is what docxtpl writes
    assert render._prepared.cache_info().misses == 1
    for name, context, (data, text) in zip(names, contexts, filled, strict=True):
        alone = _filled_by_docxtpl_alone(source, context)
        assert _parts(data) == _parts(alone)
        assert text == render.docx_text(alone) == render.docx_text(data)
        # and what the school's name holds stays text, in the body and in the footnote filled once per section
        assert f"{name}：" in text
        assert "".join(etree.fromstring(_parts(data)["word/footnotes.xml"]).itertext()) == f"{name}：王督学"


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
