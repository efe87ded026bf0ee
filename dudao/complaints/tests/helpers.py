"""Shared steps of the complaints tests: photos, a registered complaint, signed-in clients."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dudao.complaints.services import complaint_register

PHONE = "13766554433"
PHONE_MIDDLE = "665544"
NAME = "王小明"


def png_bytes(size=(32, 24), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def photo(name="photo.png", data=None, content_type="image/png"):
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), content_type=content_type)


def register(world, *, school=0, county="a", name=NAME, phone=PHONE, concerns_inspector=False, photos=(),
             text="食堂饭菜不卫生，请督学核实。", kind="complaint"):
    c = getattr(world, county)
    return complaint_register(school_id=c.schools[school].pk, kind=kind, text=text, name=name, phone=phone,
                              concerns_inspector=concerns_inspector, photos=photos)
