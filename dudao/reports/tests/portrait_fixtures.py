"""One school's record across the apps, written through their services, for the tests of the school
at a glance (学校画像): visits of this term and the last, findings, an overdue and an open notice,
two complaints (one answered and rated), a survey with answers and two statistics returns.

"Today" is 16 November 2026 (the autumn term 2026); the figures each test expects are in ``EXPECTED``.
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from dudao.complaints import services as complaint_services
from dudao.complaints.tests.helpers import register
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import rectification_issue
from dudao.inspections.tests.visit_fixtures import record_visit
from dudao.monitoring.models import SchoolReturn
from dudao.monitoring.services import school_return_save, statistics_year_open
from dudao.organizations.models import School
from dudao.surveys.tests.conftest import answer, make_survey

TODAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
NOTICE_TEXT = "<b>补齐</b>食堂留样记录"

# 2017 standards of 小学 (STANDARDS §4.2) against the return below (100 pupils)
RETURN_2026 = {
    "teachers": 10, "teachers_above_required_degree": 5,  # 5.0 / 4.2 → met
    "key_teachers_county_level": 1,  # 1.0 / 1.0 → met
    "pe_music_art_teachers": 1,  # 1.0 / 0.9 → met
    "teaching_area_m2": Decimal("500"), "indoor_sports_area_m2": Decimal("50"),  # 4.5 / 4.5 → met
    "gym_area_m2": Decimal("0"), "field_area_m2": Decimal("600"),  # (0 + 600) / 100 = 6.0 / 7.5 = 80 % → below 85 %
    "equipment_value_yuan": Decimal("200000"),  # 2000 / 2000 → met
    "multimedia_classrooms": 2,  # 2.0 / 2.3 = 87 % → between 85 % and the standard
}
EXPECTED = {
    "statuses": {"above_degree_teachers_per_100": "met", "key_teachers_per_100": "met",
                 "pe_art_teachers_per_100": "met", "teaching_area": "met", "sports_area": "below_floor",
                 "equipment_value": "met", "multimedia_classrooms_per_100": "between"},
    "sports_ratio": 0.8,
    "term_visits": [2, 1, 0, 0],  # autumn 2026, spring 2026, autumn 2025, spring 2025
    "months_visited": [2, 1, 0, 0],
    "findings": 2,
    "notices": {"open": 2, "overdue": 1, "awaiting_recheck": 0, "closed": 0},
    "complaints": {"total": 2, "open": 1, "rated": 1, "satisfaction": 100.0},
    "survey_percent": Decimal("66.7"),  # two of three parents satisfied
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def days(n: int) -> datetime.date:
    return TODAY.date() + datetime.timedelta(days=n)


def record_school(world):
    """County A's school 0 (inspector 1 listed there): its record in every app. Returns the school."""
    school, other = world.a.schools[0], world.a.schools[1]
    inspector = fresh(world.a.users["inspector"])
    office = fresh(world.a.users["office_admin"])
    # visits: two this term, one last term, a draft and a visit of 2024 (before the four terms)
    for day in (datetime.date(2026, 10, 12), datetime.date(2026, 11, 3), datetime.date(2026, 3, 10),
                datetime.date(2024, 10, 9)):
        record_visit(inspector, school, submit=True, date=day)
    record_visit(inspector, school, date=datetime.date(2026, 11, 10))
    record_visit(inspector, world.a.schools[2], submit=True, date=datetime.date(2026, 11, 4))
    # findings and notices: one overdue, one open; a finding of 2024 falls outside the terms
    overdue = finding_record(actor=inspector, school_id=school.pk, description="校门口无减速带", found_on=days(-30))
    rectification_issue(actor=inspector, finding_id=overdue.pk, requirements="设置减速带", issued_on=days(-30),
                        deadline=days(-3))
    kitchen = finding_record(actor=inspector, school_id=school.pk, description="食堂留样记录不全", found_on=days(-5))
    rectification_issue(actor=inspector, finding_id=kitchen.pk, requirements=NOTICE_TEXT, issued_on=days(-5),
                        deadline=days(20))
    finding_record(actor=inspector, school_id=school.pk, description="旧问题", found_on=datetime.date(2024, 10, 9))
    # complaints: one answered and rated satisfied, one still open; one about another school
    answered, code = register(world)
    complaint_services.complaint_verify(actor=fresh(inspector), complaint_id=answered.pk)
    complaint_services.complaint_handle(actor=fresh(inspector), complaint_id=answered.pk)
    complaint_services.complaint_answer(actor=fresh(inspector), complaint_id=answered.pk, answer="已整改")
    complaint_services.complaint_rate(code=code, rating="satisfied")
    register(world)
    register(world, school=1)
    # a survey: two of three parents of the school satisfied
    survey = make_survey(world, open_it=True, groups=("parents",), schools=[school, other])
    for option in ("满意", "比较满意", "不满意"):
        answer(survey, school, "parents", option)
    answer(survey, other, "parents", "不满意")
    # statistics returns of 2025 (all met) and 2026 (the one the portrait reads)
    for year, values in ((2025, {**RETURN_2026, "field_area_m2": Decimal("900"), "multimedia_classrooms": 3}),
                         (2026, RETURN_2026)):
        statistics_year = statistics_year_open(actor=office, office_id=world.a.office.pk, year=year)
        school_return_save(actor=fresh(office), instance=SchoolReturn(
            statistics_year=statistics_year, school=school, stage="primary", school_type="primary", students=100,
            **values))
    return School.objects.get(pk=school.pk)
