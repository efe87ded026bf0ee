"""Writing the audit trail. Only services call these, inside the transaction of the change."""

import datetime
import decimal
import hmac
import json
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from dudao.audit import chain
from dudao.audit.models import AuditEvent, ChainHead
from dudao.core.periods import change_period


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    return value


def _scope_of(target) -> tuple[str, int | None]:
    """The region path and school id an event is filed under, so the log is scoped like its target."""
    if target is None:
        return "", None
    getter = getattr(target, "audit_scope", None)
    if callable(getter):
        return getter()
    return "", None


@transaction.atomic
def record(*, actor, action: str, target=None, changes: dict | None = None, reason: str = "",
           request_id: str = "") -> AuditEvent:
    """Appends one event to the chain. ``changes`` is ``{field: [old, new]}``."""
    return record_many(actor=actor, entries=[(action, target, changes, reason)], request_id=request_id)[0]


@transaction.atomic
def record_many(*, actor, entries, request_id: str = "") -> list[AuditEvent]:
    """Appends several events in one step (bulk imports): ``entries`` are
    ``(action, target, changes, reason)`` tuples, chained in the given order. Locks only the chains
    of the regions the events are filed under, until the caller's transaction commits."""
    now = timezone.now()
    events = [_event(actor=actor, action=action, target=target, changes=changes, reason=reason,
                     request_id=request_id, now=now)
              for action, target, changes, reason in entries]
    return chain.append(AuditEvent, ChainHead, events)


def period_change_recorded(model, *, actor, school, target: str, value, on, what: str, action: str, reason: str = ""):
    """Moves a school's dated link to ``value`` from ``on`` (``core.periods.change_period``), records the
    change under ``action`` when there was one, and returns the link now in force."""
    change = change_period(model, school=school, target=target, value=value, on=on, what=what)
    if change.changed:
        record_many(actor=actor, entries=change.audit_entries(action=action, school=school, value=value, reason=reason))
    return change.link


def _event(*, actor, action, target, changes, reason, request_id, now) -> AuditEvent:
    region_path, school_id = _scope_of(target)
    return AuditEvent(
        created_at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "system",
        action=action,
        target_ct=ContentType.objects.get_for_model(target) if target is not None else None,  # works for the lazy request.user too
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        region_path=region_path,
        school_id=school_id,
        changes={k: [_json_value(v) for v in pair] for k, pair in (changes or {}).items()},
        reason=reason,
        request_id=request_id,
    )


def snapshot(instance, fields=None) -> dict:
    """The concrete field values of ``instance`` (foreign keys as ids)."""
    out = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"created_at", "updated_at"}:
            continue
        out[f.name] = _json_value(getattr(instance, f.attname))
    return out


def diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


@transaction.atomic
def model_save(*, actor, instance, action_prefix: str | None = None, reason: str = ""):
    """Saves a reference-data row (create or update) and audits the difference.

    The generic create and edit views call this; domain workflows have their own services.
    """
    meta = instance._meta
    prefix = action_prefix or f"{meta.app_label}.{meta.model_name}"
    creating = instance._state.adding or instance.pk is None
    before = {} if creating else snapshot(type(instance)._base_manager.get(pk=instance.pk))
    instance.full_clean()
    instance.save()
    after = snapshot(instance)
    changes = diff(before, after)
    if creating or changes:
        record(actor=actor, action=f"{prefix}.{'create' if creating else 'update'}", target=instance,
               changes=changes, reason=reason)
    return instance


@transaction.atomic
def model_delete(*, actor, instance, reason: str = "") -> None:
    """Deletes a reference-data row and audits what it held."""
    meta = instance._meta
    before = snapshot(instance)
    event_target = instance
    record(actor=actor, action=f"{meta.app_label}.{meta.model_name}.delete", target=event_target,
           changes={k: [v, None] for k, v in before.items()}, reason=reason)
    instance.delete()


def chain_label(path: str) -> str:
    return f"chain {path}" if path else "chain of the whole deployment"


