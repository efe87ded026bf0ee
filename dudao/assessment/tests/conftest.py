"""The assessment of inspectors from real records: county A's autumn term up to 31 October 2026.

Records (``report_fixtures.october`` plus what each test adds through the services): inspector 0
(``a_inspector``) is listed at schools 0 and 2 since 2025; visits on 15 September (school 2) and
8 and 20 October (school 0); two notices from their findings, one still open past its deadline,
one closed after its re-check. Inspector 1 is listed at school 1 and recorded nothing.
"""

import datetime
from decimal import Decimal

import pytest

from dudao.assessment.services import rating_submit
from dudao.assessment.tests.autumn import D, answers
from dudao.inspectors.models import TrainingRecord
from dudao.inspectors.services.development import training_record_save
from dudao.plans.services import task_complete, task_prescribe
from dudao.workreports.models import Report
from dudao.workreports.tests import report_fixtures
from dudao.workreports.tests.report_fixtures import user

world = report_fixtures.world
october = report_fixtures.october


@pytest.fixture
def term(october):
    """October plus tasks, reports, training and ratings of inspector 0 for the autumn term."""
    world = october
    admin, me = user(world, "office_admin"), user(world, "inspector")
    inspector = world.a.inspectors[0]
    first, _second = [task_prescribe(actor=admin, title=t, due_date=d, inspector_ids=[inspector.pk])[0]
                      for t, d in (("开学检查", D(2026, 10, 10)), ("安全检查", D(2026, 10, 20)))]
    task_complete(actor=me, task_id=first.pk, completed_on=D(2026, 10, 9))
    for due, submitted in ((D(2026, 9, 5), None), (D(2026, 10, 5), D(2026, 10, 4))):
        report = Report.objects.create(
            level="inspector", office=world.a.office, inspector=inspector, period_kind="month",
            period_start=due.replace(day=1) - datetime.timedelta(days=1), period_end=due - datetime.timedelta(days=5),
            due_on=due, title=f"报告{due}", author=me,
            status="submitted" if submitted else "draft",
            submitted_at=datetime.datetime.combine(submitted, datetime.time(9), tzinfo=datetime.UTC) if submitted else None)
        assert report.pk
    training_record_save(actor=admin, instance=TrainingRecord(inspector=inspector, course="集中培训", kind="centralised",
                                                               start_date=D(2026, 4, 1), hours=Decimal(20)))
    training_record_save(actor=admin, instance=TrainingRecord(inspector=inspector, course="网络课程", kind="online",
                                                               start_date=D(2026, 5, 1), hours=Decimal(30)))
    rating_submit(actor=me, inspector_id=inspector.pk, period_kind="term", period_start=D(2026, 10, 1), role="self",
                  answers=answers("优秀"))
    rating_submit(actor=user(world, "school_liaison"), inspector_id=inspector.pk, period_kind="term",
                  period_start=D(2026, 9, 15), role="school", answers=answers("良好"), comment="沟通及时")
    return world
