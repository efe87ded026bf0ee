"""The working-day calendar (issue 15 §2: deadlines in working days follow the State Council's
holidays and 调休, and an office's own days): the statutory days shipped from the package, the one
function that counts working days, and the days an office, or the city above it, enters."""

import datetime

import chinese_calendar
import pytest

from dudao.core.testing.world import fresh, world_rolled_back
from dudao.organizations import services, working_days
from dudao.organizations.models import CalendarDay

pytestmark = pytest.mark.django_db

D = datetime.date
HOLIDAY, WORKING = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKING


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def enter(user, office, day, kind, name=""):
    return services.calendar_day_set(actor=fresh(user), office_id=office.pk, date=day, kind=kind, name=name)


def days_between(first, last):
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def test_2025_national_day_as_the_package_has_it():
    # 国务院办公厅关于2025年部分节假日安排的通知: 10月1日至8日放假调休，9月28日（周日）、10月11日（周六）上班
    assert all(chinese_calendar.is_holiday(day) for day in days_between(D(2025, 10, 1), D(2025, 10, 8)))
    assert chinese_calendar.is_workday(D(2025, 9, 28)) and chinese_calendar.is_workday(D(2025, 10, 11))
    # then the shipped statutory rows say the same, with the Chinese name
    rows = {row.date: row for row in CalendarDay.objects.filter(office__isnull=True, date__range=(D(2025, 9, 27), D(2025, 10, 12)))}
    assert {day for day, row in rows.items() if row.kind == HOLIDAY} == set(days_between(D(2025, 10, 1), D(2025, 10, 8)))
    assert {day for day, row in rows.items() if row.kind == WORKING} == {D(2025, 9, 28), D(2025, 10, 11)}
    assert rows[D(2025, 10, 1)].name == "国庆节" and rows[D(2025, 10, 6)].name == "中秋节"
    assert rows[D(2025, 9, 28)].name == "国庆节"
    # and the working-day function follows them
    assert working_days.is_working_day(D(2025, 9, 28)) and working_days.is_working_day(D(2025, 10, 11))
    assert not any(working_days.is_working_day(day) for day in days_between(D(2025, 10, 1), D(2025, 10, 8)))
    assert working_days.is_working_day(D(2025, 10, 9))


def test_2025_spring_festival_as_the_package_has_it():
    # 春节: 1月28日至2月4日放假调休，1月26日（周日）、2月8日（周六）上班
    assert all(chinese_calendar.is_holiday(day) for day in days_between(D(2025, 1, 28), D(2025, 2, 4)))
    assert chinese_calendar.is_workday(D(2025, 1, 26)) and chinese_calendar.is_workday(D(2025, 2, 8))
    assert not any(working_days.is_working_day(day) for day in days_between(D(2025, 1, 28), D(2025, 2, 4)))
    assert working_days.is_working_day(D(2025, 1, 26)) and working_days.is_working_day(D(2025, 2, 8))
    assert CalendarDay.objects.get(office__isnull=True, date=D(2025, 1, 29)).name == "春节"
    # 10 working days from Friday 24 January: Sun 26, Mon 27, then Feb 5, 6, 7, Sat 8, 10, 11, 12, 13
    assert working_days.add(D(2025, 1, 24), 10) == D(2025, 2, 13)


def test_fifteen_working_days_from_before_national_day():
    # a Friday before 国庆: Sun 28 Sep, 29, 30, (1–8 Oct off), 9, 10, Sat 11, 13 … 23 October
    assert working_days.add(D(2025, 9, 26), 15) == D(2025, 10, 23)
    # calendar days count straight through
    assert working_days.add(D(2025, 9, 26), 15, working=False) == D(2025, 10, 11)


def test_a_year_the_package_does_not_cover_counts_weekends_only():
    covered = working_days.covered_years()
    assert 2025 in covered and 2099 not in covered
    # 1 October 2099 is a Thursday: no holiday is known, so it is a working day
    assert working_days.is_working_day(D(2099, 10, 1))
    assert working_days.add(D(2099, 9, 25), 5) == D(2099, 10, 2)


