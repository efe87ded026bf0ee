"""Importing inspectors and their listings from the downloadable template (STYLE §7.8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.testing.xlsx import damaged_sheet, sheet_rows, workbook_bytes
from dudao.inspectors.models import Inspector, Listing

pytestmark = pytest.mark.django_db
IMPORT = "inspectors:inspector_import"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def admin_client(world, client):
    client.force_login(fresh(world.a.users["office_admin"]))
    return client


@pytest.fixture
def headers(admin_client):
    response = admin_client.get(reverse(IMPORT) + "?template=1")
    assert response.status_code == 200
    return list(sheet_rows(response.content)[0])


def inspector_row(headers, cert, name, **extra):
    values = {"督学证编号": cert, "姓名": name, "类型": "兼职", "督导室区域代码": "360101", **extra}
    plain = [h.rstrip("*") for h in headers]
    assert set(values) <= set(plain), set(values) - set(plain)
    return [values.get(h) for h in plain]


def upload(client, data: bytes):
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile("督学.xlsx", data)})


def test_template_headers(headers):
    assert headers[:5] == ["督学证编号*", "姓名*", "性别", "类型*", "督导室区域代码*"]
    assert headers[-1] == "挂牌学校代码"


def test_bad_workbook_reports_every_problem_and_writes_nothing(world, admin_client, headers):
    a, b = world.a, world.b
    rows = [
        inspector_row(headers, "DX-A-1", "张明", 性别="男", 挂牌学校代码=a.schools[3].code),  # row 2: fine
        inspector_row(headers, "DX-A-2", "李华", 类型="临时"),  # 3: unknown kind
        inspector_row(headers, "DX-A-3", "王芳", 督导室区域代码="360102"),  # 4: county B's office
        inspector_row(headers, "DX-A-4", "赵强", 电子邮箱="not-an-address"),  # 5: bad e-mail
        None,  # 6: empty, skipped
        inspector_row(headers, "DX-A-1", "张明二"),  # 7: duplicate certificate
        inspector_row(headers, "DX-A-8", "钱进", 挂牌学校代码=b.schools[0].code),  # 8: school of county B
        inspector_row(headers, "DX-A-9", "孙丽", 挂牌学校代码=a.schools[3].code),  # 9: school also on row 2
        inspector_row(headers, "ＤＸ－Ａ－１０", "周平", 性别="女 "),  # 10: full width and a space, fine
        inspector_row(headers, b.inspectors[0].certificate_no, "乙县督学"),  # 11: county B's inspector
    ]
    counts = (Inspector.objects.count(), Listing.objects.count(), AuditEvent.objects.count())

    response = upload(admin_client, workbook_bytes(headers, rows))

    assert response.status_code == 400
    assert {(e.row, e.column) for e in response.context["errors"]} == {
        (3, "类型"), (4, "督导室区域代码"), (5, "电子邮箱"), (7, "督学证编号"), (8, "挂牌学校代码"), (9, "挂牌学校代码"),
        (11, "督学证编号"),
    }
    assert (Inspector.objects.count(), Listing.objects.count(), AuditEvent.objects.count()) == counts


def test_clean_workbook_creates_inspectors_and_relists_schools(world, admin_client, headers):
    # given a new inspector for school 4 (unlisted) and school 3 (listed to inspector 1)
    a = world.a
    codes = f"{a.schools[3].code}、{a.schools[2].code}"
    rows = [
        inspector_row(headers, "ＤＸ２０２６００１", " 张明 ", 性别="男", 类型="专职", 挂牌学校代码=codes,
                      电子邮箱="zhangming@example.cn"),
        inspector_row(headers, "DX2026002", "李华"),
    ]

    response = upload(admin_client, workbook_bytes(headers, rows))

    # then both exist with normalised values, and the new one is listed at both schools from today
    assert response.status_code == 302
    zhang = Inspector.objects.get(certificate_no="DX2026001")
    assert (zhang.name, zhang.gender, zhang.kind, zhang.office) == ("张明", "male", "full_time", a.office)
    assert Inspector.objects.filter(certificate_no="DX2026002", office=a.office).exists()
    today = timezone.localdate()
    assert set(Listing.objects.current().filter(inspector=zhang).values_list("school_id", flat=True)) == {
        a.schools[3].pk, a.schools[2].pk}
    # school 3's earlier listing ended the day before (or was replaced, if it began today)
    earlier = Listing.objects.get(school=a.schools[2], inspector=a.inspectors[0])
    assert earlier.valid_to is not None and earlier.valid_to < today
    assert AuditEvent.objects.filter(action="inspectors.inspector.create").count() == 2
    assert AuditEvent.objects.filter(action="inspectors.listing.assign").count() == 2
    assert verify_chain() == []


def test_a_certificate_number_too_long_is_a_row_error_on_every_import(world, admin_client, headers):
    # given an inspector whose certificate number is the first 32 characters of the row's
    long_no = "DX" + "7" * 31
    upload(admin_client, workbook_bytes(headers, [inspector_row(headers, long_no[:32], "张明")]))
    assert Inspector.objects.filter(certificate_no=long_no[:32]).exists()
    counts = (Inspector.objects.count(), AuditEvent.objects.count())

    # when the 33-character number is imported (again), with a name and a phone too long as well
    response = upload(admin_client, workbook_bytes(headers, [
        inspector_row(headers, long_no, "张" * 33, 联系电话="1" * 33)]))

    # then each is a row error, nothing is cut short and nothing is written
    assert response.status_code == 400
    assert {(e.row, e.column, e.message) for e in response.context["errors"]} == {
        (2, "督学证编号", "最多 32 个字符。"), (2, "姓名", "最多 32 个字符。"), (2, "联系电话", "最多 32 个字符。")}
    assert (Inspector.objects.count(), AuditEvent.objects.count()) == counts


@pytest.mark.parametrize("page", [IMPORT, "inspectors:training_import"])
def test_a_damaged_sheet_is_reported_not_a_server_error(admin_client, page):
    # given a valid zip whose sheet XML is cut in the middle, uploaded to either import
    data = damaged_sheet(workbook_bytes(["督学证编号*", "姓名*"], [["360101000001", "甲县督学"]] * 20))
    response = admin_client.post(reverse(page), {"file": SimpleUploadedFile("督学.xlsx", data)})
    # then the page says it is damaged, and nothing is written
    assert response.status_code == 400
    assert [str(e.message) for e in response.context["errors"]] == [
        "工作簿已损坏，无法读取；请用 Excel 或 WPS 打开并重新保存后再上传。"]
