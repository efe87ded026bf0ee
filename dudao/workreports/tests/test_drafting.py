"""The figures of a drafted report, counted from the records of county A's October 2026."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.core.testing.factories import ListingFactory, SchoolFactory
from dudao.inspectors.models import Listing
from dudao.workreports import drafting
from dudao.workreports.drafting import Section, SectionRow, period_summary
from dudao.workreports.tests import report_fixtures
from dudao.workreports.tests.report_fixtures import OCTOBER, user, visit

pytestmark = pytest.mark.django_db

world = report_fixtures.world
october = report_fixtures.october
TODAY = datetime.date(2026, 11, 23)


def summary(world, role="office_admin", level="inspector", county="a", start=OCTOBER[0], end=OCTOBER[1], **kw):
    c = getattr(world, county)
    if level == "inspector":
        kw.setdefault("inspector", c.inspectors[0])
    if level == "zone":
        kw.setdefault("zone", c.zones[0])
    return period_summary(user=user(world, role, county), level=level, office=c.office, start=start, end=end,
                          on=TODAY, **kw)


def test_inspector_month_counts_visits_coverage_lessons_and_highlights(october):
    # when the office drafts the inspector's October
    data = summary(october)

    # then two schools were in their care, school 0 visited twice, school 2 not at all in October
    assert data["subject"]["name"] == october.a.inspectors[0].name
    assert (data["schools"]["total"], data["schools"]["visited"], data["schools"]["fully_covered"]) == (2, 1, 1)
    assert data["schools"]["coverage_rate"] == 50.0
    assert [(m["label"], m["schools"], m["visited"], m["coverage"], m["visits"]) for m in data["months"]] == [
        ("2026年10月", 2, 1, 50.0, 2)]
    assert data["visits"]["total"] == 2
    rows = {r["name"]: (r["visits"], r["months_visited"], r["months_in_care"], r["lessons"], r["findings"],
                        r["notices"]) for r in data["schools"]["rows"]}
    s0, s2 = october.a.schools[0].name, october.a.schools[2].name
    assert rows == {s0: (2, 1, 1, 2, 1, 1), s2: (0, 0, 1, 0, 2, 1)}
    # and two lessons were observed, one excellent and one good
    assert data["lessons"]["total"] == 2
    assert {r["rating"]: r["n"] for r in data["lessons"]["by_rating"]} == {
        "excellent": 1, "good": 1, "fair": 0, "poor": 0}
    # and the recommended highlight is there
    assert [(h["school"], h["text"]) for h in data["highlights"]] == [(s0, "课后服务“一校一案”做法值得推广")]


def test_findings_by_checklist_item_use_the_national_wording(october):
    data = summary(october)
    assert data["findings"]["total"] == 3
    assert [(r["code"], r["n"], r["label"]) for r in data["findings"]["by_item"]] == [
        ("6", 1, "6. 校园及周边安全情况，学生交通安全情况"),
        ("7", 2, "7. 食堂、食品、饮水及宿舍卫生情况"),
    ]
    assert {r["severity"]: r["n"] for r in data["findings"]["by_severity"]}["general"] == 3


def test_rectifications_issued_closed_open_and_overdue(october):
    data = summary(october)["rectifications"]
    # two notices in October; the school-2 one closed on the 24th; the school-0 one is past its 15 October deadline
    assert (data["issued"], data["closed"], data["open"], data["overdue"]) == (2, 1, 1, 1)
    assert data["close_rate"] == 50.0
    [late] = data["overdue_list"]
    assert late["school"] == october.a.schools[0].name
    assert late["deadline"] == datetime.date(2026, 10, 15)
    assert late["days"] == 16  # on 31 October


def test_office_counts_all_its_schools_and_never_county_b(october):
    data = summary(october, level="office")
    assert data["schools"]["total"] == 4
    assert data["visits"]["total"] == 2
    assert data["findings"]["total"] == 3
    assert data["months"][0]["coverage"] == 25.0
    assert data["visits"]["by_inspector"] == [{"name": october.a.inspectors[0].name, "visits": 2}]


def test_zone_counts_only_its_schools(october):
    # zone 1 holds schools 1 and 3, where nothing happened in October
    data = summary(october, level="zone", zone=october.a.zones[1])
    assert data["schools"]["total"] == 2
    assert (data["visits"]["total"], data["findings"]["total"], data["rectifications"]["issued"]) == (0, 0, 0)
    assert data["months"][0]["coverage"] == 0.0


def test_term_counts_each_month_up_to_today(october):
    # given the autumn term 2026 (September to January), drafted on 23 November
    data = summary(october, start=datetime.date(2026, 9, 1), end=datetime.date(2027, 1, 31))

    # then September, October and November count, December and January not yet
    assert [(m["label"], m["visited"], m["schools"]) for m in data["months"]] == [
        ("2026年9月", 1, 2), ("2026年10月", 1, 2), ("2026年11月", 0, 2)]
    assert data["visits"]["total"] == 3
    assert data["schools"]["fully_covered"] == 0  # nobody was visited in November


def test_a_school_counts_only_while_listed(october):
    # given a school listed to the inspector from 16 October on, and school 2 unlisted at the end of September
    new = SchoolFactory(region=october.a.region, name="新开办小学")
    ListingFactory(inspector=october.a.inspectors[0], school=new, valid_from=datetime.date(2026, 10, 16))
    Listing.objects.filter(school=october.a.schools[2]).update(valid_to=datetime.date(2026, 9, 30))

    # when the October report is drafted
    data = summary(october)

    # then school 2 is no longer counted in October, the new school is, and its findings stay out
    names = {r["name"] for r in data["schools"]["rows"]}
    assert names == {october.a.schools[0].name, "新开办小学"}
    assert data["findings"]["total"] == 1


def test_inspector_sees_own_report_but_not_a_colleague(october):
    from dudao.inspectors.models import Inspector

    mine = summary(october, role="inspector")
    assert mine["visits"]["total"] == 2
    with pytest.raises(Inspector.DoesNotExist):
        summary(october, role="inspector", county="a", inspector=october.b.inspectors[0])


def test_county_b_subject_is_out_of_scope(october):
    from dudao.organizations.models import Office

    with pytest.raises(Office.DoesNotExist):
        period_summary(user=user(october, "office_admin"), level="office", office=october.b.office,
                       start=OCTOBER[0], end=OCTOBER[1])


def test_sections_without_their_app_say_none(october):
    data = summary(october)
    assert [s["key"] for s in data["sections"]] == ["campaigns", "evaluations", "complaints"]
    assert all(s["rows"] == [] for s in data["sections"])


def test_a_registered_section_provider_fills_rows(october, monkeypatch):
    # given a provider registered for complaints
    def provider(*, user, subject, start, end):
        return [SectionRow(name=f"{subject.name}的投诉", date="2026年10月9日", detail="已办结")]

    monkeypatch.setattr(drafting, "SECTIONS", list(drafting.SECTIONS))
    drafting.register_section(Section("complaints", "Complaints", "投诉", provider))

    # then its rows are in the summary, in the place of the empty section
    data = summary(october)
    assert [s["key"] for s in data["sections"]] == ["campaigns", "evaluations", "complaints"]
    assert data["sections"][2]["rows"] == [
        {"name": f"{october.a.inspectors[0].name}的投诉", "date": "2026年10月9日", "detail": "已办结"}]


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("level", ["inspector", "zone", "office"])
def test_queries_do_not_grow_with_rows(october, level):
    # given the October counted once
    run = lambda: summary(october, level=level)  # noqa: E731
    run()
    small = _count(run)

    # when twenty more visits with lessons and findings are recorded
    inspector = user(october, "inspector")
    for day in range(1, 21):
        visit(inspector, october.a.schools[day % 2 * 2], datetime.date(2026, 10, day), lessons=[lesson("fair")])
        report_fixtures.finding(inspector, october.a.schools[0], datetime.date(2026, 10, day), str(day % 8 + 1))

    # then the summary runs as many queries as before
    assert _count(run) == small
    assert summary(october, level=level)["visits"]["total"] == 22


def lesson(rating):
    return report_fixtures.lesson(rating)
