"""Monitoring workbooks for the tests: the template's columns, a county's schools, a return's row, the
§3.4 fixture as a workbook, and the page's upload."""

import io

from django.urls import reverse
from openpyxl import Workbook

from dudao.core.testing.world import fresh
from dudao.monitoring import analysis, services
from dudao.organizations.models import School

H = services.column_header
HEADERS = [analysis.template_header(c) for c in analysis.COLUMNS]
NAMES = [c.name for c in analysis.COLUMNS]
# §3.4 fixture (STANDARDS §3.4): five primary schools, pupils and books; CV of 生均图书册数 = 0.515257
FIXTURE = [(45, 279), (37, 137), (89, 935), (76, 160), (55, 402)]


def county_schools(world, n):
    from dudao.core.testing.factories import SchoolFactory

    schools = list(world.a.schools)
    for i in range(len(schools), n):
        code = f"3601019{i:03d}"
        existing = School.objects.filter(code=code).first()
        schools.append(existing or SchoolFactory(code=code, name=f"甲县第{i + 1}学校", region=world.a.region))
    return schools[:n]


def record(school, students, **values):
    row = {"school_code": school.code, "school_name": school.name, "school_type": "小学", "stage": "小学",
           "students": students}
    row.update(values)
    return row


def workbook(records) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for rec in records:
        sheet.append([rec.get(name) for name in NAMES])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "county.xlsx"
    return data


def fixture_records(world):
    schools = county_schools(world, 5)
    return [record(s, p, books=b, teachers=5) for s, (p, b) in zip(schools, FIXTURE, strict=True)]


def upload(client, year, records, **extra):
    return client.post(reverse("monitoring:year_import", args=[year.pk]), {"file": workbook(records), **extra})


def signed(client, user):
    client.force_login(fresh(user))
    return client
