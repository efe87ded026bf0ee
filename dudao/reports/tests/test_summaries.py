"""The summaries the dashboards add up instead of rescanning the rows (``FindingMonth``,
``NoticeCount``): kept by the services that write findings and notices, equal after any sequence of
writes to a recount from the rows, restored by ``dudao recount``, and read by the dashboards'
selectors with the same figures the rows give."""

import contextlib
import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.core.tally import recount
from dudao.core.workflow import TransitionNotAllowed
from dudao.inspections.models import Finding, FindingMonth, NoticeCount, Rectification
from dudao.inspections.selectors.rectifications import rectification_summary
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import (
    rectification_close,
    rectification_issue,
    rectification_return,
    rectification_submit,
)
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.rectification_fixtures import user
from dudao.instruments.models import Instrument
from dudao.reports.selectors import findings_by_item

pytestmark = pytest.mark.django_db
world = visit_fixtures.world
media_root = visit_fixtures.media_root

TODAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
DAYS = [datetime.date(2025, 12, 30), datetime.date(2026, 1, 2), datetime.date(2026, 10, 31), datetime.date(2026, 11, 2),
        datetime.date(2026, 11, 16)]
REFUSED = (TransitionNotAllowed, ValidationError, PermissionDenied, ObjectDoesNotExist)  # out of sight: 404

STEPS = st.lists(st.one_of(
    # a finding at school 0 or 2 (listed to the inspector) on a day, on an item (0, 1) or on none
    st.tuples(st.just("find"), st.sampled_from([0, 2]), st.sampled_from(DAYS), st.sampled_from([None, 0, 1])),
    # a notice on the n-th finding, with a deadline some days after the finding
    st.tuples(st.just("issue"), st.integers(0, 20), st.integers(0, 30)),
    # the school answers, the inspector returns or closes the n-th notice
    st.tuples(st.sampled_from(["answer", "return", "close"]), st.integers(0, 20)),
), max_size=14)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def national_items() -> list[int]:
    version = Instrument.objects.get(office__isnull=True, code="national-school-routine").latest_published()
    return list(version.items.order_by("code").values_list("pk", flat=True)[:2])


def finding_lines() -> dict:
    kept = {(m.school_id, m.month, m.item_key): m.findings for m in FindingMonth.objects.all()}
    counted = {(r["school_id"], r["month"], r["item_id"] or 0): r["n"] for r in (
        Finding.objects.annotate(month=TruncMonth("found_on")).values("school_id", "month", "item_id")
        .annotate(n=Count("pk")))}
    return kept, counted


def notice_lines() -> dict:
    kept = {(m.school_id, m.status, m.deadline): m.notices for m in NoticeCount.objects.all()}
    counted = {(r["school_id"], r["status"], r["deadline"]): r["n"] for r in (
        Rectification.objects.values("school_id", "status", "deadline").annotate(n=Count("pk")))}
    return kept, counted


def write(world, steps, items):
    inspector, liaison = user(world, "inspector"), user(world, "school_liaison")
    for step in steps:
        findings = list(Finding.objects.order_by("pk").values_list("pk", "found_on"))
        notices = list(Rectification.objects.order_by("pk").values_list("pk", flat=True))
        with contextlib.suppress(*REFUSED):
            if step[0] == "find":
                _kind, school, day, item = step
                finding_record(actor=inspector, school_id=world.a.schools[school].pk, description="问题", found_on=day,
                               item_id=None if item is None else items[item])
            elif step[0] == "issue" and findings:
                finding, found_on = findings[step[1] % len(findings)]
                rectification_issue(actor=inspector, finding_id=finding, requirements="限期整改", issued_on=found_on,
                                    deadline=found_on + datetime.timedelta(days=step[2]))
            elif notices:
                notice = notices[step[1] % len(notices)]
                if step[0] == "answer":
                    rectification_submit(actor=liaison, rectification_id=notice, measures="已整改")
                elif step[0] == "return":
                    rectification_return(actor=inspector, rectification_id=notice, remarks="不到位")
                else:
                    rectification_close(actor=inspector, rectification_id=notice, remarks="复查合格")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_summaries_kept_equal_a_recount_after_any_writes(world, steps):
    # given findings, notices, answers, returns and closes in any order (refused ones change nothing)
    items = national_items()
    write(world, steps, items)

    # then the lines kept are those a recount of the rows gives, and the rebuild writes the same
    for lines in (finding_lines, notice_lines):
        kept, counted = lines()
        assert kept == counted
    assert recount(FindingMonth) == len(finding_lines()[0]) and recount(NoticeCount) == len(notice_lines()[0])
    assert all(kept == counted for kept, counted in (finding_lines(), notice_lines()))

    # and the dashboard figures read from them are those the rows give, on every day
    office = user(world, "office_admin")
    notices = Rectification.objects.filter(school__in=world.a.schools)
    for day in DAYS:
        summary = rectification_summary(user=office, on=day)
        assert (summary["open"], summary["overdue"], summary["awaiting_recheck"], summary["closed"]) == (
            notices.filter(status__in=("issued", "submitted", "returned")).count(),
            notices.filter(status__in=("issued", "returned"), deadline__lt=day).count(),
            notices.filter(status="submitted").count(), notices.filter(status="closed").count())
        assert {r["id"]: (r["open"], r["overdue"]) for r in summary["by_school"]} == {
            r["school_id"]: (r["open"], r["overdue"]) for r in notices.filter(
                status__in=("issued", "submitted", "returned")).values("school_id").annotate(
                open=Count("pk"), overdue=Count("pk", filter=Q(status__in=("issued", "returned"), deadline__lt=day)))}
    for year in (2025, 2026):
        assert sum(r["n"] for r in findings_by_item(user=office, year=year)) == Finding.objects.filter(
            found_on__year=year).count()


def test_recount_command_restores_lines_lost_or_wrong(world, capsys):
    # given findings and notices in several states, then a line lost and a line wrong
    items = national_items()
    write(world, [("find", 0, DAYS[3], 0), ("find", 2, DAYS[2], None), ("find", 0, DAYS[3], 0),
                  ("issue", 0, 5), ("issue", 1, 3), ("answer", 0), ("close", 0)], items)
    expected = [lines()[1] for lines in (finding_lines, notice_lines)]
    assert [lines()[0] for lines in (finding_lines, notice_lines)] == expected
    FindingMonth.objects.order_by("pk").first().delete()
    NoticeCount.objects.update(notices=99)

    # when the summaries are recounted
    call_command("recount")

    # then they are right again, and the command says how many lines each holds
    assert [lines()[0] for lines in (finding_lines, notice_lines)] == expected
    out = capsys.readouterr().out
    assert f"inspections.FindingMonth: {len(expected[0])} line(s)" in out
    assert f"inspections.NoticeCount: {len(expected[1])} line(s)" in out


def test_a_month_is_the_smallest_period_findings_are_counted_by(world):
    with pytest.raises(ValueError, match="first day of a month"):
        findings_by_item(user=user(world, "office_admin"), since=datetime.date(2026, 9, 2))
