"""A log written by the releases before the sealed chains (one unkeyed SHA-256 chain) is sealed at
upgrade: it verifies afterwards, and the sealing is itself on record with what the unkeyed chain's
verification found."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from dudao.audit.chain import plain_hash
from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain
from dudao.core.testing.factories import RegionFactory

UNKEYED = [("audit", "0001_initial")]


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def _write_unkeyed(apps, paths: list[str]) -> list[int]:
    """Events as the releases before wrote them: numbered 1, 2, … in one chain of plain hashes."""
    Event = apps.get_model("audit", "AuditEvent")
    head, _ = apps.get_model("audit", "ChainHead").objects.get_or_create(pk=1)
    pks = []
    for path in paths:
        fields = {"seq": head.last_seq + 1, "created_at": timezone.now(), "actor_id": None, "actor_name": "system",
                  "action": "audit.test.note", "target_ct_id": None, "target_id": "", "target_repr": "",
                  "region_path": path, "school_id": None, "changes": {"n": [None, head.last_seq]}, "reason": "",
                  "prev_hash": head.last_hash}
        fields["hash"] = plain_hash(Event(**fields))
        pks.append(Event.objects.create(**fields, request_id="").pk)
        head.last_seq, head.last_hash = fields["seq"], fields["hash"]
    head.save()
    return pks


@pytest.mark.django_db(transaction=True)
def test_an_unkeyed_log_is_sealed_at_upgrade_and_the_sealing_is_recorded():
    a, b = RegionFactory(code="999201", name="甲县", level=3).path, RegionFactory(code="999202", name="乙县", level=3).path
    AuditEvent.objects.all().delete()
    try:
        # given a log written before the upgrade, of two counties
        old = _migrate(UNKEYED).loader.project_state(UNKEYED).apps
        pks = _write_unkeyed(old, [a, b, a, a, b])
        # and one event edited by hand before the upgrade
        old.get_model("audit", "AuditEvent").objects.filter(pk=pks[3]).update(reason="篡改")
    finally:
        # when the database is upgraded
        _migrate()
    # then every chain verifies under the audit key, each county's events in their own chain
    assert verify_chain() == []
    assert list(AuditEvent.objects.filter(pk__in=pks).order_by("seq").values_list("region_path", "chain_seq")) == [
        (a, 1), (b, 1), (a, 2), (a, 3), (b, 2)]
    # and the sealing is on record, naming the event that had already failed
    sealing = AuditEvent.objects.get(action="audit.chain.seal")
    assert (sealing.region_path, sealing.chain_seq) == ("", 1)
    assert sealing.seq > max(AuditEvent.objects.filter(pk__in=pks).values_list("seq", flat=True))
    assert "共 5 条记录" in sealing.reason
    assert sealing.reason.endswith("封存前的记录链在以下序号处未通过校验：4。")
    # and the log keeps working
    assert AuditEvent.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_the_sealing_reverses_to_one_unkeyed_chain():
    AuditEvent.objects.all().delete()
    try:
        old = _migrate(UNKEYED).loader.project_state(UNKEYED).apps
        _write_unkeyed(old, ["", "", ""])
        _migrate()
        assert verify_chain() == []
        # when the upgrade is undone, the events are one unkeyed chain again, numbered without gaps
        old = _migrate(UNKEYED).loader.project_state(UNKEYED).apps
        events = list(old.get_model("audit", "AuditEvent").objects.order_by("seq"))
        assert [e.seq for e in events] == [1, 2, 3, 4]
        assert all(after.prev_hash == before.hash for before, after in zip(events, events[1:], strict=False))
        head = old.get_model("audit", "ChainHead").objects.get()
        assert (head.last_seq, head.last_hash) == (4, events[-1].hash)
    finally:
        _migrate()
    assert verify_chain() == []
