"""The calendar page, its Excel import and export, and its API twin (issue 15 §2): an office sees the
statutory days and those it inherits, only its administrator changes its own, every import row is
checked before anything is written, and another county neither sees nor changes them."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dudao.audit.models import AuditEvent
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.organizations import services
from dudao.organizations.models import CalendarDay

pytestmark = pytest.mark.django_db

D = datetime.date
HOLIDAY, WORKING = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKING


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def signed_in(client, user):
    client.force_login(fresh(user))
    return client


def page(office, year=2025, **extra):
    query = "&".join(f"{k}={v}" for k, v in {"office": office.pk, "year": year, **extra}.items())
    return reverse("organizations:calendar") + "?" + query


def workbook(rows, headers=("日期*", "类型*", "名称", "备注")) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "days.xlsx"
    return out


def test_the_page_shows_statutory_inherited_and_own_days_in_chinese(world, client):
    services.calendar_day_set(actor=fresh(world.city_user), office_id=world.city_office.pk, date=D(2025, 10, 10),
                              kind=HOLIDAY, name="市庆")
    services.calendar_day_set(actor=fresh(world.a.users["office_admin"]), office_id=world.a.office.pk,
                              date=D(2025, 10, 9), kind=HOLIDAY, name="县庆<b>")
    response = signed_in(client, world.a.users["office_admin"]).get(page(world.a.office))
    assert response.status_code == 200 and response["Content-Language"] == "zh-hans"
    text = response.content.decode()
    assert "工作日历" in text and "国庆节" in text and "2025-09-28" in text and "上班" in text and "放假" in text
    assert "市庆" in text and world.city_office.name in text  # inherited from the city
    assert "县庆&lt;b&gt;" in text and "县庆<b>" not in text  # an office's text is escaped
    assert 'data-testid="calendar-form"' in text  # the administrator may change it
    assert "法定节假日数据覆盖" in text and "2004" in text


def test_the_page_in_english_and_a_year_not_covered(world, client):
    response = signed_in(client, world.a.users["office_admin"]).get(page(world.a.office, 2099),
                                                                       HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    text = response.content.decode()
    assert "Working-day calendar" in text and 'data-testid="calendar-not-covered"' in text


def test_staff_read_the_calendar_but_only_the_administrator_changes_it(world, client):
    signed_in(client, world.a.users["office_staff"])
    response = client.get(page(world.a.office))
    assert response.status_code == 200 and 'data-testid="calendar-form"' not in response.content.decode()
    posted = client.post(page(world.a.office), {"office": world.a.office.pk, "date": "2025-11-11", "kind": "holiday"})
    assert posted.status_code == 403
    assert not CalendarDay.objects.filter(date=D(2025, 11, 11)).exists()
    # a school liaison has no calendar page
    assert signed_in(client, world.a.users["school_liaison"]).get(page(world.a.office)).status_code == 403


def test_the_administrator_adds_corrects_and_deletes_a_day(world, client):
    signed_in(client, world.a.users["office_admin"])
    url = page(world.a.office)
    assert client.post(url, {"office": world.a.office.pk, "date": "2025-11-11", "kind": "holiday",
                             "name": "运动会", "note": ""}).status_code == 302
    row = CalendarDay.objects.get(office=world.a.office, date=D(2025, 11, 11))
    # the edit link fills the form with the entry
    assert 'value="运动会"' in client.get(page(world.a.office, date="2025-11-11")).content.decode()
    assert client.post(url, {"office": world.a.office.pk, "date": "2025-11-11", "kind": "working",
                             "name": "运动会改期"}).status_code == 302
    row.refresh_from_db()
    assert row.kind == WORKING
    # an invalid form comes back with its errors
    assert client.post(url, {"office": world.a.office.pk, "date": "", "kind": "holiday"}).status_code == 400
    # delete through the confirmation page
    delete = reverse("organizations:calendarday_delete", args=[row.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not CalendarDay.objects.filter(pk=row.pk).exists()
    actions = set(AuditEvent.objects.filter(target_id=str(row.pk), target_ct__model="calendarday")
                  .values_list("action", flat=True))
    assert actions == {"organizations.calendarday.create", "organizations.calendarday.update",
                       "organizations.calendarday.delete"}


def test_statutory_days_and_other_offices_days_cannot_be_deleted(world, client):
    statutory = CalendarDay.objects.get(office__isnull=True, date=D(2025, 10, 1))
    city_day = services.calendar_day_set(actor=fresh(world.city_user), office_id=world.city_office.pk,
                                         date=D(2025, 12, 1), kind=HOLIDAY)
    signed_in(client, world.a.users["office_admin"])
    assert client.post(reverse("organizations:calendarday_delete", args=[statutory.pk])).status_code == 403
    assert client.post(reverse("organizations:calendarday_delete", args=[city_day.pk])).status_code == 403
    assert CalendarDay.objects.filter(pk__in=[statutory.pk, city_day.pk]).count() == 2


def test_another_county_neither_sees_nor_changes_the_days(world, client):
    day = services.calendar_day_set(actor=fresh(world.a.users["office_admin"]), office_id=world.a.office.pk,
                                    date=D(2025, 10, 9), kind=HOLIDAY, name="甲县县庆")
    signed_in(client, world.b.users["office_admin"])
    assert client.get(page(world.a.office)).status_code == 404
    assert "甲县县庆" not in client.get(page(world.b.office)).content.decode()
    assert client.post(reverse("organizations:calendarday_delete", args=[day.pk])).status_code == 404
    assert client.get(reverse("api:organizations-calendarday-detail", args=[day.pk])).status_code == 404
    assert client.patch(reverse("api:organizations-calendarday-detail", args=[day.pk]), {"name": "改"},
                        content_type="application/json").status_code == 404
    refused = client.post(reverse("api:organizations-calendarday-list"),
                          {"office": world.a.office.pk, "date": "2025-10-20", "kind": "holiday"},
                          content_type="application/json")
    assert refused.status_code == 400  # county A's office is not a choice for county B
    # nor does the city office change its county's entry (it watches it)
    signed_in(client, world.city_user)
    assert client.patch(reverse("api:organizations-calendarday-detail", args=[day.pk]), {"name": "改"},
                        content_type="application/json").status_code == 403
    assert CalendarDay.objects.get(pk=day.pk).name == "甲县县庆"


def test_the_import_reports_every_bad_row_and_writes_nothing(world, client):
    signed_in(client, world.a.users["office_admin"])
    before = CalendarDay.objects.count(), AuditEvent.objects.count()
    upload = workbook([
        ("2025-10-09", "放假", "县庆", ""),
        ("2025-13-01", "放假", "", ""),          # row 3: no such date
        ("2025-10-10", "请假", "", ""),          # row 4: unknown kind
        ("", "上班", "", ""),                    # row 5: no date
        ("2025/10/9", "上班", "", ""),           # row 6: the date of row 2 again
        ("2025年10月11日", "放假", "名" * 65, ""),  # row 7: name too long
    ])
    response = client.post(reverse("organizations:calendar_import"), {"file": upload})
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert errors == [(3, "日期"), (4, "类型"), (5, "日期"), (6, "日期"), (7, "名称")]
    assert (CalendarDay.objects.count(), AuditEvent.objects.count()) == before


def test_the_import_writes_every_row_and_the_export_reads_back(world, client):
    signed_in(client, world.a.users["office_admin"])
    template = client.get(reverse("organizations:calendar_import") + "?template=1")
    assert template.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][1]][:2] == ["日期*", "类型*"]
    upload = workbook([("2025-10-09", "放假", "县庆", "全县放假"), (datetime.datetime(2025, 10, 12), "上班", "补课", "")])
    assert client.post(reverse("organizations:calendar_import"), {"file": upload}).status_code == 302
    rows = {r.date: r for r in CalendarDay.objects.filter(office=world.a.office)}
    assert rows[D(2025, 10, 9)].kind == HOLIDAY and rows[D(2025, 10, 12)].kind == WORKING
    # the export has the year's days in force, the office's text kept as text
    services.calendar_day_set(actor=fresh(world.a.users["office_admin"]), office_id=world.a.office.pk,
                              date=D(2025, 10, 12), kind=WORKING, name="=1+1")
    export = client.get(page(world.a.office, export="xlsx"))
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    values = {(row[0].value.date() if hasattr(row[0].value, "date") else row[0].value): [c.value for c in row]
              for row in sheet.iter_rows(min_row=2)}
    assert values[D(2025, 10, 12)][1:3] == ["上班", "=1+1"]
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[2].value == "=1+1")
    assert cell.data_type == "s"
    assert values[D(2025, 10, 1)][2] == "国庆节"


def test_the_api_lists_a_year_and_sets_and_deletes_own_days(world, client):
    signed_in(client, world.a.users["office_admin"])
    services.calendar_day_set(actor=fresh(world.city_user), office_id=world.city_office.pk, date=D(2025, 10, 10),
                              kind=HOLIDAY, name="市庆")
    created = client.post(reverse("api:organizations-calendarday-list"),
                          {"office": world.a.office.pk, "date": "2025-10-09", "kind": "holiday", "name": "县庆"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    again = client.post(reverse("api:organizations-calendarday-list"),
                        {"office": world.a.office.pk, "date": "2025-10-09", "kind": "working"},
                        content_type="application/json")
    assert again.status_code == 400
    year = client.get(reverse("api:organizations-calendarday-year") + "?year=2025").json()
    assert year["office"] == world.a.office.pk and year["covered"] is True
    by_date = {d["date"]: d for d in year["days"]}
    assert by_date["2025-10-09"]["office"] == world.a.office.pk and by_date["2025-10-09"]["working"] is False
    assert by_date["2025-10-10"]["office"] == world.city_office.pk
    assert by_date["2025-09-28"]["statutory"] and by_date["2025-09-28"]["working"]
    listed = client.get(reverse("api:organizations-calendarday-list") + "?year=2025").json()["results"]
    assert {d["name"] for d in listed} == {"县庆", "市庆"}  # own and inherited entries, not the statutory rows
    assert client.delete(reverse("api:organizations-calendarday-detail", args=[created.json()["id"]])).status_code == 204
    assert client.get(reverse("api:organizations-calendarday-year") + "?year=1999").status_code == 400


def test_the_api_import_reports_every_bad_row(world, client):
    signed_in(client, world.a.users["office_admin"])
    url = reverse("api:organizations-calendarday-import")
    bad = client.post(url, {"file": workbook([("2025-10-09", "放假"), ("昨天", "放假")])})
    assert bad.status_code == 400 and str(bad.json()["file"][0]["row"]) == "3"
    assert not CalendarDay.objects.filter(office=world.a.office, date=D(2025, 10, 9)).exists()
    good = client.post(url, {"file": workbook([("2025-10-09", "放假")])})
    assert good.status_code == 201 and good.json() == {"imported": 1}


def test_the_api_year_list_runs_constant_queries(world, client):
    signed_in(client, world.a.users["office_admin"])
    admin = fresh(world.a.users["office_admin"])
    added = []

    def grow(count):
        start = D(2031, 1, 1) + datetime.timedelta(days=len(added))
        for n in range(count):
            added.append(services.calendar_day_set(actor=admin, office_id=world.a.office.pk,
                                                   date=start + datetime.timedelta(days=n), kind=HOLIDAY))

    def fetch():
        response = client.get(reverse("api:organizations-calendarday-year") + "?year=2031")
        assert response.status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=40)