def verify_chain(batch_size: int = 5000, checkpoints=None) -> list[str]:
    """Walks every chain in order; returns one message per altered, inserted or removed event,
    naming the chain (region path) and the event. ``checkpoints`` are the lines of a checkpoint file
    (see ``checkpoint``): each must be signed with an audit key and still match the chains."""
    keys = chain.keys()
    problems: list[str] = []
    heads = {head.chain: head for head in ChainHead.objects.all()}
    seen: dict[str, AuditEvent] = {}
    path, expected_prev, expected_seq = None, chain.GENESIS, 1
    for event in AuditEvent.objects.order_by("region_path", "chain_seq").iterator(chunk_size=batch_size):
        if event.region_path != path:
            path, expected_prev, expected_seq = event.region_path, chain.GENESIS, 1
        where = f"{chain_label(path)}, event No. {event.seq} ({event.chain_seq} in its chain)"
        if event.chain_seq != expected_seq:
            problems.append(f"{chain_label(path)}: events {expected_seq}–{event.chain_seq - 1} removed")
        if event.prev_hash != expected_prev:
            problems.append(f"{where}: chain broken (previous event removed or altered)")
        key = keys.get(event.key_id)
        if key is None:
            problems.append(f"{where}: not sealed with a configured audit key (key id {event.key_id or 'none'})")
        elif chain.seal_of(event, key) != event.hash:
            problems.append(f"{where}: content altered since it was written")
        expected_prev, expected_seq = event.hash, event.chain_seq + 1
        seen[path] = event
    for path in sorted(set(heads) | set(seen)):
        head, last = heads.get(path), seen.get(path)
        last_seq = last.chain_seq if last else 0
        if head is None:
            problems.append(f"{chain_label(path)}: its head is missing (later events may have been removed)")
        elif head.last_seq != last_seq or (last is not None and head.last_hash != last.hash):
            problems.append(f"{chain_label(path)}: events after {last_seq} up to {head.last_seq} removed")
    if checkpoints is not None:
        problems += verify_checkpoints(checkpoints, keys)
    return problems


def checkpoint() -> str:
    """One signed line recording every chain's last position and seal now, for the operator to
    keep outside the database and the server: a later rewrite or truncation no longer matches it."""
    kid, key = chain.current_key()
    data = {"time": timezone.now().isoformat(), "key_id": kid,
            "chains": {h.chain: [h.last_seq, h.last_hash] for h in ChainHead.objects.order_by("chain")}}
    return json.dumps({**data, "mac": chain.sign(data, key)}, ensure_ascii=False, sort_keys=True)


def verify_checkpoints(lines, keys: dict[str, bytes] | None = None) -> list[str]:
    """Checks each checkpoint line's signature, then that every chain still holds the event it recorded."""
    keys = chain.keys() if keys is None else keys
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            mac, kid, when, chains = data.pop("mac"), data["key_id"], data["time"], data["chains"]
        except (ValueError, KeyError, TypeError, AttributeError):
            problems.append(f"checkpoint line {number}: not a checkpoint")
            continue
        key = keys.get(kid)
        if key is None:
            problems.append(f"checkpoint line {number} ({when}): signed with a key that is not configured")
            continue
        if not hmac.compare_digest(chain.sign(data, key), str(mac)):
            problems.append(f"checkpoint line {number} ({when}): signature does not match (line altered)")
            continue
        recorded = {(path, seq): seal for path, (seq, seal) in chains.items() if seq}
        found = {(e.region_path, e.chain_seq): e.hash for e in AuditEvent.objects.filter(
            region_path__in={path for path, _seq in recorded}, chain_seq__in={seq for _path, seq in recorded})}
        for (path, seq), seal in sorted(recorded.items()):
            if (path, seq) not in found:
                problems.append(f"{chain_label(path)}: event {seq} of the checkpoint of {when} is missing "
                                "(chain truncated or rewritten)")
            elif found[(path, seq)] != seal:
                problems.append(f"{chain_label(path)}: event {seq} differs from the checkpoint of {when} "
                                "(chain rewritten)")
    return problems
