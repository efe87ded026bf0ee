"""The audit log's sealed chains: `verify_chain` and `dudao audit verify` find altered, inserted or
removed events, even when whoever changed the database recomputed the hashes, and signed checkpoints
kept elsewhere find a rewrite or truncation by someone who also holds the key."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from dudao.audit import chain
from dudao.audit.models import AuditEvent, ChainHead
from dudao.audit.services import checkpoint, model_delete, model_save, record, verify_chain
from dudao.core.testing.factories import RegionFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db

KEY = "k" * 20 + "3Fq9-XbL2mPz7RtW0vYc8NdJ5hGs1Ue"


@pytest.fixture(autouse=True)
def _audit_key(settings):
    settings.DUDAO_AUDIT_KEY = KEY
    settings.DUDAO_AUDIT_OLD_KEYS = []


@pytest.fixture
def actor():
    return UserFactory(username="auditor", full_name="审计员")


@pytest.fixture
def region():
    return RegionFactory(code="999001", name="审计县", level=3)


@pytest.fixture
def written(actor, region):
    """Ten events written by the services: creates, updates and a delete of schools of one county
    (its chain), and a note of the whole deployment (the other chain)."""
    schools = [model_save(actor=actor, instance=SchoolFactory.build(region=region)) for _ in range(4)]
    for i, school in enumerate(schools):
        school.name = f"改名{i}"
        model_save(actor=actor, instance=school, reason="更正")
    model_delete(actor=actor, instance=schools[0], reason="撤并")
    record(actor=actor, action="audit.test.note", changes={"note": [None, "备注"]})
    assert AuditEvent.objects.count() == 10
    return list(AuditEvent.objects.order_by("seq"))


def county(written):
    return [e for e in written if e.region_path]


def where(event) -> str:
    return f"chain {event.region_path}, event No. {event.seq} ({event.chain_seq} in its chain)"


def rewrite(events, *, seal) -> None:
    """What someone with the database does to hide a change: recompute every link and hash after
    it, and the chain head."""
    prev = chain.GENESIS
    for position, event in enumerate(events, start=1):
        event.chain_seq, event.prev_hash = position, prev
        seal(event)
        prev = event.hash
        AuditEvent.objects.filter(pk=event.pk).update(
            chain_seq=event.chain_seq, prev_hash=event.prev_hash, hash=event.hash, key_id=event.key_id,
            reason=event.reason)
    ChainHead.objects.filter(chain=events[0].region_path).update(last_seq=len(events), last_hash=prev)


def edit_and_delete(written) -> list[AuditEvent]:
    """Event 3 of the county's chain says something else and event 6 is gone."""
    events = [AuditEvent.objects.get(pk=e.pk) for e in county(written)]
    events[2].reason = "篡改"
    AuditEvent.objects.filter(pk=events[5].pk).delete()
    return events[:5] + events[6:]


def test_chain_is_intact_after_many_writes(written):
    assert verify_chain() == []


def test_each_region_has_its_own_chain_of_sealed_links(written, region):
    # given the county's events and the deployment's note
    by_chain = {path: [e for e in written if e.region_path == path] for path in {e.region_path for e in written}}
    assert set(by_chain) == {region.path, ""}
    assert len(by_chain[region.path]) == 9
    for path, events in by_chain.items():
        # then each chain starts at the genesis and each event names the seal of the one before it
        assert events[0].prev_hash == chain.GENESIS
        assert [e.chain_seq for e in events] == list(range(1, len(events) + 1))
        for before, after in zip(events, events[1:], strict=False):
            assert after.prev_hash == before.hash
        # and is sealed with the HMAC of the audit key, not a hash anyone can recompute
        kid, key = chain.current_key()
        assert all(e.key_id == kid and e.hash == chain.seal_of(e, key) != chain.plain_hash(e) for e in events)
        head = ChainHead.objects.get(chain=path)
        assert (head.last_seq, head.last_hash) == (events[-1].chain_seq, events[-1].hash)


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
    # then verification names that event and its chain
    assert verify_chain() == [f"{where(target)}: content altered since it was written"]


