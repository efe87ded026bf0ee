"""The audit log's hash chain: `verify_chain` and `dudao audit verify` find altered or removed events."""

import pytest
from django.core.management import CommandError, call_command

from dudao.audit.models import GENESIS, AuditEvent, ChainHead
from dudao.audit.services import model_delete, model_save, record, verify_chain
from dudao.core.testing.factories import RegionFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return UserFactory(username="auditor", full_name="审计员")


@pytest.fixture
def written(actor):
    """Ten events written by the services: creates, updates and a delete of schools."""
    region = RegionFactory(code="999001", name="审计县", level=3)
    schools = [model_save(actor=actor, instance=SchoolFactory.build(region=region)) for _ in range(4)]
    for i, school in enumerate(schools):
        school.name = f"改名{i}"
        model_save(actor=actor, instance=school, reason="更正")
    model_delete(actor=actor, instance=schools[0], reason="撤并")
    record(actor=actor, action="audit.test.note", changes={"note": [None, "备注"]})
    assert AuditEvent.objects.count() == 10
    return list(AuditEvent.objects.order_by("seq"))


def test_chain_is_intact_after_many_writes(written):
    assert verify_chain() == []


def test_events_link_to_the_previous_hash(written):
    # given the events in order
    assert written[0].prev_hash == GENESIS
    for before, after in zip(written, written[1:], strict=False):
        # then each names the previous event's hash and its own content's hash
        assert after.prev_hash == before.hash
        assert after.hash == after.compute_hash()
    head = ChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (written[-1].seq, written[-1].hash)


def test_events_carry_before_and_after(written, actor):
    update = next(e for e in written if e.action == "organizations.school.update")
    assert update.changes["name"][1].startswith("改名")
    assert update.changes["name"][0] != update.changes["name"][1]
    delete = next(e for e in written if e.action == "organizations.school.delete")
    assert delete.changes["name"] == ["改名0", None]
    assert delete.reason == "撤并"
    assert update.actor_id == actor.pk and update.actor_name == "审计员"


def test_altered_changes_are_reported(written):
    # when someone edits an event's changes in the database
    target = written[4]
    AuditEvent.objects.filter(pk=target.pk).update(changes={"name": ["x", "y"]})
    # then verification names that event
    problems = verify_chain()
    assert problems == [f"event {target.seq}: content altered since it was written"]


def test_altered_reason_with_recomputed_hash_breaks_the_next_link(written):
    # when someone alters an event and recomputes its own hash to hide it
    target = AuditEvent.objects.get(pk=written[4].pk)
    target.reason = "篡改"
    target.hash = target.compute_hash()
    AuditEvent.objects.filter(pk=target.pk).update(reason=target.reason, hash=target.hash)
    # then the following event no longer links to it
    assert verify_chain() == [f"event {written[5].seq}: chain broken (previous event removed or altered)"]


def test_deleted_middle_event_is_reported(written):
    missing = written[5]
    AuditEvent.objects.filter(pk=missing.pk).delete()

    problems = verify_chain()

    assert f"events {missing.seq}–{missing.seq} removed" in problems
    assert f"event {written[6].seq}: chain broken (previous event removed or altered)" in problems


def test_deleted_last_event_is_reported(written):
    # when the newest event is removed, the chain before it is still consistent ...
    last = written[-1]
    AuditEvent.objects.filter(pk=last.pk).delete()
    # ... but the chain head remembers it
    assert verify_chain() == [f"events after {written[-2].seq} up to {last.seq} removed"]


def test_deleting_every_event_is_reported(written):
    AuditEvent.objects.all().delete()
    assert verify_chain() == [f"events after 0 up to {written[-1].seq} removed"]


def test_command_reports_ok(written, capsys):
    call_command("audit", "verify")
    assert "audit log OK: 10 events, chain intact" in capsys.readouterr().out


def test_command_fails_on_tampering(written, capsys):
    AuditEvent.objects.filter(pk=written[2].pk).update(changes={})
    with pytest.raises(CommandError, match="FAILED: 1 problem"):
        call_command("audit", "verify")
    assert f"event {written[2].seq}: content altered" in capsys.readouterr().err


def test_empty_log_verifies():
    assert verify_chain() == []
