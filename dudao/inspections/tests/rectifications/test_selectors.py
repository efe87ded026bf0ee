"""What the rectification selectors read: a school's events in date order within the scope, and the
summary by school, zone and inspector."""


import pytest

from dudao.inspections.selectors import rectifications as selectors
from dudao.inspections.services.rectifications import rectification_return
from dudao.inspections.tests.rectification_fixtures import (
    answer,
    days_ago,
    notice_in,
    overdue_notice,
    user,
)

pytestmark = pytest.mark.django_db


def test_school_events_in_date_order_and_scoped(world):
    notice = notice_in(world, "issued", issued_on=days_ago(6))
    answer(world, notice, measures="整改中")
    rectification_return(actor=user(world, "inspector"), rectification_id=notice.pk, remarks="不到位")

    events = selectors.school_rectification_events(user=user(world, "school_liaison"),
                                                   school_id=world.a.schools[0].pk)

    assert [e.kind for e in events] == ["finding", "notice", "answer", "recheck"]
    assert [e.date for e in events] == sorted(e.date for e in events)
    assert all(e.url.startswith("/inspections/") for e in events)
    assert selectors.school_rectification_events(user=user(world, "school_liaison"), school_id=world.a.schools[0].pk,
                                                 year=days_ago(6).year - 1) == []
    with pytest.raises(type(world.a.schools[0]).DoesNotExist):
        selectors.school_rectification_events(user=user(world, "office_admin", "b"), school_id=world.a.schools[0].pk)


def test_summary_counts_by_school_zone_and_inspector(world):
    overdue_notice(world)
    notice_in(world, "submitted")
    notice_in(world, "closed")
    summary = selectors.rectification_summary(user=user(world, "zone_leader"))
    assert (summary["open"], summary["overdue"], summary["awaiting_recheck"], summary["closed"]) == (2, 1, 1, 1)
    assert summary["by_zone"] == [{"id": world.a.zones[0].pk, "name": world.a.zones[0].name, "open": 2, "overdue": 1}]
    assert selectors.rectification_summary(user=user(world, "office_admin", "b"))["open"] == 0