def test_edit_delete_and_recomputed_plain_hashes_are_reported(written):
    # when someone edits an event, deletes a later one and recomputes every later hash and the head
    # with SHA-256, as was enough before the chain was keyed
    def plain(event):
        event.hash = hashlib.sha256(chain.canonical({**chain.plain_content(event), "chain_seq": event.chain_seq})).hexdigest()
    rewrite(edit_and_delete(written), seal=plain)
    # then not one event of the rewritten chain carries a valid seal
    problems = verify_chain()
    altered = [e for e in county(written) if e.pk != county(written)[5].pk]
    assert problems == [f"{where(AuditEvent.objects.get(pk=e.pk))}: content altered since it was written"
                        for e in altered]
    # and the command says so
    with pytest.raises(CommandError, match=f"FAILED: {len(altered)} problem"):
        call_command("audit", "verify")


def test_a_rewrite_sealed_with_a_guessed_key_is_reported(written):
    # when the rewrite is sealed with another key, even under the real key's id
    kid, _key = chain.current_key()
    rewrite(edit_and_delete(written), seal=lambda e: chain.seal(e, kid, b"guessed"))
    assert len(verify_chain()) == 8
    assert all(p.endswith("content altered since it was written") for p in verify_chain())


def test_an_event_sealed_with_a_key_that_is_not_configured_is_reported(written, settings):
    # given the key was changed without keeping the old one for verification
    settings.DUDAO_AUDIT_KEY = "n" * 20 + "Other-Key-7Hq2Lm9Pz4Rt6Wv1Yc3Nd"
    problems = verify_chain()
    assert len(problems) == 10
    assert problems[0].endswith(f"not sealed with a configured audit key (key id {written[0].key_id})")


def test_a_rotated_key_keeps_the_old_events_verifiable(written, settings):
    # when the key is rotated and the old one kept for verification
    settings.DUDAO_AUDIT_KEY, settings.DUDAO_AUDIT_OLD_KEYS = "n" * 20 + "Other-Key-7Hq2Lm9Pz4Rt6Wv1Yc3Nd", [KEY]
    new = record(actor=None, action="audit.test.note", target=AuditEvent.objects.get(pk=written[1].pk))
    # then the new events are sealed with the new key and every event verifies
    assert new.key_id != written[0].key_id
    assert verify_chain() == []


def test_deleted_middle_event_is_reported(written):
    missing = county(written)[5]
    AuditEvent.objects.filter(pk=missing.pk).delete()

    problems = verify_chain()

    assert f"chain {missing.region_path}: events 6–6 removed" in problems
    assert f"{where(county(written)[6])}: chain broken (previous event removed or altered)" in problems


def test_deleted_last_event_is_reported(written):
    # when the newest event of a chain is removed, the chain before it is still consistent ...
    last = county(written)[-1]
    AuditEvent.objects.filter(pk=last.pk).delete()
    # ... but the chain head remembers it
    assert verify_chain() == [f"chain {last.region_path}: events after 8 up to 9 removed"]


def test_deleting_every_event_is_reported(written, region):
    AuditEvent.objects.all().delete()
    assert verify_chain() == ["chain of the whole deployment: events after 0 up to 1 removed",
                              f"chain {region.path}: events after 0 up to 9 removed"]


def test_removing_a_chain_head_is_reported(written, region):
    ChainHead.objects.filter(chain=region.path).delete()
    assert verify_chain() == [f"chain {region.path}: its head is missing (later events may have been removed)"]


def test_a_rewrite_with_the_key_is_found_by_the_checkpoints(written):
    # given a checkpoint taken before
    lines = [checkpoint()]
    # when someone holding the database and the key rewrites the county's chain
    kid, key = chain.current_key()
    rewrite(edit_and_delete(written), seal=lambda e: chain.seal(e, kid, key))
    # then the chains alone verify, but not against the checkpoint
    assert verify_chain() == []
    problems = verify_chain(checkpoints=lines)
    assert len(problems) == 1
    assert problems[0].startswith(f"chain {written[0].region_path}: event 9 of the checkpoint of ")
    assert problems[0].endswith("is missing (chain truncated or rewritten)")


