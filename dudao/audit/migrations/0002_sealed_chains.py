"""Seals the audit log with the audit key and splits it into one chain per region.

Until now the log was one chain of unkeyed SHA-256 hashes, which anyone with the database could
recompute. At upgrade this migration first verifies that chain as it was (sequence, links, hashes,
head), then re-chains every event, in its order, into the chain of its region and seals it with the
HMAC of ``DUDAO_AUDIT_KEY``; from then on every event is keyed, there is no unkeyed part left to
forge. The sealing is itself recorded as an event of the deployment's chain (``audit.chain.seal``),
whose reason gives how many events were sealed, the last unkeyed hash and whatever the unkeyed
chain's verification found, so an alteration made before the upgrade is on record instead of being
sealed silently. Reversing recomputes the single unkeyed chain.

It runs after the data migrations that wrote events into the unkeyed chain.
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone, translation
from django.utils.translation import gettext

from dudao.audit import chain

BATCH = 2000


def _unkeyed_problems(AuditEvent, ChainHead) -> list[str]:
    """Where the verification of the first releases finds the unkeyed chain altered or cut: event
    numbers, or ranges of removed ones."""
    problems, expected_prev, expected_seq, last = [], chain.GENESIS, 1, None
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=BATCH):
        if event.seq != expected_seq:
            problems.append(f"{expected_seq}–{event.seq - 1}")
        if event.prev_hash != expected_prev or chain.plain_hash(event) != event.hash:
            problems.append(str(event.seq))
        expected_prev, expected_seq, last = event.hash, event.seq + 1, event
    head = ChainHead.objects.order_by("pk").first()
    if head is not None and head.last_seq and (last is None or (head.last_seq, head.last_hash) != (last.seq, last.hash)):
        problems.append(f"{expected_seq}–{head.last_seq}")
    return problems


def seal(apps, schema_editor=None) -> None:
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    problems = _unkeyed_problems(AuditEvent, ChainHead)
    kid, key = chain.current_key()
    heads: dict[str, list] = {}
    batch, count, last_hash = [], 0, chain.GENESIS
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=BATCH):
        last_hash = event.hash
        head = heads.setdefault(event.region_path, [0, chain.GENESIS])
        event.chain_seq, event.prev_hash = head[0] + 1, head[1]
        chain.seal(event, kid, key)
        head[:] = [event.chain_seq, event.hash]
        batch.append(event)
        count += 1
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_update(batch, ["chain_seq", "prev_hash", "key_id", "hash"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["chain_seq", "prev_hash", "key_id", "hash"])
    ChainHead.objects.all().delete()
    ChainHead.objects.bulk_create([ChainHead(chain=path, last_seq=seq, last_hash=h) for path, (seq, h) in heads.items()])
    if not count:
        return
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("Sealed with the audit key at upgrade: {count} events, the last unkeyed hash {hash}.").format(
            count=count, hash=last_hash)
        if problems:
            reason += " " + gettext("Before sealing, the unkeyed chain did not verify at events No. {numbers}.").format(
                numbers=", ".join(problems[:200]))
    chain.append(AuditEvent, ChainHead, [AuditEvent(
        created_at=timezone.now(), actor_id=None, actor_name="system", action="audit.chain.seal", target_ct_id=None,
        target_id="", target_repr="", region_path="", school_id=None, changes={}, reason=reason, request_id="")])


def unseal(apps, schema_editor=None) -> None:
    """Back to one unkeyed chain in the order the events were written."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    batch, seq, prev = [], 0, chain.GENESIS
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=BATCH):
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = chain.plain_hash(event)
        batch.append(event)
    # numbers only shrink (gaps close), so in this order no two rows hold one at the same time
    for event in batch:
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq, prev_hash=event.prev_hash, hash=event.hash)
    ChainHead.objects.all().delete()
    ChainHead.objects.create(pk=1, chain="", last_seq=seq, last_hash=prev)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        # the data migrations that appended to the unkeyed chain
        ("inspections", "0004_renumber_duplicate_numbers"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain_seq",
            field=models.PositiveBigIntegerField(default=0, verbose_name="position in its chain"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="chain",
            field=models.CharField(default="", max_length=255, unique=True),
            preserve_default=False,
        ),
        migrations.RunPython(seal, unseal),
    ]