def test_one_query_per_year_range(django_assert_num_queries, world):
    calendar = working_days.WorkingCalendar(world.a.office)
    with django_assert_num_queries(1):
        assert calendar.add(D(2025, 9, 26), 15) == D(2025, 10, 23)
        assert calendar.add(D(2025, 1, 24), 10) == D(2025, 2, 13)
        assert not calendar.is_working_day(D(2026, 2, 17))  # 春节 2026, in the range read with 2025


def test_an_office_enters_its_own_day_off(world):
    # given county A gives 9 October 2025 off (a local holiday)
    admin = world.a.users["office_admin"]
    row = enter(admin, world.a.office, D(2025, 10, 9), HOLIDAY, "县庆")
    # then its 15 working days from 26 September end a day later; county B's do not move
    assert working_days.add(D(2025, 9, 26), 15, world.a.office) == D(2025, 10, 24)
    assert working_days.add(D(2025, 9, 26), 15, world.b.office) == D(2025, 10, 23)
    # and the entry is audited
    from dudao.audit.models import AuditEvent
    assert AuditEvent.objects.filter(action="organizations.calendarday.create", target_id=str(row.pk)).exists()


def test_an_office_makes_a_statutory_holiday_a_working_day(world):
    enter(world.a.users["office_admin"], world.a.office, D(2025, 10, 8), WORKING, "值班")
    assert working_days.is_working_day(D(2025, 10, 8), world.a.office)
    assert not working_days.is_working_day(D(2025, 10, 8), world.b.office)
    assert not working_days.is_working_day(D(2025, 10, 8))


def test_a_city_day_holds_for_its_counties_unless_a_county_enters_the_date(world):
    # given the city gives Friday 10 October 2025 off
    enter(world.city_user, world.city_office, D(2025, 10, 10), HOLIDAY, "市庆")
    # then both counties follow it
    assert not working_days.is_working_day(D(2025, 10, 10), world.a.office)
    assert not working_days.is_working_day(D(2025, 10, 10), world.b.office)
    # when county A works that day
    enter(world.a.users["office_admin"], world.a.office, D(2025, 10, 10), WORKING, "照常上班")
    # then county A's entry wins for county A only
    assert working_days.is_working_day(D(2025, 10, 10), world.a.office)
    assert not working_days.is_working_day(D(2025, 10, 10), world.b.office)
    decided = {row.date: row for row in working_days.year_days(world.a.office, 2025)}
    assert decided[D(2025, 10, 10)].office_id == world.a.office.pk
    assert {row.date: row for row in working_days.year_days(world.b.office, 2025)}[D(2025, 10, 10)].office_id == \
        world.city_office.pk


def test_setting_the_same_date_again_corrects_the_entry(world):
    admin = world.a.users["office_admin"]
    first = enter(admin, world.a.office, D(2025, 11, 3), HOLIDAY, "运动会")
    second = enter(admin, world.a.office, D(2025, 11, 3), WORKING, "运动会改期")
    assert first.pk == second.pk
    assert CalendarDay.objects.get(pk=first.pk).kind == WORKING


def test_loading_the_statutory_calendar_again_changes_nothing_and_follows_corrections():
    assert working_days.load_statutory() == {"added": 0, "changed": 0, "removed": 0}
    # a corrected arrangement for 2025 (a test's own days): changed, added and removed rows
    days = {D(2025, 10, 1): (HOLIDAY, "国庆节"), D(2025, 10, 2): (WORKING, "国庆节"), D(2025, 12, 31): (HOLIDAY, "元旦")}
    counts = working_days.load_statutory(days)
    assert counts["added"] == 1 and counts["changed"] == 1 and counts["removed"] > 20
    assert set(CalendarDay.objects.filter(office__isnull=True, date__year=2025).values_list("date", flat=True)) == set(days)
    assert CalendarDay.objects.filter(office__isnull=True, date__year=2024).exists()  # other years untouched
