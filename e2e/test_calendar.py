"""The working-day calendar in a browser: an office administrator finds the year's 调休 working
Saturday and a holiday through the menu (组织机构 → 工作日历), corrects a day for the office and
sees it applied."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dudao.organizations.models import CalendarDay
from dudao.organizations.working_days import covered_years, is_working_day, load_statutory
from e2e.helpers import login

pytestmark = pytest.mark.browser


def day_row(page: Page, day: CalendarDay):
    return page.locator("[data-testid=calendar-days] tbody tr", has_text=day.date.isoformat())


def test_office_admin_sees_the_adjusted_working_saturday_and_a_holiday_and_corrects_a_day(page: Page, world):
    # given the statutory calendar (shipped data) and a year it covers: this year when it does
    load_statutory()
    years = covered_years()
    assert years, "the statutory calendar package covers no year"
    year = timezone.localdate().year if timezone.localdate().year in years else years[-1]
    statutory = CalendarDay.objects.filter(office__isnull=True, date__year=year)  # scope: shipped rows
    weekend_worked = next(d for d in statutory.filter(kind=CalendarDay.Kind.WORKING).order_by("date")
                          if d.date.weekday() >= 5)
    holiday = statutory.filter(kind=CalendarDay.Kind.HOLIDAY).order_by("date").first()
    office = world.a.office

    # when county A's administrator opens 组织机构 → 工作日历 and shows that year
    login(page, "a_office_admin")
    page.get_by_role("button", name="组织机构").click()
    page.get_by_role("link", name="工作日历").click()
    expect(page).to_have_url(re.compile(r"/organizations/calendar/"))
    page.fill("#year-input", str(year))
    with page.expect_navigation():
        page.locator("[data-testid=calendar-target] button[type=submit]").click()

    # then the 调休 weekend day shows as a working day and the holiday as a day off, both statutory
    row = day_row(page, weekend_worked)
    expect(row).to_contain_text("上班")
    expect(row).to_contain_text(weekend_worked.name)
    expect(row).to_contain_text("国家法定")
    expect(day_row(page, holiday)).to_contain_text("放假")
    expect(day_row(page, holiday)).to_contain_text(holiday.name)
    assert is_working_day(weekend_worked.date, office)

    # when the administrator makes that weekend day a day off for the county
    with page.expect_navigation():
        row.get_by_role("link", name="为本单位修改").click()
    expect(page.locator("#id_date")).to_have_value(weekend_worked.date.isoformat())
    page.select_option("#id_kind", "holiday")
    page.fill("#id_name", "本县不调休")
    page.fill("#id_note", "全县中小学统一安排")
    with page.expect_navigation():
        page.get_by_test_id("save").click()

    # then the year shows the office's own day in place of the statutory one, and deadlines skip it
    row = day_row(page, weekend_worked)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("放假")
    expect(row).to_contain_text("本县不调休")
    expect(row).to_contain_text("本单位")
    expect(row).to_have_class(re.compile(r"table-active"))
    assert not is_working_day(weekend_worked.date, office)
    # the neighbouring county keeps the statutory day
    assert is_working_day(weekend_worked.date, world.b.office)
