"""The audit chain's seal: keys, the canonical content of an event, its HMAC, and the append step.

Events are chained per region (``region_path``; ``""`` for events of the whole deployment): each
event carries its position in its chain (``chain_seq``), the seal of the event before it
(``prev_hash``) and its own seal, an HMAC-SHA256 of its content under the audit key
(``DUDAO_AUDIT_KEY``), which is kept outside the database. Someone who can edit the database but
does not hold the key can neither alter, insert nor remove an event and reseal the chain after it.
Writers lock only the heads of the chains they append to, so offices write in parallel.

The functions take the model classes as arguments, so that migrations can use them with their
historical models.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import connections

GENESIS = "0" * 64


def key_id(key: bytes) -> str:
    """A short public name of a key, stored with each event it sealed (never the key)."""
    return hashlib.sha256(b"dudao-audit-key-id:" + key).hexdigest()[:16]


def _current_key() -> bytes:
    if settings.DUDAO_AUDIT_KEY:
        return settings.DUDAO_AUDIT_KEY.encode()
    # development and tests: derived from the secret key (production refuses to start without one)
    return hmac.new(settings.SECRET_KEY.encode(), b"dudao-audit-chain", hashlib.sha256).hexdigest().encode()


def current_key() -> tuple[str, bytes]:
    """The key new events and checkpoints are sealed with, and its id."""
    key = _current_key()
    return key_id(key), key


def keys() -> dict[str, bytes]:
    """Every key verification accepts, by id: the current one and those it replaced."""
    found = [_current_key(), *(k.encode() for k in settings.DUDAO_AUDIT_OLD_KEYS if k)]
    return {key_id(k): k for k in found}


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def plain_content(event) -> dict:
    """The fields the unkeyed hash of the first releases covered."""
    return {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "target_ct": event.target_ct_id,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "region_path": event.region_path,
        "school_id": event.school_id,
        "changes": event.changes,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }


def plain_hash(event) -> str:
    """The unkeyed SHA-256 the first releases chained with; kept to verify a log before it is sealed."""
    return hashlib.sha256(canonical(plain_content(event))).hexdigest()


def seal_of(event, key: bytes) -> str:
    """The HMAC-SHA256 of the event's content, its chain position and the previous seal."""
    return hmac.new(key, canonical({**plain_content(event), "chain_seq": event.chain_seq}), hashlib.sha256).hexdigest()


def seal(event, kid: str, key: bytes) -> None:
    event.key_id = kid
    event.hash = seal_of(event, key)


def sign(data: dict, key: bytes) -> str:
    """The HMAC of a checkpoint's content."""
    return hmac.new(key, canonical(data), hashlib.sha256).hexdigest()


def _next_numbers(event_model, count: int) -> list[int]:
    """``count`` new event numbers, used as the row id and the deployment-wide ``seq``. Taken from
    the id sequence on PostgreSQL (no lock, so parallel writers never wait for each other; a
    rolled-back write leaves a gap, which is why removals are found per chain); SQLite lets one
    writer in at a time, so the next numbers after the highest are free."""
    connection = connections[event_model.objects.db]
    table = event_model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX(id), MAX(seq) FROM {quoted}")  # noqa: S608 - the model's own table
        last = max(n or 0 for n in cursor.fetchone())
    return list(range(last + 1, last + count + 1))


def append(event_model, head_model, events: list) -> list:
    """Numbers, chains and seals unsaved ``events`` (in the given order) and saves them. Locks the
    heads of their chains only, in a fixed order; the caller's transaction holds them until it
    commits."""
    chains = sorted({event.region_path for event in events})
    heads = {h.chain: h for h in head_model.objects.select_for_update().filter(chain__in=chains).order_by("chain")}
    if missing := [c for c in chains if c not in heads]:
        head_model.objects.bulk_create([head_model(chain=c) for c in missing], ignore_conflicts=True)
        heads.update({h.chain: h for h in head_model.objects.select_for_update().filter(chain__in=missing)
                      .order_by("chain")})
    kid, key = current_key()
    for event, number in zip(events, _next_numbers(event_model, len(events)), strict=True):
        head = heads[event.region_path]
        event.id = event.seq = number
        event.chain_seq = head.last_seq + 1
        event.prev_hash = head.last_hash
        seal(event, kid, key)
        head.last_seq, head.last_hash = event.chain_seq, event.hash
    event_model.objects.bulk_create(events, batch_size=1000)
    head_model.objects.bulk_update(list(heads.values()), ["last_seq", "last_hash"])
    return events
