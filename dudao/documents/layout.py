"""Building blocks for built-in templates in the layout of GB/T 9704-2012《党政机关公文格式》.

STANDARDS §7.1: A4; top margin 37 mm, binding margin 28 mm, type area 156 × 225 mm; body in
3号仿宋 (16 pt), 22 lines of 28 characters; title in 2号小标宋 (22 pt); page numbers in 4号宋体
(14 pt) as "— 1 —", right on odd pages and left on even pages, one character in; the date
right-aligned four characters in. Fonts are named as offices have them (仿宋_GB2312 …) so that
Word on their PCs uses the real faces; the server substitutes free ones (``fonts.conf``).
"""

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312"}
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(12)  # 小四, the usual size of tables in attachments
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
CHAR_PITCH = 16  # points; a 3号 character: indents are counted in characters
CHAR_TIGHTENING = -5  # twentieths of a point between characters: 28 to a line of 156 mm


def _fonts(element, east_asian: str, latin: str = LATIN_FONT) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _run(paragraph, text: str, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False, color=None):
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    _fonts(run._element, font)
    return run


def _exact(paragraph, pitch=LINE_PITCH) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before = fmt.space_after = Pt(0)


def _page_number(footer, align) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.left_indent = PAGE_NUMBER_SIZE
    _run(paragraph, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    inner = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(int(PAGE_NUMBER_SIZE.pt * 2)))
    rpr.append(size)
    inner.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    field.append(inner)
    paragraph._p.append(field)
    _run(paragraph, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def new_document(landscape: bool = False):
    """An empty document with the GB/T 9704 page, body style, line grid and page numbers."""
    doc = Document()
    section = doc.sections[0]
    if landscape:  # wide tables in attachments (附件); margins turn with the page
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(21)  # the number's line sits about 7 mm under the type area
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), "579")  # 28.95 pt: 22 lines in 225 mm

    # the grid's character pitch is counted from the default size: make it 3号 too
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        element = run_defaults.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            run_defaults.append(element)
        element.set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    _fonts(normal.element, BODY_FONT)
    # 28 characters in 156 mm: 3号 characters drawn 0.25 pt closer (15.75 pt apart)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_TIGHTENING))
    normal.element.get_or_add_rPr().append(spacing)
    _exact(normal)
    normal.paragraph_format.widow_control = False

    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    return doc


def add_number(doc, text: str):
    """The document number (发文字号) line, centred above the title, e.g. 甲教督〔2026〕3号."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text)
    return paragraph


def add_red_line(doc):
    """The red rule (红色分隔线) under the heading of a document issued by the office."""
    paragraph = doc.add_paragraph()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)
    return paragraph


def add_issuer(doc, text: str):
    """The issuing authority's mark (发文机关标志) in red, centred."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, TITLE_FONT, Pt(26), color=RGBColor(0xC0, 0, 0))
    _exact(paragraph, Pt(40))
    return paragraph


def add_title(doc, text: str):
    """The title (标题) in 2号小标宋, centred, with a blank line after it."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, TITLE_FONT, TITLE_SIZE)
    _exact(paragraph, Pt(36))
    paragraph.paragraph_format.space_after = LINE_PITCH
    return paragraph


def add_body(doc, text: str, *, indent: bool = True, bold: bool = False):
    """A body paragraph in 3号仿宋; indented two characters unless it is a salutation (主送机关)."""
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * CHAR_PITCH)
    _run(paragraph, text, bold=bold)
    return paragraph


def add_heading(doc, text: str, level: int = 1):
    """Section headings: 一、 in 黑体 (level 1), （一） in 楷体 (level 2), indented two characters."""
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(2 * CHAR_PITCH)
    paragraph.paragraph_format.keep_with_next = True
    _run(paragraph, text, HEADING_FONTS.get(level, BODY_FONT))
    return paragraph


def add_issuer_head(doc, number: str = "{{ number }}") -> None:
    """The head of a document the office issues: its mark, the number and the red rule."""
    add_issuer(doc, "{{ office.name }}")
    add_number(doc, number)
    add_red_line(doc)


def issued_document():
    """A new document that the office issues, its head (``add_issuer_head``) in place."""
    doc = new_document()
    add_issuer_head(doc)
    return doc


def add_letter_title(doc, title: str, addressee: str) -> None:
    """The title and the salutation (主送机关, ``addressee`` followed by "："), not indented."""
    add_title(doc, title)
    add_body(doc, f"{addressee}：", indent=False)


def add_section(doc, heading: str, *texts: str, lines: str | None = None) -> None:
    """A level-1 heading, then a body paragraph for each of ``texts`` and, with ``lines`` (the name of
    a list in the context), one paragraph for each of its lines."""
    add_heading(doc, heading)
    for text in texts:
        add_body(doc, text)
    if lines:
        add_loop(doc, f"line in {lines}", ["{{ line }}"])


def add_loop(doc, loop: str, texts: list[str], *, indent: bool = True):
    """Paragraphs repeated for each item: ``loop`` is a Jinja loop head such as ``f in findings``."""
    doc.add_paragraph(f"{{%p for {loop} %}}")
    paragraphs = [add_body(doc, text, indent=indent) for text in texts]
    doc.add_paragraph("{%p endfor %}")
    return paragraphs


def add_table(doc, headers: list[str], cells: list[str], *, loop: str, widths_mm: list[float] | None = None):
    """A bordered table: a header row, then one row per item of ``loop`` (e.g. ``f in findings``)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, opener, body, closer = table.rows
    for cell, text in zip(header.cells, headers, strict=True):
        _cell(cell, text, font=HEADING_FONTS[1], center=True)
    _cell(opener.cells[0], f"{{%tr for {loop} %}}")
    for cell, text in zip(body.cells, cells, strict=True):
        _cell(cell, text)
    _cell(closer.cells[0], "{%tr endfor %}")
    if widths_mm:
        set_widths(table, widths_mm)
    mark_header(header)
    doc.add_paragraph()
    return table


def add_fields(doc, rows: list[tuple[str, str]], widths_mm=(40, 116)):
    """A two-column form table (label, value): the usual 记录表 layout."""
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, (label, value) in zip(table.rows, rows, strict=True):
        _cell(row.cells[0], label, font=HEADING_FONTS[1], center=True)
        _cell(row.cells[1], value)
    set_widths(table, widths_mm)
    doc.add_paragraph()
    return table


def set_widths(table, widths_mm) -> None:
    """Fixes the table's column widths (in millimetres), on the columns and on every cell as Word wants."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def mark_header(row) -> None:
    """Repeats the row at the top of every page the table runs onto."""
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    trpr.append(flag)


def _cell(cell, text: str, *, font: str = BODY_FONT, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(paragraph, Pt(20))
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _run(paragraph, text, font, TABLE_SIZE)


def add_image(doc, name: str):
    """A centred paragraph holding ``{{ name }}``: a chart, a QR code or a photo from the context."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.add_run(f"{{{{ {name} }}}}")
    return paragraph


def add_signature(doc, issuer: str, date: str):
    """The issuer (署名) and the date (成文日期), right-aligned four characters in, after a blank line."""
    doc.add_paragraph()
    paragraphs = []
    for text in (issuer, date):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(4 * CHAR_PITCH)
        _run(paragraph, text)
        paragraphs.append(paragraph)
    return paragraphs


def signed(doc):
    """``doc`` signed by the office on the document's date, the way the office's documents end."""
    add_signature(doc, "{{ office.name }}", "{{ date }}")
    return doc


def add_page_break(doc):
    paragraph = doc.add_paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    return paragraph
