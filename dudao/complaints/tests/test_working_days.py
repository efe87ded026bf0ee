"""A complaint's time limit in working days follows the working-day calendar (issue 15 §2; 规程
第三条(三) 受理、核实相关举报和投诉, the office's 15 working days): 国庆 and its 调休 Saturday and Sunday
move the deadline, and so does a day the county office gives off."""

import datetime
import zoneinfo

import pytest
import time_machine

from dudao.complaints.services import complaint_policy_set
from dudao.complaints.tests.helpers import register
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.organizations.models import CalendarDay
from dudao.organizations.services import calendar_day_set

pytestmark = pytest.mark.django_db

# Friday 26 September 2025, before 国庆 (1–8 October off; Sunday 28 September and Saturday 11 October worked)
RECEIVED = datetime.datetime(2025, 9, 26, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def test_a_complaint_received_before_national_day_is_due_after_the_holiday(world):
    with time_machine.travel(RECEIVED, tick=False):
        complaint, _code = register(world)
    # 28, 29, 30 September, then 9, 10, 11 (Saturday), 13–17 and 20–23 October: 15 working days
    assert complaint.due_on == datetime.date(2025, 10, 23)


def test_a_county_day_off_moves_its_complaints_only(world):
    calendar_day_set(actor=fresh(world.a.users["office_admin"]), office_id=world.a.office.pk,
                     date=datetime.date(2025, 10, 9), kind=CalendarDay.Kind.HOLIDAY, name="县庆")
    with time_machine.travel(RECEIVED, tick=False):
        in_a, _code = register(world)
        in_b, _code = register(world, county="b")
    assert in_a.due_on == datetime.date(2025, 10, 24)
    assert in_b.due_on == datetime.date(2025, 10, 23)


def test_an_office_counting_calendar_days_keeps_them(world):
    complaint_policy_set(actor=fresh(world.a.users["office_admin"]), office_id=world.a.office.pk, answer_days=15,
                         working_days=False, close_after_days=10, reopen_on_dissatisfaction=True)
    with time_machine.travel(RECEIVED, tick=False):
        complaint, _code = register(world)
    assert complaint.due_on == datetime.date(2025, 10, 11)
