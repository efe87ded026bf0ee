"""Audit events written by data migrations, with the migration's historical models."""

from django.conf import settings
from django.utils import timezone, translation


def append_events(apps, *, action: str, reason: str, entries: list[dict]) -> None:
    """Appends the events to the audit log with the migration's models: to the sealed chains of
    their regions when ``audit`` 0002 has run, else to the one unkeyed chain as
    ``audit.services.record_many`` wrote it then (``audit`` 0002 seals those later). ``reason`` is
    translated into the site's language; each entry gives ``target`` as ``(app_label, model, pk)``,
    ``target_repr``, ``region_path``, ``school_id`` and ``changes``."""
    from dudao.audit import chain

    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    ContentType = apps.get_model("contenttypes", "ContentType")
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        reason = translation.gettext(reason)
    events = []
    for entry in entries:
        app_label, model, pk = entry.pop("target")
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
        events.append({"created_at": now, "actor_id": None, "actor_name": "system", "action": action,
                       "target_ct_id": content_type.pk, "target_id": str(pk), "reason": reason,
                       "request_id": "", **entry})
    if any(field.name == "chain" for field in ChainHead._meta.fields):
        chain.append(AuditEvent, ChainHead, [AuditEvent(**fields) for fields in events])
        return
    head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
    for fields in events:
        fields.update(seq=head.last_seq + 1, prev_hash=head.last_hash)
        fields["hash"] = chain.plain_hash(AuditEvent(**fields))
        AuditEvent.objects.create(**fields)
        head.last_seq, head.last_hash = fields["seq"], fields["hash"]
    head.save()
