"""A kind of document used by the engine's own tests (the apps register the real ones)."""

import io

import segno

from dudao.documents import layout
from dudao.documents.kinds import DocumentKind
from dudao.documents.render import Image


def qr_png(text: str = "https://dudao.example/p/1/") -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=4)
    return out.getvalue()


def build_letter():
    doc = layout.new_document()
    layout.add_issuer(doc, "{{ office.name }}")
    layout.add_number(doc, "{{ number }}")
    layout.add_red_line(doc)
    layout.add_title(doc, "督导检查情况通报")
    layout.add_body(doc, "{{ school.name }}：", indent=False)
    layout.add_body(doc, "责任督学{{ inspector }}于{{ visit_date }}到你校开展经常性督导。现将有关情况通报如下。")
    layout.add_heading(doc, "一、发现的问题", level=1)
    layout.add_table(doc, ["序号", "问题", "整改期限"], ["{{ p.no }}", "{{ p.text }}", "{{ p.deadline }}"],
                     loop="p in problems", widths_mm=[15, 100, 41])
    layout.add_heading(doc, "（一）整改要求", level=2)
    layout.add_loop(doc, "p in problems", ["{{ p.no }}．{{ p.text }}"])
    layout.add_image(doc, "qr")
    layout.add_signature(doc, "{{ office.name }}", "{{ date }}")
    return doc


def letter_sample() -> dict:
    return {
        "office": {"name": "示范县人民政府教育督导室"}, "number": "示教督〔2026〕1号", "school": {"name": "示范小学"},
        "inspector": "王督学", "visit_date": "2026年3月5日", "date": "2026年3月6日",
        "problems": [{"no": 1, "text": "值班记录缺失", "deadline": "2026年4月5日"}], "qr": Image(qr_png(), 25),
    }


LETTER = DocumentKind(code="test_letter", label="测试通报", build_default=build_letter,
                      sample_context=letter_sample, numbered=True)
