"""The demo county's directives, loaded on the two-county world through the directive services."""

import pytest
from django.utils import timezone

from dudao.core.testing.world import build_world, fresh
from dudao.demo.directives import load_demo_directives
from dudao.directives import selectors
from dudao.directives.models import Directive, DirectiveItem
from dudao.documents.models import Document

pytestmark = pytest.mark.django_db


def test_demo_has_two_directives_in_progress_with_one_late_unit():
    # given the world's county A, its liaison's school first
    world = build_world()
    admin = fresh(world.a.users["office_admin"])
    # when the demo directives are loaded
    safety, dropout = load_demo_directives(admin=admin, office=world.a.office, liaison_school=world.a.schools[0])
    # then both are assigned and being followed up
    assert {d.status for d in Directive.objects.filter(pk__in=[safety.pk, dropout.pk])} == {Directive.Status.ASSIGNED}
    # and exactly one unit is late, urged once with a Word 督办通知单 on file
    rows = selectors.item_rows(user=admin)
    late = [r for r in rows if r["board"] == DirectiveItem.Board.LATE]
    assert len(late) == 1 and late[0]["urges"] == 1
    assert late[0]["item"].deadline < timezone.localdate()
    notice = Document.objects.get(kind="directive_urge")
    assert notice.number and notice.school_id == late[0]["item"].school_id and not notice.pdf
    # and the board shows a unit done, one returned and the liaison's items on time
    counts = selectors.board_counts(rows)
    assert counts == {"items": 5, "on_time": 2, "late": 1, "returned": 1, "done": 1}
    liaison = fresh(world.a.users["school_liaison"])
    assert {i.school_id for i in selectors.item_list(user=liaison)} == {world.a.schools[0].pk}


def test_demo_bureau_department_leads_the_safety_directive_and_its_contact_has_reported():
    # given the world's county A with its bureau department (whose unit liaison signs in)
    world = build_world()
    admin = fresh(world.a.users["office_admin"])
    department = world.a.departments[0]
    # when the demo directives are loaded with the department leading the safety directive
    safety, _dropout = load_demo_directives(admin=admin, office=world.a.office, liaison_school=world.a.schools[0],
                                            department=department)
    # then the department has an item of its own, on time, with one progress report by its contact
    item = safety.items.get(department=department)
    assert item.school is None and item.board() == DirectiveItem.Board.ON_TIME
    assert [r.reported_by_id for r in item.reports.all()] == [world.a.users["unit_liaison"].pk]
    assert selectors.board_counts(selectors.item_rows(user=admin)) == {
        "items": 6, "on_time": 3, "late": 1, "returned": 1, "done": 1}
    # and the contact reads that directive and that item only
    contact = fresh(world.a.users["unit_liaison"])
    assert [i.pk for i in selectors.item_list(user=contact)] == [item.pk]
    assert [d.pk for d in selectors.directive_list(user=contact)] == [safety.pk]
