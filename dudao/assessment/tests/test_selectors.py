"""The assessment table and an inspector's profile, computed from the term's records. Records: see ``conftest.py``."""

from decimal import Decimal

from dudao.assessment.selectors import assessment_profile, assessment_table
from dudao.assessment.tests.autumn import AUTUMN, ON
from dudao.core.testing.world import fresh
from dudao.workreports.tests.report_fixtures import user


def test_assessment_numbers_come_from_the_records(term):
    # when the office reads the autumn term as of 31 October
    world = term
    admin = user(world, "office_admin")
    data = assessment_table(user=admin, office=world.a.office, period=AUTUMN, on=ON)
    rows = {row.inspector.pk: row for row in data["rows"]}
    mine, other = rows[world.a.inspectors[0].pk], rows[world.a.inspectors[1].pk]

    # then inspector 0: 2 of 4 school-months visited, 1 of 2 tasks, 1 of 2 reports on time, 1 of 2
    # notices followed through, 20 of 40 centralised hours (online hours do not count), ratings
    # self 100 (weight 20) and school 75 (weight 50), no complaint handled
    r = mine.records
    assert (r.schools, r.visits, r.months_in_care, r.months_visited) == (2, 3, 4, 2)
    assert (r.tasks_due, r.tasks_done, r.reports_due, r.reports_on_time) == (2, 1, 2, 1)
    assert (r.rectifications_due, r.rectifications_followed) == (2, 1)
    assert r.training_hours == Decimal(20)
    assert {k: mine.scores[k] for k in ("visits", "tasks", "reports", "rectifications", "training", "ratings")} == {
        "visits": Decimal(50), "tasks": Decimal(50), "reports": Decimal(50), "rectifications": Decimal(50),
        "training": Decimal(50), "ratings": Decimal("82.14")}
    assert mine.scores["complaints"] is None
    # (20·50 + 15·50 + 10·50 + 15·50 + 10·50 + 20·82.14) / 90
    assert mine.total == Decimal("57.14")
    # inspector 1: school 1 never visited in September and October, no training: 0, ranked second
    assert (other.scores["visits"], other.scores["training"], other.scores["tasks"]) == (Decimal(0), Decimal(0), None)
    assert (mine.rank, other.rank) == (1, 2)
    assert world.b.inspectors[0].pk not in rows


def test_profile_rank_matches_the_table(term):
    world = term
    profile = assessment_profile(user=user(world, "inspector"), inspector=world.a.inspectors[0], period=AUTUMN, on=ON)
    assert (profile["row"].rank, profile["count"], profile["row"].total) == (1, 2, Decimal("57.14"))


def test_fresh_user_helper_reads_scope(term):
    assert fresh(term.a.users["inspector"]).scope.school_ids
