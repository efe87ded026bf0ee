"""Directives built through the real services for tests, in the two-county world (dates relative to
today, so the tests pass on any day of the year)."""

import datetime

from django.utils import timezone

from dudao.core.testing.world import fresh
from dudao.directives import services

__all__ = ["assigned", "days", "make_directive", "png_file", "user"]


def user(world, role: str, county: str = "a"):
    return fresh(getattr(world, county).users[role])


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make_directive(world, *, county: str = "a", title: str = "校园周边安全隐患排查整治", deadlines=(10, -3),
                   schools=(0, 1), departments=(), department_deadlines=None):
    """A registered directive of the county's office decided 20 days ago, with one item for each of
    ``schools`` (indexes), due in ``deadlines`` days (negative: already past), and one for each of
    ``departments`` (indexes of the county's departments and township offices), due in
    ``department_deadlines`` days (by default 7)."""
    office = user(world, "office_admin", county)
    c = getattr(world, county)
    directive = services.directive_register(actor=office, title=title, source="meeting", decided_on=days(-20),
                                            source_text="县政府常务会议纪要", requirements="按期完成排查整治。")
    for index, due in zip(schools, deadlines, strict=True):
        services.item_add(actor=office, directive_id=directive.pk, school_id=c.schools[index].pk,
                          content=f"{c.schools[index].name}完成排查整治", deadline=days(due), report_every_days=7)
    for index, due in zip(departments, department_deadlines or [7] * len(departments), strict=True):
        services.item_add(actor=office, directive_id=directive.pk, department_id=c.departments[index].pk,
                          content=f"{c.departments[index].name}牵头排查整治", deadline=days(due), report_every_days=7)
    return directive


def assigned(world, **kwargs):
    directive = make_directive(world, **kwargs)
    return services.directive_assign(actor=user(world, "office_admin", kwargs.get("county", "a")),
                                     directive_id=directive.pk)


def png_file(name: str = "现场照片.png"):
    """A small real PNG as an upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
