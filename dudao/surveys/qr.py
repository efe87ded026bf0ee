"""QR codes of survey links (segno): PNG for downloads and documents, inline SVG for print pages."""

import io

import segno

QR_ERROR = "m"  # 15 % damage tolerance: printed sheets get folded and photographed


def qr_png(url: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(url: str, scale: int = 4) -> str:
    """An ``<svg>`` element (no XML declaration) to put inline in a page."""
    out = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(out, kind="svg", scale=scale, border=2, xmldecl=False,
                                                      svgns=True, title=None)
    return out.getvalue().decode()
