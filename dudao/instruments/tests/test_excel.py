"""Excel import and export of an instrument version: a round trip keeps the tree; a bad workbook
reports every (row, column, reason) and writes nothing."""

import io

import pytest
from django.urls import reverse
from django.utils import translation

from dudao.core.testing.xlsx import damaged_sheet, sheet_rows, workbook_bytes
from dudao.instruments import services
from dudao.instruments.exports import version_workbook
from dudao.instruments.imports import COLUMNS, InstrumentImporter
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.selectors import version_items
from dudao.instruments.tests.conftest import national, office_admin

pytestmark = pytest.mark.django_db

HEADERS = list(COLUMNS)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def shape(version):
    """Everything the workbook carries, per item in tree order."""
    codes = {i.pk: i.code for i in Item.objects.filter(version=version)}
    return [(i.depth, codes.get(i.parent_id), i.code, i.text, i.response_type, i.options, i.max_score, i.weight,
             i.criteria, i.is_veto, i.evidence_required, i.required) for i in version_items(version=version)]


def validate(actor, data: bytes):
    return InstrumentImporter(actor).validate(io.BytesIO(data))


def test_export_has_the_columns_and_one_row_per_item_in_tree_order(world, published):
    rows = sheet_rows(version_workbook(published))
    assert list(rows[0]) == HEADERS
    assert [r[:4] for r in rows[1:]] == [
        ("1", None, "安全管理", "分组"), ("1.1", "1", "消防通道畅通", "是否"), ("1.2", "1", "应急演练", "评分"),
        ("2", None, "家长满意程度", "等级"), ("3", None, "其他情况", "文字")]
    assert rows[3][5] == 10 and rows[3][7] == "每学期至少两次" and rows[3][9] == "是"
    assert rows[4][4] == "不满意 | 基本满意 | 满意" and rows[4][6] == 5
    assert rows[2][8] == "是" and rows[2][10] == "是"


@pytest.mark.parametrize("which", ["local", "national"])
def test_round_trip_export_then_import_gives_the_same_tree(world, published, which):
    # given a published version (an office's nested one, or the national list)
    source = published if which == "local" else national().latest_published()
    actor = office_admin(world)
    # when it is exported and the workbook imported as a new instrument
    report = validate(actor, version_workbook(source))
    assert report.ok, report.errors
    copy = services.instrument_import(actor=actor, office=world.a.office, code=f"rt-{which}", name="往返",
                                      kind="checklist", audience="schools", rows=InstrumentImporter.items(report))
    # then its draft holds the same tree, field by field
    assert shape(copy.versions.get()) == shape(source)


def test_import_into_an_existing_instrument_makes_a_new_draft(world, published):
    actor = office_admin(world)
    report = validate(actor, version_workbook(published))
    version = services.version_import(actor=actor, instrument_id=published.instrument_id,
                                      rows=InstrumentImporter.items(report))
    assert (version.number, version.status) == (2, "draft")
    assert shape(version) == shape(published)
    # and a second import while that draft exists is refused (409)
    with pytest.raises(services.DraftExists):
        services.version_import(actor=actor, instrument_id=published.instrument_id,
                                rows=InstrumentImporter.items(report))


BAD_ROWS = [
    ["1", "", "办学行为", "分组", "", "", "", "", "", "", ""],                      # 2: fine
    ["1.1", "9", "父项不存在", "是否", "", "", "", "", "", "", ""],                # 3: unknown parent
    ["1.1", "1", "编码重复", "是否", "", "", "", "", "", "", ""],                  # 4: duplicate code
    ["1.3", "1", "作答方式不对", "打钩", "", "", "", "", "", "", ""],              # 5: bad type
    ["1.4", "1", "单选无选项", "单选", "", "", "", "", "", "", ""],                # 6: missing options
    ["1.5", "1", "满分不是数字", "评分", "", "十分", "", "", "", "", ""],          # 7: non-numeric max
    ["1.6", "1", "权重不是数字", "是否", "", "", "高", "", "", "", ""],            # 8: non-numeric weight
    ["1.7", "1", "评分无满分", "评分", "", "", "", "", "", "", ""],                # 9: score without max
    ["1.8", "1.1", "父项不是分组", "文字", "", "", "", "", "", "", ""],            # 10: parent not a section
    ["1.9", "", "是否一票否决写错", "是否", "", "", "", "", "可能", "", ""],       # 11: bad yes/no
    ["", "", "", "", "", "", "", "", "", "", ""],                                    # 12: blank, skipped
    ["2.0", "", "", "文字", "", "", "", "", "", "", ""],                            # 13: no text
]


