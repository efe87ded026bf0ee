"""Services of the instrument engine: drafts, items, publishing and the freeze, with their audit."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from dudao.audit.models import AuditEvent
from dudao.core.workflow import TransitionNotAllowed
from dudao.instruments import services
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.selectors import version_items
from dudao.instruments.tests.conftest import build_draft, national, office_admin


@pytest.fixture(autouse=True)
def _messages_in_english():
    """These tests read the wording of service errors: read them in the source language."""
    with translation.override("en"):
        yield

pytestmark = pytest.mark.django_db


def tree(version):
    codes = {i.pk: i.code for i in Item.objects.filter(version=version)}
    return [(codes.get(i.parent_id), i.code, i.position) for i in version_items(version=version)]


# ---- create and copy --------------------------------------------------------------------------------

def test_create_makes_an_empty_draft_v1_and_audits(world):
    # when county A's administrator creates an instrument
    instrument = services.instrument_create(actor=office_admin(world), office=world.a.office, code="food-2026",
                                            name="食品安全检查表", kind="checklist", audience="schools")
    # then it has one empty draft, version 1, and an audit event
    version = instrument.versions.get()
    assert (version.number, version.status, version.items.count()) == (1, "draft", 0)
    event = AuditEvent.objects.get(action="instruments.instrument.create", target_id=str(instrument.pk))
    assert event.changes["code"] == [None, "food-2026"]
    assert event.region_path == world.a.region.path


def test_create_for_another_county_is_refused_and_writes_nothing(world):
    # given county A's administrator
    count = Instrument.objects.count()
    # when they create an instrument for county B's office, then it is refused and rolled back
    with pytest.raises(PermissionDenied):
        services.instrument_create(actor=office_admin(world), office=world.b.office, code="x", name="x",
                                   kind="checklist", audience="schools")
    assert Instrument.objects.count() == count


def test_create_needs_the_add_permission(world):
    with pytest.raises(PermissionDenied):
        services.instrument_create(actor=world.a.users["inspector"], office=world.a.office, code="x", name="x",
                                   kind="checklist", audience="schools")


def test_create_refuses_a_code_used_in_the_office(world, draft):
    with pytest.raises(ValidationError):
        services.instrument_create(actor=office_admin(world), office=world.a.office, code=draft.instrument.code,
                                   name="重复", kind="checklist", audience="schools")


def test_copy_of_the_national_list_is_an_office_draft_with_the_same_items(world):
    # given the national school checklist
    source = national().latest_published()
    # when county A copies it
    copy = services.instrument_copy(actor=office_admin(world), source_version_id=source.pk, office=world.a.office)
    # then the office owns a draft v1 based on the national version with the same item tree
    draft = copy.versions.get()
    assert copy.office == world.a.office and copy.code == national().code
    assert (draft.number, draft.status, draft.based_on) == (1, "draft", source)
    assert [(i.code, i.text, i.response_type, i.options) for i in version_items(version=draft)] == [
        (i.code, i.text, i.response_type, i.options) for i in version_items(version=source)]
    assert AuditEvent.objects.filter(action="instruments.instrument.copy", target_id=str(copy.pk)).exists()
    # and a second copy into the same office gets a free code
    again = services.instrument_copy(actor=office_admin(world), source_version_id=source.pk, office=world.a.office)
    assert again.code == f"{national().code}-2"


def test_copy_keeps_a_nested_tree(world, published):
    copy = services.instrument_copy(actor=office_admin(world), source_version_id=published.pk,
                                    office=world.a.office, code="copy-1")
    assert tree(copy.versions.get()) == tree(published)


def test_copy_of_an_invisible_version_is_not_found(world):
    # given a county-B draft, then county A cannot copy it
    b_version = build_draft(office_admin(world, "b"), world.b.office)
    with pytest.raises(InstrumentVersion.DoesNotExist):
        services.instrument_copy(actor=office_admin(world), source_version_id=b_version.pk, office=world.a.office)


# ---- versions ---------------------------------------------------------------------------------------

def test_new_draft_copies_the_latest_published_and_numbers_on(world, published):
    actor = office_admin(world)
    # when a new draft is started after v1 was published
    v2 = services.version_new_draft(actor=actor, instrument_id=published.instrument_id)
    # then it is v2, based on v1, with v1's items; v1 stays published
    assert (v2.number, v2.status, v2.based_on_id) == (2, "draft", published.pk)
    assert tree(v2) == tree(published)
    published.refresh_from_db()
    assert published.status == "published"
    # and only one draft at a time: the second is refused with 409 semantics
    with pytest.raises(services.DraftExists) as info:
        services.version_new_draft(actor=actor, instrument_id=published.instrument_id)
    assert isinstance(info.value, TransitionNotAllowed) and isinstance(info.value, ValidationError)


def test_publishing_v2_leaves_v1_published_and_latest_published_is_v2(world, published):
    actor = office_admin(world)
    v2 = services.version_new_draft(actor=actor, instrument_id=published.instrument_id)
    services.version_publish(actor=actor, version_id=v2.pk)
    published.refresh_from_db()
    assert published.status == "published"
    assert published.instrument.latest_published() == InstrumentVersion.objects.get(pk=v2.pk)


def test_publish_sets_time_and_publisher_and_audits(world, draft):
    actor = office_admin(world)
    version = services.version_publish(actor=actor, version_id=draft.pk, reason="局务会通过")
    version.refresh_from_db()
    assert version.status == "published" and version.published_at is not None
    assert version.published_by_id == actor.pk
    event = AuditEvent.objects.get(action="instruments.version.publish", target_id=str(draft.pk))
    assert event.changes == {"status": ["draft", "published"]} and event.reason == "局务会通过"


def test_publish_lists_every_problem_of_the_tree_and_changes_nothing(world):
    # given a draft with an empty section only
    actor = office_admin(world)
    instrument = services.instrument_create(actor=actor, office=world.a.office, code="empty", name="空表",
                                            kind="checklist", audience="schools")
    version = instrument.versions.get()
    services.item_add(actor=actor, version_id=version.pk, code="A", text="空分组", response_type="section")
    # when it is published, then every problem is listed and it stays a draft
    with pytest.raises(ValidationError) as info:
        services.version_publish(actor=actor, version_id=version.pk)
    messages = " ".join(info.value.messages)
    assert "at least one item" in messages and "A" in messages
    version.refresh_from_db()
    assert version.status == "draft" and version.published_at is None


def test_publish_problems_cover_options_maximum_and_codes(world):
    # the checks run on plain items (rows that bypassed the services, e.g. from another import)
    items = [Item(pk=1, code="1", text="t", response_type="single_choice", options=[]),
             Item(pk=2, code="1", text="t", response_type="score"),
             Item(pk=3, code="3", text="t", response_type="rating", options=["差", "好"])]
    problems = services.publish_problems(items)
    assert any("options" in p for p in problems)
    assert any("maximum" in p for p in problems)
    assert any("used twice" in p for p in problems)


def test_discard_deletes_a_draft_but_never_a_published_version(world, draft):
    actor = office_admin(world)
    services.version_discard(actor=actor, version_id=draft.pk)
    assert not InstrumentVersion.objects.filter(pk=draft.pk).exists()
    school = national().latest_published()
    copy = services.instrument_copy(actor=actor, source_version_id=school.pk, office=world.a.office)
    v1 = services.version_publish(actor=actor, version_id=copy.versions.get().pk)
    with pytest.raises(services.VersionFrozen):
        services.version_discard(actor=actor, version_id=v1.pk)


# ---- items ------------------------------------------------------------------------------------------

def test_items_add_in_order_and_at_an_index(world, draft):
    actor = office_admin(world)
    section = draft.items.get(code="1")
    services.item_add(actor=actor, version_id=draft.pk, parent_id=section.pk, code="1.0", text="安全制度",
                      response_type="yes_no", index=0)
    assert tree(draft) == [(None, "1", 1), ("1", "1.0", 1), ("1", "1.1", 2), ("1", "1.2", 3),
                           (None, "2", 2), (None, "3", 3)]


def test_item_add_validates_like_the_model(world, draft):
    actor = office_admin(world)
    cases = [
        ({"code": "9", "text": "打分", "response_type": "score"}, "max_score"),
        ({"code": "9", "text": "选择", "response_type": "single_choice"}, "options"),
        ({"code": "9", "text": "文字", "response_type": "text", "options": "a|b"}, "options"),
        ({"code": "9", "text": "文字", "response_type": "text", "max_score": 5}, "max_score"),
        ({"code": "1.1", "text": "重复编码", "response_type": "yes_no"}, "__all__"),
        ({"code": "9", "text": "负权重", "response_type": "yes_no", "weight": -1}, "weight"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as info:
            services.item_add(actor=actor, version_id=draft.pk, **fields)
        assert field in info.value.message_dict, (fields, info.value.message_dict)


def test_items_only_go_into_sections(world, draft):
    actor = office_admin(world)
    leaf = draft.items.get(code="1.1")
    with pytest.raises(ValidationError):
        services.item_add(actor=actor, version_id=draft.pk, parent_id=leaf.pk, code="x", text="x",
                          response_type="yes_no")
    with pytest.raises(ValidationError):  # a section with items cannot become a question
        services.item_update(actor=actor, item_id=draft.items.get(code="1").pk, response_type="yes_no")


def test_item_update_changes_fields_and_audits_the_difference(world, draft):
    item = draft.items.get(code="1.2")
    services.item_update(actor=office_admin(world), item_id=item.pk, text="应急疏散演练", max_score="12.5")
    item.refresh_from_db()
    assert (item.text, item.max_score) == ("应急疏散演练", Decimal("12.5"))
    event = AuditEvent.objects.get(action="instruments.item.update", target_id=str(item.pk))
    assert event.changes == {"text": ["应急演练", "应急疏散演练"], "max_score": ["10.00", "12.5"]}


def test_item_delete_removes_the_subtree_and_closes_the_gap(world, draft):
    services.item_delete(actor=office_admin(world), item_id=draft.items.get(code="1").pk)
    assert tree(draft) == [(None, "2", 1), (None, "3", 2)]
    assert AuditEvent.objects.get(action="instruments.item.delete").changes["items"] == [3, 0]


def test_item_move_up_down_and_between_sections(world, draft):
    actor = office_admin(world)
    items = {i.code: i for i in draft.items.all()}
    services.item_move(actor=actor, item_id=items["3"].pk, parent_id=None, index=0)
    assert [c for p, c, _ in tree(draft) if p is None] == ["3", "1", "2"]
    services.item_move(actor=actor, item_id=items["2"].pk, parent_id=items["1"].pk, index=1)
    assert tree(draft) == [(None, "3", 1), (None, "1", 2), ("1", "1.1", 1), ("1", "2", 2), ("1", "1.2", 3)]
    services.item_move(actor=actor, item_id=items["1.1"].pk, parent_id=None)
    assert tree(draft)[-1] == (None, "1.1", 3)


def test_item_cannot_move_into_itself(world, draft):
    actor = office_admin(world)
    outer = draft.items.get(code="1")
    inner = services.item_add(actor=actor, version_id=draft.pk, parent_id=outer.pk, code="1.9", text="子分组",
                              response_type="section")
    with pytest.raises(ValidationError):
        services.item_move(actor=actor, item_id=outer.pk, parent_id=inner.pk)
    with pytest.raises(ValidationError):
        services.item_move(actor=actor, item_id=outer.pk, parent_id=outer.pk)


# ---- frozen -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["published", "retired"])
def test_frozen_versions_refuse_every_item_change(world, published, state):
    # given a published (or retired) version
    actor = office_admin(world)
    if state == "retired":
        services.version_retire(actor=actor, version_id=published.pk)
    item = published.items.get(code="1.1")
    before = tree(published), list(published.items.values_list("text", flat=True))
    events = AuditEvent.objects.count()
    attempts = [
        lambda: services.item_add(actor=actor, version_id=published.pk, code="9", text="新", response_type="text"),
        lambda: services.item_update(actor=actor, item_id=item.pk, text="改"),
        lambda: services.item_delete(actor=actor, item_id=item.pk),
        lambda: services.item_move(actor=actor, item_id=item.pk, parent_id=None, index=0),
        lambda: services.version_discard(actor=actor, version_id=published.pk),
    ]
    # when any change is attempted, then it is refused as frozen and nothing changes
    for attempt in attempts:
        with pytest.raises(services.VersionFrozen) as info:
            attempt()
        assert "frozen" in str(info.value)
    assert (tree(published), list(published.items.values_list("text", flat=True))) == before
    assert AuditEvent.objects.count() == events


def test_national_list_cannot_be_changed_by_an_office(world):
    item = national().latest_published().items.first()
    with pytest.raises(PermissionDenied):
        services.item_update(actor=office_admin(world), item_id=item.pk, text="改")
    with pytest.raises(PermissionDenied):
        services.version_new_draft(actor=office_admin(world), instrument_id=national().pk)


def test_another_countys_items_are_not_found(world):
    b_draft = build_draft(office_admin(world, "b"), world.b.office)
    with pytest.raises(Item.DoesNotExist):
        services.item_update(actor=office_admin(world), item_id=b_draft.items.first().pk, text="改")
    with pytest.raises(InstrumentVersion.DoesNotExist):
        services.item_add(actor=office_admin(world), version_id=b_draft.pk, code="9", text="x", response_type="text")