def test_a_truncation_is_found_by_the_checkpoints(written):
    lines = [checkpoint()]
    # when the last two events of the county's chain are removed and its head set back
    events = county(written)
    AuditEvent.objects.filter(pk__in=[e.pk for e in events[-2:]]).delete()
    ChainHead.objects.filter(chain=events[0].region_path).update(last_seq=7, last_hash=events[6].hash)
    assert verify_chain() == []
    assert len(problems := verify_chain(checkpoints=lines)) == 1
    assert "event 9 of the checkpoint" in problems[0] and "missing" in problems[0]


def test_a_changed_last_event_is_found_by_the_checkpoints(written):
    lines = [checkpoint()]
    kid, key = chain.current_key()
    last = AuditEvent.objects.get(pk=written[-1].pk)
    last.reason = "补记"
    chain.seal(last, kid, key)
    AuditEvent.objects.filter(pk=last.pk).update(reason=last.reason, hash=last.hash)
    ChainHead.objects.filter(chain=last.region_path).update(last_hash=last.hash)
    assert verify_chain() == []
    assert verify_chain(checkpoints=lines)[0].startswith("chain of the whole deployment: event 1 differs")


def test_an_altered_or_foreign_checkpoint_is_reported(written, settings):
    line = checkpoint()
    altered = line.replace('"chains": {"": [1,', '"chains": {"": [2,')
    assert altered != line
    when = json.loads(line)["time"]
    assert verify_chain(checkpoints=["", altered, "not json"]) == [
        f"checkpoint line 2 ({when}): signature does not match (line altered)",
        "checkpoint line 3: not a checkpoint"]
    settings.DUDAO_AUDIT_KEY = "n" * 20 + "Other-Key-7Hq2Lm9Pz4Rt6Wv1Yc3Nd"
    assert verify_chain(checkpoints=[line])[-1].endswith("signed with a key that is not configured")


def test_later_events_still_match_an_older_checkpoint(written, actor, region):
    lines = [checkpoint()]
    model_save(actor=actor, instance=SchoolFactory.build(region=region))
    lines.append(checkpoint())
    assert verify_chain(checkpoints=lines) == []


def test_command_reports_ok(written, capsys):
    call_command("audit", "verify")
    assert "audit log OK: 10 events, every chain intact" in capsys.readouterr().out


def test_command_appends_checkpoints_and_verifies_against_them(written, tmp_path, capsys):
    out = tmp_path / "checkpoints.jsonl"
    call_command("audit", "checkpoint", "--out", str(out))
    call_command("audit", "checkpoint", "--out", str(out))
    assert len(out.read_text().splitlines()) == 2
    call_command("audit", "verify", "--checkpoints", str(out))
    assert "audit log OK: 10 events, every chain intact, 2 checkpoint(s) matched" in capsys.readouterr().out
    # when the deployment's chain is cut back to nothing
    AuditEvent.objects.filter(region_path="").delete()
    ChainHead.objects.filter(chain="").update(last_seq=0, last_hash=chain.GENESIS)
    with pytest.raises(CommandError, match="FAILED: 2 problem"):
        call_command("audit", "verify", "--checkpoints", str(out))
    assert "chain of the whole deployment: event 1 of the checkpoint" in capsys.readouterr().err


def test_command_fails_on_tampering(written, capsys):
    AuditEvent.objects.filter(pk=written[2].pk).update(changes={})
    with pytest.raises(CommandError, match="FAILED: 1 problem"):
        call_command("audit", "verify")
    assert f"{where(written[2])}: content altered" in capsys.readouterr().err


def test_empty_log_verifies():
    assert verify_chain() == []
