"""Audit events written by data migrations, with the migration's historical models."""

from django.conf import settings
from django.utils import timezone, translation


def append_events(apps, *, action: str, reason: str, entries: list[dict]) -> None:
    """Appends the events to the audit chain as ``audit.services.record_many`` does, with the
    migration's models; the hash is the audit app's own. ``reason`` is translated into the site's
    language; each entry gives ``target`` as ``(app_label, model, pk)``, ``target_repr``,
    ``region_path``, ``school_id`` and ``changes``."""
    from dudao.audit.models import AuditEvent as HashedEvent

    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    ContentType = apps.get_model("contenttypes", "ContentType")
    head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        reason = translation.gettext(reason)
    for entry in entries:
        app_label, model, pk = entry.pop("target")
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
        fields = {"seq": head.last_seq + 1, "created_at": now, "actor_id": None, "actor_name": "system",
                  "action": action, "target_ct_id": content_type.pk, "target_id": str(pk),
                  "reason": reason, "request_id": "", "prev_hash": head.last_hash, **entry}
        fields["hash"] = HashedEvent(**fields).compute_hash()
        AuditEvent.objects.create(**fields)
        head.last_seq, head.last_hash = fields["seq"], fields["hash"]
    head.save()
