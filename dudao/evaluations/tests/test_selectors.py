"""What other apps read of evaluations: the work report's section."""

import datetime

import pytest

from dudao.evaluations.tests.conftest import run_to, user

pytestmark = pytest.mark.django_db


def test_work_report_section_lists_the_evaluations_of_the_period(world):
    # given a notified evaluation of county A
    evaluation = run_to(world, "notified")
    today = datetime.date.today()
    from dudao.evaluations import selectors

    # when the office's work report asks for the evaluations of the period
    rows = selectors.evaluation_report_rows(user=user(world, "office_admin"), start=today - datetime.timedelta(days=30),
                                            end=today)
    # then it is there with its phase and units; county B's office gets nothing
    assert [r["name"] for r in rows] == [evaluation.title] and "2个单位" in rows[0]["detail"]
    assert selectors.evaluation_report_rows(user=user(world, "office_admin", "b"), start=today, end=today) == []
