"""Photos of a visit as evidence: when they were taken, and a copy stamped with the school, the time
and the visit's number, so that a photo shown or printed on its own still says where it belongs.

The original is never changed: it stays as uploaded, with its SHA-256 (``core.files``); the stamp
goes on a derivative JPEG kept beside it. Chinese text is drawn with Noto Sans CJK SC, the font the
charts and documents use (Debian's ``fonts-noto-cjk``); ``DUDAO_WATERMARK_FONT`` may name another.
"""

import datetime
import io
import os

from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont, ImageOps

EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 36867
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: the SC face
    ("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
)


def capture_time(fileobj) -> datetime.datetime | None:
    """The EXIF ``DateTimeOriginal`` of a photo as an aware time in the site's time zone (a camera
    writes local time without a zone), or ``None`` when the photo has none or it cannot be read."""
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as img:
            raw = img.getexif().get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL)
    except (OSError, ValueError, SyntaxError):
        return None
    finally:
        fileobj.seek(0)
    if not isinstance(raw, str):
        return None
    try:
        naive = datetime.datetime.strptime(raw.strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive)


def _font(size: int):
    wanted = getattr(settings, "DUDAO_WATERMARK_FONT", "")
    for path, index in ((wanted, 0),) * bool(wanted) + FONT_CANDIDATES:
        if os.path.exists(path):
            try:
                return ImageFont.truetype(path, size, index=index)
            except OSError:
                continue
    return ImageFont.load_default(size)


def stamp(fileobj, lines: list[str], *, quality: int = 88) -> bytes:
    """A JPEG of the photo (turned upright by its EXIF orientation, same size) with ``lines`` written
    in white on a dark band along its bottom edge."""
    fileobj.seek(0)
    with Image.open(fileobj) as original:
        img = ImageOps.exif_transpose(original).convert("RGB")
    fileobj.seek(0)
    width, height = img.size
    size = max(12, min(width, height) // 24)
    font = _font(size)
    margin = max(4, size // 2)
    line_height = int(size * 1.35)
    band = line_height * len(lines) + 2 * margin
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((0, max(0, height - band), width, height), fill=(0, 0, 0, 140))
    y = max(0, height - band) + margin
    for line in lines:
        draw.text((margin, y), line, font=font, fill=(255, 255, 255, 255))
        y += line_height
    stamped = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    stamped.save(out, "JPEG", quality=quality)
    return out.getvalue()
