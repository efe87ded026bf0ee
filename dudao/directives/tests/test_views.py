"""The directive pages: register and plan from the forms, assign, a unit reports from its phone, the
office urges and reviews, the board and its Excel sheet read back, the bulletin from the page, who
sees which item, text typed by a person escaped, and constant queries on the list and the board."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.xlsx import sheet_rows
from dudao.directives import selectors
from dudao.directives.models import Directive, DirectiveItem, ReportFile
from dudao.directives.tests.helpers import assigned, days, make_directive, png_file, user

pytestmark = pytest.mark.django_db


def test_office_registers_plans_and_assigns_from_the_pages(world, client):
    client.force_login(user(world, "office_admin"))
    assert client.get(reverse("directives:directive_add")).status_code == 200
    response = client.post(reverse("directives:directive_add"), {
        "office": world.a.office.pk, "title": "控辍保学专项整治", "source": "instruction",
        "source_text": "分管县长批示", "decided_on": days(-2).isoformat(), "requirements": "逐校核查"})
    directive = Directive.objects.get(title="控辍保学专项整治")
    assert response.status_code == 302 and response["Location"] == directive.get_absolute_url()
    # an item with a missing deadline comes back on the page with the error (400)
    url = reverse("directives:item_add", args=[directive.pk])
    bad = client.post(url, {"school": world.a.schools[0].pk, "content": "核查", "report_every_days": 7})
    assert bad.status_code == 400 and 'data-testid="action-item"' in bad.content.decode()
    ok = client.post(url, {"school": world.a.schools[0].pk, "content": "逐一核查辍学学生", "deadline": days(7).isoformat(),
                           "report_every_days": 5})
    assert ok.status_code == 302 and directive.items.count() == 1
    client.post(reverse("directives:directive_transition", args=[directive.pk, "assign"]))
    directive.refresh_from_db()
    assert directive.status == Directive.Status.ASSIGNED
    page = client.get(directive.get_absolute_url()).content.decode()
    assert 'data-stage="plan" data-done="1"' in page and 'data-stage="report" data-done="0"' in page


def test_unit_reports_and_office_urges_and_reviews(world, client):
    directive = assigned(world)
    mine = directive.items.get(school=world.a.schools[0])
    late = directive.items.get(school=world.a.schools[1])
    liaison = user(world, "school_liaison")
    client.force_login(liaison)
    page = client.get(mine.get_absolute_url()).content.decode()
    assert 'data-testid="action-report"' in page and 'data-testid="action-urge"' not in page
    # another unit's item is not found
    assert client.get(late.get_absolute_url()).status_code == 404
    assert client.post(reverse("directives:item_action", args=[late.pk, "report"]), {"text": "x"}).status_code == 404
    photo = png_file()
    response = client.post(reverse("directives:item_action", args=[mine.pk, "report"]),
                           {"text": "<b>已完成</b>", "is_final": "on", "files": [photo]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == DirectiveItem.Status.REPORTED
    page = client.get(mine.get_absolute_url()).content.decode()
    assert "&lt;b&gt;已完成&lt;/b&gt;" in page and 'data-testid="report-file"' in page
    # the photo downloads as sent, and not for a user of another county
    stored = ReportFile.objects.get(item=mine)
    photo.seek(0)
    download = client.get(stored.get_absolute_url())
    assert b"".join(download.streaming_content) == photo.read()
    client.force_login(user(world, "office_admin", "b"))
    assert client.get(stored.get_absolute_url()).status_code == 404
    client.force_login(liaison)
    # the liaison cannot accept
    assert client.post(reverse("directives:item_transition", args=[mine.pk, "accept"])).status_code == 403
    # the office urges the late unit and returns the completion with a comment
    client.force_login(user(world, "office_admin"))
    response = client.post(reverse("directives:item_action", args=[late.pk, "urge"]), {"note": "请三日内报送"})
    assert response.status_code == 302
    page = client.get(late.get_absolute_url()).content.decode()
    assert 'data-testid="urge-number"' in page and 'data-board="late"' in page and "directive_urge" not in page
    client.post(reverse("directives:item_transition", args=[mine.pk, "return"]), {"comment": "缺照片"})
    mine.refresh_from_db()
    assert mine.status == DirectiveItem.Status.RETURNED and mine.review_comment == "缺照片"


def test_the_board_page_and_its_excel_sheet(world, client):
    directive = assigned(world)
    client.force_login(user(world, "office_admin"))
    url = reverse("directives:board") + f"?directive={directive.pk}"
    page = client.get(url).content.decode()
    assert 'data-count="late">1<' in page and 'data-count="on_time">1<' in page
    response = client.get(url + "&export=xlsx")
    assert response.status_code == 200
    rows = sheet_rows(b"".join(response.streaming_content) if response.streaming else response.content)
    assert len(rows) == 3
    by_unit = {row[1]: row for row in rows[1:]}
    late = by_unit[world.a.schools[1].name]
    assert late[0] == directive.title and isinstance(late[3], (datetime.date, datetime.datetime))
    assert late[5] in ("逾期", "Late")
    # a directive of another county is not found on the board
    client.force_login(user(world, "office_admin", "b"))
    assert client.get(url).status_code == 404


def test_person_text_is_never_a_formula_in_the_sheet(world, client):
    directive = make_directive(world, deadlines=(5,), schools=(0,))
    item = directive.items.get()
    DirectiveItem.objects.filter(pk=item.pk).update(content="=HYPERLINK(\"http://x\")")
    client.force_login(user(world, "office_admin"))
    response = client.get(reverse("directives:board") + f"?directive={directive.pk}&export=xlsx")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    cell = load_workbook(io.BytesIO(data)).active.cell(row=2, column=3)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_publish_and_archive_from_the_page(world, client):
    directive = assigned(world, deadlines=(5,), schools=(0,))
    item = directive.items.get()
    client.force_login(user(world, "school_liaison"))
    client.post(reverse("directives:item_action", args=[item.pk, "report"]), {"text": "完成", "is_final": "on"})
    client.force_login(user(world, "office_admin"))
    client.post(reverse("directives:item_transition", args=[item.pk, "accept"]), {"comment": ""})
    assert client.post(reverse("directives:directive_transition", args=[directive.pk, "publish"])).status_code == 302
    assert client.post(reverse("directives:directive_transition", args=[directive.pk, "archive"])).status_code == 302
    directive.refresh_from_db()
    assert directive.status == Directive.Status.ARCHIVED
    page = client.get(directive.get_absolute_url()).content.decode()
    assert 'data-testid="filed-documents"' in page and directive.bulletin.number in page


def test_the_page_is_in_chinese_by_default_and_english_on_request(world, client):
    directive = assigned(world)
    client.force_login(user(world, "office_admin"))
    zh = client.get(directive.get_absolute_url()).content.decode()
    assert "进度看板" in zh and "逾期" in zh
    en = client.get(directive.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Progress board" in en


def test_a_unit_counts_only_its_own_items_in_the_list(world, client):
    directive = assigned(world)
    client.force_login(user(world, "school_liaison"))
    [row] = [d for d in selectors.directive_list(user=user(world, "school_liaison")) if d.pk == directive.pk]
    assert (row.item_count, row.late_count) == (1, 0)  # its own item, on time; not the late neighbour's
    [office_row] = [d for d in selectors.directive_list(user=user(world, "office_admin")) if d.pk == directive.pk]
    assert (office_row.item_count, office_row.late_count) == (2, 1)
    assert directive.title in client.get(reverse("directives:directive_list")).content.decode()


def test_directive_list_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries):
    client.force_login(user(world, "office_admin"))
    admin = world.a.users["office_admin"]

    def grow(k):
        for i in range(k):
            d = Directive.objects.create(office=world.a.office, title=f"督办{i}", source="meeting",
                                         decided_on=days(-3), created_by=admin)
            DirectiveItem.objects.create(directive=d, school=world.a.schools[i % 4], content="办理", deadline=days(-1))

    def fetch():
        assert client.get(reverse("directives:directive_list")).status_code == 200

    assert_constant_queries(fetch, grow)
    with django_assert_max_num_queries(30):
        fetch()


def test_board_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries):
    directive = assigned(world)
    client.force_login(user(world, "office_admin"))

    def grow(k):
        DirectiveItem.objects.bulk_create([
            DirectiveItem(directive=directive, school=world.a.schools[i % 4], content=f"事项{i}", deadline=days(i % 5 - 2))
            for i in range(k)])

    def fetch():
        assert client.get(reverse("directives:board")).status_code == 200

    assert_constant_queries(fetch, grow, m=100)
    with django_assert_max_num_queries(30):
        fetch()


# ---- responsible units that are not schools (教育局股室, 乡镇教育办) ----------------------------------

def test_office_gives_a_department_an_item_from_the_page(world, client):
    directive = make_directive(world)
    client.force_login(user(world, "office_admin"))
    page = client.get(directive.get_absolute_url()).content.decode()
    assert world.a.departments[0].name in page and world.b.departments[0].name not in page
    url = reverse("directives:item_add", args=[directive.pk])
    base = {"content": "牵头排查", "deadline": days(7).isoformat(), "report_every_days": 7}
    # a school and a department together, or neither, come back with the error
    both = client.post(url, {**base, "school": world.a.schools[0].pk, "department": world.a.departments[0].pk})
    neither = client.post(url, base)
    assert both.status_code == 400 and neither.status_code == 400
    assert all("请选择一个承办单位" in r.content.decode() for r in (both, neither))
    ok = client.post(url, {**base, "department": world.a.departments[0].pk})
    assert ok.status_code == 302
    item = directive.items.get(department=world.a.departments[0])
    assert item.school is None
    page = client.get(directive.get_absolute_url()).content.decode()
    assert f'data-unit="{world.a.departments[0].name}"' in page


def test_the_unit_liaison_reports_from_the_item_page(world, client):
    directive = assigned(world, departments=(0,))
    mine = directive.items.get(department=world.a.departments[0])
    school_item = directive.items.get(school=world.a.schools[0])
    client.force_login(user(world, "unit_liaison"))
    listed = client.get(reverse("directives:directive_list")).content.decode()
    assert directive.title in listed
    page = client.get(mine.get_absolute_url()).content.decode()
    assert 'data-testid="action-report"' in page and 'data-testid="action-urge"' not in page
    assert world.a.departments[0].name in page
    assert client.get(school_item.get_absolute_url()).status_code == 404
    response = client.post(reverse("directives:item_action", args=[mine.pk, "report"]),
                           {"text": "排查整治完毕", "is_final": "on", "files": [png_file()]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == DirectiveItem.Status.REPORTED
    stored = ReportFile.objects.get(item=mine)
    assert client.get(stored.get_absolute_url()).status_code == 200
    # on the board the contact sees their own unit only
    board = client.get(reverse("directives:board")).content.decode()
    assert f'data-unit="{world.a.departments[0].name}"' in board
    assert f'data-unit="{world.a.schools[0].name}"' not in board
    # and nothing of the organisation beyond their unit
    assert client.get(reverse("organizations:school_list")).status_code == 403
    assert client.get(reverse("inspections:visit_list")).status_code == 403


def test_the_board_sheet_names_the_department(world, client):
    directive = assigned(world, departments=(1,), department_deadlines=(-1,))
    client.force_login(user(world, "office_admin"))
    response = client.get(reverse("directives:board") + f"?directive={directive.pk}&export=xlsx")
    rows = sheet_rows(b"".join(response.streaming_content) if response.streaming else response.content)
    by_unit = {row[1]: row for row in rows[1:]}
    assert set(by_unit) == {world.a.schools[0].name, world.a.schools[1].name, world.a.departments[1].name}
    assert by_unit[world.a.departments[1].name][5] in ("逾期", "Late")


def test_board_queries_do_not_grow_with_department_items(world, client, django_assert_max_num_queries):
    directive = assigned(world, departments=(0,))
    client.force_login(user(world, "office_admin"))

    def grow(k):
        DirectiveItem.objects.bulk_create([
            DirectiveItem(directive=directive, department=world.a.departments[i % 2], content=f"事项{i}",
                          deadline=days(i % 5 - 2))
            for i in range(k)])

    def fetch():
        assert client.get(reverse("directives:board") + f"?directive={directive.pk}").status_code == 200

    assert_constant_queries(fetch, grow, m=60)
