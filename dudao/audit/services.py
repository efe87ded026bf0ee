"""Writing the audit trail. Only services call these, inside the transaction of the change."""

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from dudao.audit.models import AuditEvent, ChainHead


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
    """Appends several events in one locked step (bulk imports): ``entries`` are
    ``(action, target, changes, reason)`` tuples, chained in the given order."""
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    now = timezone.now()
    seq, prev = head.last_seq, head.last_hash
    events = []
    for action, target, changes, reason in entries:
        seq += 1
        event = _event(actor=actor, action=action, target=target, changes=changes, reason=reason,
                       request_id=request_id, seq=seq, prev_hash=prev, now=now)
        prev = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    head.last_seq, head.last_hash = seq, prev
    head.save(update_fields=["last_seq", "last_hash"])
    return events


def _event(*, actor, action, target, changes, reason, request_id, seq, prev_hash, now) -> AuditEvent:
    region_path, school_id = _scope_of(target)
    event = AuditEvent(
        seq=seq,
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
        prev_hash=prev_hash,
    )
    event.hash = event.compute_hash()
    return event


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


def verify_chain(batch_size: int = 5000) -> list[str]:
    """Walks the chain in order; returns one message per altered, inserted or removed event."""
    problems: list[str] = []
    expected_prev = "0" * 64
    expected_seq = 1
    last = None
    qs = AuditEvent.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            problems.append(f"events {expected_seq}–{event.seq - 1} removed")
        if event.prev_hash != expected_prev:
            problems.append(f"event {event.seq}: chain broken (previous event removed or altered)")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.seq}: content altered since it was written")
        expected_prev = event.hash
        expected_seq = event.seq + 1
        last = event
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq and (last is None or head.last_seq != last.seq or head.last_hash != last.hash):
        problems.append(f"events after {last.seq if last else 0} up to {head.last_seq} removed")
    return problems