def test_bad_workbook_reports_every_problem_and_writes_nothing(world, client):
    # given a workbook with one problem of each kind
    data = workbook_bytes(HEADERS, BAD_ROWS)
    actor = office_admin(world)
    counts = (Instrument.objects.count(), InstrumentVersion.objects.count(), Item.objects.count())

    # when it is validated, then every problem is reported with its row, column and reason
    report = validate(actor, data)
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "上级编码"), (4, "编码"), (5, "作答方式"), (6, "选项(用 | 分隔)"), (7, "满分"), (8, "权重"), (9, "满分"),
        (10, "上级编码"), (11, "一票否决"), (13, "内容"),
    }, report.errors
    reasons = {(e.row, e.column): e.message for e in report.errors}
    assert "Unknown parent" in reasons[(3, "上级编码")]
    assert "also on row 3" in reasons[(4, "编码")]
    assert "not a section" in reasons[(10, "上级编码")]

    # and through the page the same report comes back and nothing is written
    client.force_login(actor)
    response = client.post(reverse("instruments:instrument_import"), {
        "office": world.a.office.pk, "code": "bad", "name": "坏表", "kind": "checklist", "audience": "schools",
        "file": _upload(data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unknown parent code" in page and "Duplicate code" in page
    assert counts == (Instrument.objects.count(), InstrumentVersion.objects.count(), Item.objects.count())


def test_workbook_without_the_required_columns_is_refused(world):
    report = validate(office_admin(world), workbook_bytes(["编码", "说明"], [["1", "x"]]))
    assert {e.column for e in report.errors} == {"内容", "作答方式"}
    assert not validate(office_admin(world), b"not a workbook").ok


def test_parent_after_its_items_is_reported(world):
    rows = [["1.1", "1", "先写了子项", "是否"], ["1", "", "分组在后", "分组"]]
    report = validate(office_admin(world), workbook_bytes(HEADERS[:4], rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "上级编码")]
    assert "must come before" in report.errors[0].message


def test_type_names_in_other_spellings_and_full_width_text_are_accepted(world):
    rows = [["1", "", "分组", "section", "", "", "", "", "否", "否", "否"],
            ["1.1", "1", "是否", "是/否", "", "５", "", "", "√", "", "Y"],
            ["1.2", "1", "选", "单项选择", "甲｜乙", "", "", "", "", "", ""]]
    report = validate(office_admin(world), workbook_bytes(HEADERS, rows))
    assert report.ok, report.errors
    items = InstrumentImporter.items(report)
    assert items[1]["response_type"] == "yes_no" and items[1]["is_veto"] and items[1]["required"]
    assert str(items[1]["max_score"]) == "5"
    assert items[2]["options"] == ["甲", "乙"]


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dudao.core.excel import XLSX_CONTENT_TYPE

    return SimpleUploadedFile("checklist.xlsx", data, content_type=XLSX_CONTENT_TYPE)


def test_pages_export_import_and_template(world, client, published):
    client.force_login(office_admin(world))
    # export from the version page
    response = client.get(reverse("instruments:version_export", args=[published.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    # the template download has the columns (required ones starred)
    template = client.get(reverse("instruments:instrument_import") + "?template=1")
    assert [str(h).rstrip("*") for h in sheet_rows(template.content)[0]] == HEADERS
    assert validate(office_admin(world), template.content).ok
    # import the export as a new draft of the same instrument
    response = client.post(reverse("instruments:version_import", args=[published.instrument_id]),
                           {"file": _upload(sheet_bytes := response.content)})
    assert response.status_code == 302
    draft = published.instrument.versions.get(status="draft")
    assert response["Location"] == draft.get_absolute_url()
    assert shape(draft) == shape(published)
    # the API twins: export, then import as a new instrument
    api = client.get(reverse("api:instruments-version-export", args=[published.pk]))
    assert api.status_code == 200 and sheet_rows(api.content) == sheet_rows(sheet_bytes)
    created = client.post(reverse("api:instruments-instrument-import-new"), {
        "code": "api-import", "name": "接口导入", "kind": "checklist", "audience": "schools",
        "file": _upload(sheet_bytes)})
    assert created.status_code == 201, created.content
    new = Instrument.objects.get(pk=created.json()["id"])
    assert new.office == world.a.office and shape(new.versions.get()) == shape(published)
    bad = client.post(reverse("api:instruments-instrument-import-draft", args=[new.pk]),
                      {"file": _upload(workbook_bytes(HEADERS, BAD_ROWS))})
    assert bad.status_code == 400 and len(bad.json()["file"]) == 10


def test_a_damaged_sheet_is_reported_by_the_pages_and_the_api(world, client, published):
    # given a valid zip whose sheet XML is cut in the middle
    data = damaged_sheet(workbook_bytes(HEADERS, BAD_ROWS))
    client.force_login(office_admin(world))
    counts = (Instrument.objects.count(), InstrumentVersion.objects.count(), Item.objects.count())
    # when it is imported through the page, as a new instrument and as a new draft
    page = client.post(reverse("instruments:instrument_import"), {
        "office": world.a.office.pk, "code": "damaged", "name": "坏表", "kind": "checklist", "audience": "schools",
        "file": _upload(data)})
    draft_page = client.post(reverse("instruments:version_import", args=[published.instrument_id]),
                             {"file": _upload(data)})
    # and through the API
    new = client.post(reverse("api:instruments-instrument-import-new"), {
        "code": "damaged", "name": "坏表", "kind": "checklist", "audience": "schools", "file": _upload(data)})
    draft = client.post(reverse("api:instruments-instrument-import-draft", args=[published.instrument_id]),
                        {"file": _upload(data)})
    # then each says the workbook is damaged, and nothing is written
    damaged = "The workbook is damaged and cannot be read"
    assert page.status_code == 400 and damaged in page.content.decode()
    assert draft_page.status_code == 400 and damaged in draft_page.content.decode()
    assert new.status_code == 400 and damaged in new.json()["file"][0]["message"]
    assert draft.status_code == 400 and damaged in draft.json()["file"][0]["message"]
    assert counts == (Instrument.objects.count(), InstrumentVersion.objects.count(), Item.objects.count())
