"""The school's signboard (挂牌公示牌) as a document kind: one board per A4 page.

STANDARDS §1.2 / §2.1: the board names the responsible inspector with name, photo, contact details
and the duties or supervision items (schools and kindergartens differ, see ``duties``); local practice
adds the e-mail address, the office's complaint hotline and the certificate number. A QR code leads
to the school's public page. The template loops over ``boards``, so the same template prints one
school's board or a whole county's, each on its own page.
"""

import io

import segno
from django.utils.translation import gettext_lazy as _
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image as PILImage
from PIL import ImageDraw

from dudao.documents import kinds, layout
from dudao.documents.kinds import DocumentKind
from dudao.documents.render import Image, cn_date
from dudao.inspectors import duties

KIND = "signboard"
BOARD_TITLE = "责任督学挂牌督导公示牌"
PHOTO_WIDTH_MM = 30  # a 3:4 portrait, 40 mm high
QR_WIDTH_MM = 32
QR_SCALE = 10  # pixels per module of the PNG
QR_BORDER = 4  # quiet zone, in modules
QR_ERROR = "m"

TEXT_SIZE = Pt(14)  # 4号: the lists of a board are read standing at the school gate
TEXT_PITCH = Pt(22)


# ---- pictures ------------------------------------------------------------------------------------

def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as PNG bytes (black modules, ``QR_BORDER`` modules of quiet zone)."""
    out = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(out, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return out.getvalue()


def qr_image(url: str) -> Image:
    return Image(qr_png(url), width_mm=QR_WIDTH_MM)


def placeholder_photo_png() -> bytes:
    """A neutral grey portrait outline for an inspector without a photo (3:4, drawn here)."""
    width, height = 300, 400
    picture = PILImage.new("RGB", (width, height), (236, 238, 241))
    draw = ImageDraw.Draw(picture)
    shade = (176, 182, 190)
    draw.ellipse((95, 70, 205, 180), fill=shade)  # head
    draw.ellipse((40, 205, 260, 460), fill=shade)  # shoulders, cut by the frame
    draw.rectangle((0, 0, width - 1, height - 1), outline=(200, 204, 210), width=4)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def photo_image(data: bytes | None) -> Image:
    """The inspector's photo cropped to 3:4 and made a JPEG; the placeholder when there is none
    or the file cannot be read as a picture."""
    if data:
        try:
            picture = PILImage.open(io.BytesIO(data))
            # a phone's JPEG is decoded at the smallest scale whose short side keeps 800 pixels, all the
            # 3:4 crop below needs for the board's 600 × 800 (a 12-megapixel photo decoded in full
            # takes most of a second)
            picture.draft("RGB", (800, 800))
            picture.load()
        except Exception:  # a damaged or foreign upload: the board still prints, with the placeholder
            picture = None
        if picture is not None:
            picture = picture.convert("RGB")
            width, height = picture.size
            if width * 4 > height * 3:  # too wide: cut the sides
                new_width = height * 3 // 4
                left = (width - new_width) // 2
                picture = picture.crop((left, 0, left + new_width, height))
            else:  # too tall: cut the bottom
                picture = picture.crop((0, 0, width, width * 4 // 3))
            picture.thumbnail((600, 800))
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=88)
            return Image(out.getvalue(), width_mm=PHOTO_WIDTH_MM)
    return Image(placeholder_photo_png(), width_mm=PHOTO_WIDTH_MM)


# ---- the built-in template -----------------------------------------------------------------------

def _text(paragraph, text: str, *, font: str = layout.BODY_FONT, size=TEXT_SIZE, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), layout.LATIN_FONT)
    fonts.set(qn("w:hAnsi"), layout.LATIN_FONT)
    fonts.set(qn("w:eastAsia"), font)
    return run


def _spacing(paragraph, pitch=TEXT_PITCH, *, before=0, after=0, indent=None) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.first_line_indent = indent


def _paragraph(container, text: str, *, align=None, font=layout.BODY_FONT, size=TEXT_SIZE, pitch=TEXT_PITCH,
               bold=False, before=0, after=0, indent=None):
    cell_paragraphs = container.paragraphs if hasattr(container, "vertical_alignment") else []
    if len(cell_paragraphs) == 1 and not cell_paragraphs[0].runs:  # a new cell's own empty paragraph
        paragraph = cell_paragraphs[0]
    else:
        paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _spacing(paragraph, pitch, before=before, after=after, indent=indent)
    _text(paragraph, text, font=font, size=size, bold=bold)
    return paragraph


def _board_page(doc) -> None:
    """A board, not a 公文: narrower margins, no page numbers, no line grid."""
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Mm(18)
    section.left_margin = section.right_margin = Mm(20)
    section.footer.is_linked_to_previous = True  # drops the "— 1 —" footers of new_document
    section.even_page_footer.is_linked_to_previous = True
    doc.settings.odd_and_even_pages_header_footer = False
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        grid.set(qn("w:type"), "default")


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # in schema order (CT_TblPr): Word refuses a tblBorders after tblLayout or tblLook
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def build_default():
    doc = layout.new_document()
    _board_page(doc)
    heading_font = layout.HEADING_FONTS[1]
    doc.add_paragraph("{%p for b in boards %}")

    title = _paragraph(doc, BOARD_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, font=layout.TITLE_FONT, size=Pt(28),
                       pitch=Pt(40), after=6)
    title.paragraph_format.page_break_before = True  # every board on its own page
    _paragraph(doc, "{{ b.school.name }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=heading_font, size=Pt(20),
               pitch=Pt(30), after=10)

    # photo on the left, the inspector's details on the right
    info = doc.add_table(rows=4, cols=3)
    info.style = doc.styles["Table Grid"]
    info.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = [("责任督学", "{{ b.inspector.name }}"), ("联系电话", "{{ b.inspector.phone }}"),
            ("电子邮箱", "{{ b.inspector.email }}"), ("督学证号", "{{ b.inspector.certificate_no }}")]
    for row, (label, value) in zip(info.rows, rows, strict=True):
        row.height = Mm(11)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _paragraph(row.cells[1], label, align=WD_ALIGN_PARAGRAPH.CENTER, font=heading_font)
        _paragraph(row.cells[2], value, size=Pt(16) if label == "责任督学" else TEXT_SIZE,
                   bold=label == "责任督学")
    photo = info.cell(0, 0).merge(info.cell(3, 0))
    photo.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for extra in photo.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    holder = photo.paragraphs[0]
    holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
    holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    holder.add_run("{{ b.photo }}")
    layout.set_widths(info, [38, 30, 102])
    _paragraph(doc, "", pitch=Pt(10))

    for heading, loop, text in (("{{ b.duties_heading }}", "d in b.duties", "{{ d }}"),
                                ("{{ b.matters_heading }}", "m in b.matters", "{{ m }}")):
        _paragraph(doc, heading, font=heading_font, size=Pt(16), pitch=Pt(26), before=4)
        doc.add_paragraph(f"{{%p for {loop} %}}")
        _paragraph(doc, text, indent=Pt(28))
        doc.add_paragraph("{%p endfor %}")
    _paragraph(doc, "依据{{ b.basis }}", size=Pt(10.5), pitch=Pt(16), before=2,
               align=WD_ALIGN_PARAGRAPH.RIGHT)

    # the office's hotline and e-mail next to the QR code of the school's public page
    foot = doc.add_table(rows=1, cols=2)
    foot.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borderless(foot)
    left, right = foot.rows[0].cells
    left.vertical_alignment = right.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _paragraph(left, "监督举报电话：{{ b.office.hotline }}", font=heading_font, size=Pt(16), pitch=Pt(28))
    _paragraph(left, "督导部门邮箱：{{ b.office.email }}", pitch=Pt(24))
    _paragraph(left, "{{ b.office.name }}", pitch=Pt(24))
    _paragraph(left, "{{ date }}", pitch=Pt(24))
    qr = right.paragraphs[0]
    qr.alignment = WD_ALIGN_PARAGRAPH.CENTER
    qr.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    qr.add_run("{{ b.qr }}")
    _paragraph(right, "扫码查看学校公示信息", align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(10.5), pitch=Pt(16))
    layout.set_widths(foot, [122, 48])
    doc.add_paragraph("{%p endfor %}")
    return doc


# ---- a complete sample ---------------------------------------------------------------------------

def board_texts(school) -> dict:
    """The duties and items of ``school``'s board (anything with ``is_kindergarten``)."""
    texts = duties.duties_for(school)
    return {
        "basis": texts.basis,
        "duties_heading": texts.duties_heading, "duties": texts.numbered_duties(),
        "matters_heading": texts.items_heading, "matters": texts.numbered_items(),
    }


