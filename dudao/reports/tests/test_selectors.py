"""The school at a glance (学校画像) as its selectors compute it: each figure against the records the
test wrote through the apps' services, the terms, the five-school limit and the scope."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dudao.core.testing.world import fresh
from dudao.inspections.tests.visit_fixtures import record_visit
from dudao.organizations.models import School
from dudao.reports import portrait
from dudao.reports.tests import portrait_fixtures
from dudao.reports.tests.portrait_fixtures import EXPECTED, days, record_school

world, today = portrait_fixtures.world, portrait_fixtures.today  # the module's world, on 16 November 2026

pytestmark = pytest.mark.django_db


def test_an_office_reads_a_schools_figures_from_every_app(world):
    school = record_school(world)
    p = portrait.school_portrait(user=fresh(world.a.users["office_admin"]), school_id=school.pk)

    # the latest statistics year against the 2017 standards: 5 met, 1 between 85 % and 100 %, 1 below 85 %
    assert p.balance["statistics_year"]["year"] == 2026
    assert p.balance["national"] is True
    [stage] = p.balance["stages"]
    assert stage["stage"] == "primary" and stage["students"] == 100
    assert {i["key"]: i["status"] for i in stage["indicators"]} == EXPECTED["statuses"]
    sports = next(i for i in stage["indicators"] if i["key"] == "sports_area")
    assert sports["value"] == pytest.approx(6.0) and sports["standard"] == 7.5
    assert sports["ratio"] == pytest.approx(EXPECTED["sports_ratio"])
    assert stage["rule"]["passed"] is False
    assert (stage["rule"]["n_met"], stage["rule"]["n_between"], stage["rule"]["n_below_floor"]) == (5, 1, 1)

    # visits of the four terms, submitted ones only; findings of those terms
    assert [t["visits"] for t in p.terms] == EXPECTED["term_visits"]
    assert [t["months_visited"] for t in p.terms] == EXPECTED["months_visited"]
    assert p.terms[0]["months"] == 3  # September to November so far
    assert p.terms[2]["below_floor"] is True and p.terms[0]["below_floor"] is False  # a running term is not judged
    assert p.findings == EXPECTED["findings"]
    assert sum(row["n"] for row in p.by_item) == EXPECTED["findings"]

    # notices: the overdue one first; complaints and their satisfaction; the survey
    assert p.notices == EXPECTED["notices"]
    assert [n.overdue for n in p.open_notices] == [True, False]
    assert {k: p.complaints[k] for k in EXPECTED["complaints"]} == EXPECTED["complaints"]
    [survey] = p.surveys
    assert survey["responses"] == 3 and survey["percent"] == EXPECTED["survey_percent"]
    assert survey["url"].endswith(f"?school={school.pk}")
    assert p.evaluations == []
    assert p.listing.inspector == world.a.inspectors[0]


def test_a_school_without_records_shows_empty_figures(world):
    p = portrait.school_portrait(user=fresh(world.a.users["office_admin"]), school_id=world.a.schools[3].pk)
    assert p.balance is None
    assert [t["visits"] for t in p.terms] == [0, 0, 0, 0]
    assert p.notices == {"open": 0, "overdue": 0, "awaiting_recheck": 0, "closed": 0}
    assert p.complaints["total"] == 0 and p.complaints["satisfaction"] is None
    assert p.surveys == [] and p.by_item == [] and p.open_notices == []
    assert portrait.radar_chart([p]) is None


def test_a_liaison_sees_no_complaints_section_of_their_school(world):
    school = record_school(world)
    p = portrait.school_portrait(user=fresh(world.a.users["school_liaison"]), school_id=school.pk)
    assert p.complaints is None  # schools do not read complaints
    assert p.notices["open"] == 2


def test_the_terms_run_back_from_today(today):
    terms = portrait.last_terms(today)
    assert [(t.season, t.year) for t in terms] == [("autumn", 2026), ("spring", 2026), ("autumn", 2025),
                                                  ("spring", 2025)]
    assert portrait.last_terms(datetime.date(2027, 1, 20))[0].start == datetime.date(2026, 9, 1)
    assert portrait.last_terms(datetime.date(2026, 8, 10))[1].season == "spring"


def test_the_radar_shows_each_indicator_in_percent_of_its_standard(world):
    school = record_school(world)
    office = fresh(world.a.users["office_admin"])
    chart = portrait.radar_chart([portrait.school_portrait(user=office, school_id=school.pk)])
    standard, line = chart["series"][0]["data"]
    assert standard["value"] == [100] * 7
    assert line["value"][4] == pytest.approx(80.0)  # sports area, indicator 5
    assert len(chart["radar"]["indicator"]) == 7 and chart["radar"]["indicator"][0]["max"] >= 150


def test_an_office_compares_up_to_five_schools_and_a_sixth_is_refused(world):
    office = fresh(world.a.users["office_admin"])
    ids = [s.pk for s in world.a.schools]
    assert [s.pk for s in portrait.schools_in_scope(user=office, school_ids=ids)] == ids
    extra = [School.objects.create(code=f"36010190{i}", name=f"甲县第{i}中学", region=world.a.region).pk
             for i in (5, 6)]
    assert len(portrait.schools_in_scope(user=office, school_ids=ids + extra[:1])) == 5
    with pytest.raises(ValidationError) as refused:
        portrait.schools_in_scope(user=office, school_ids=ids + extra)
    assert "5" in refused.value.messages[0]


def test_a_school_of_another_county_is_not_found(world):
    office = fresh(world.a.users["office_admin"])
    with pytest.raises(School.DoesNotExist):
        portrait.school_portrait(user=office, school_id=world.b.schools[0].pk)
    with pytest.raises(School.DoesNotExist):
        portrait.schools_in_scope(user=office, school_ids=[world.a.schools[0].pk, world.b.schools[0].pk])


def test_the_queries_do_not_grow_with_a_schools_visits_and_notices(world, django_assert_max_num_queries):
    from dudao.inspections.services.findings import finding_record
    from dudao.inspections.services.rectifications import rectification_issue

    school = record_school(world)
    inspector = fresh(world.a.users["inspector"])
    office = fresh(world.a.users["office_admin"])
    portrait.school_portrait(user=office, school_id=school.pk)  # warm the caches
    with django_assert_max_num_queries(40) as few:
        portrait.school_portrait(user=fresh(office), school_id=school.pk)
    for k in range(20):
        record_visit(inspector, school, submit=True, date=days(-k - 1))
        finding = finding_record(actor=fresh(inspector), school_id=school.pk, description=f"问题{k}", found_on=days(-2))
        rectification_issue(actor=fresh(inspector), finding_id=finding.pk, requirements="整改", issued_on=days(-2),
                            deadline=days(-1 if k % 2 else 9))
    with django_assert_max_num_queries(len(few.captured_queries)):
        p = portrait.school_portrait(user=fresh(office), school_id=school.pk)
    assert p.notices["open"] == 22 and p.notices["overdue"] == 11