class _Sample:
    def __init__(self, kindergarten: bool):
        self.is_kindergarten = kindergarten


def sample_context() -> dict:
    import datetime

    office = {"name": "甲县人民政府教育督导室", "hotline": "0123-4567890", "email": "dudao@jiaxian.gov.cn"}
    boards = []
    for number, (name, kindergarten) in enumerate((("甲县示范小学", False), ("甲县第一幼儿园", True)), start=1):
        boards.append({
            "school": {"name": name, "code": f"A{number:04d}", "kind": "幼儿园" if kindergarten else "小学"},
            "inspector": {"name": "张督学", "phone": "13800000000", "email": "zhang@jiaxian.gov.cn",
                          "certificate_no": "甲督证2026001"},
            "photo": photo_image(None),
            "office": office,
            "url": f"https://dudao.example.cn/p/{number}-sample/",
            "qr": qr_image(f"https://dudao.example.cn/p/{number}-sample/"),
            **board_texts(_Sample(kindergarten)),
        })
    return {"boards": boards, "date": cn_date(datetime.date(2026, 3, 5)), "number": ""}


kinds.register(DocumentKind(
    code=KIND, label=_("Signboard"), build_default=build_default, sample_context=sample_context, numbered=False,
    description=_("The responsible inspector's board at the school gate: one board per page."),
))
