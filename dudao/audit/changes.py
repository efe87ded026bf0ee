"""The ``changes`` of audit events as people read them: field names, choice labels, names of the
rows referred to and dates in the locale's format, never keys, codes or ids.

``describe(events, user=...)`` sets ``event.change_rows`` to ``[(label, old, new), ...]`` on each
event, reading the rows referred to in one query per model (within the user's scope). A key is
read, in this order, from ``KEYS`` below, from a field of the event's target, or from a field of
the model its action code names; a key that reads as none of them is shown as "Other".
"""

import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from dudao.audit.actions import code_model
from dudao.core.templatetags.dudao import cell

HIDDEN = "hidden"
COUNT = "count"
PAIRS = "pairs"
TEXT_LIMIT = 80

# Keys that are not fields of the event's models, or whose field says too little: their label and,
# for values that are not plain, how to show them (a count, "name value" pairs, or not at all), or
# the "app.Model.field" whose label and values they share.
KEYS = {
    # fingerprints and internal references: the file and the row are shown elsewhere
    "sha256": HIDDEN, "docx_sha256": HIDDEN, "pdf_sha256": HIDDEN, "stamped_sha256": HIDDEN, "batch": HIDDEN,
    "response": HIDDEN, "recheck": HIDDEN, "draft": HIDDEN, "target_rule": HIDDEN,
    "must_change_password": (_("Must change the password at next sign-in"), None),
    "files": (_("Evidence files"), None),
    "result": "inspections.Recheck.result",
    "escalation": "inspections.Escalation.kind",
    "date": (_("Date"), None),
    "days_overdue": (_("Days overdue"), None),
    "problems": (_("Problems found"), None),
    "answers": (_("Items answered"), COUNT),
    "lessons": (_("Lessons observed"), COUNT),
    "results": (_("Results"), PAIRS),
    "notice": (_("Document number"), None),
    "document": (_("Document number"), None),
    "demands": (_("Rectification demands"), COUNT),
    "scores": (_("Scores"), COUNT),
    "rater": (_("Rater"), None),
    "group": "evaluations.RaterGroup.kind",
    "groups": (_("Groups"), COUNT),
    "units": (_("Units evaluated"), COUNT),
    "targets": (_("Schools"), COUNT),
    "schools": (_("Schools"), COUNT),
    "links": (_("Links"), None),
    "codes": (_("Answer codes"), None),
    "per_link": (_("Codes per link"), None),
    "owner": (_("Owner"), None),
    "late": (_("Late"), None),
    "based_on": (_("Based on"), None),
    "items": (_("Items"), COUNT),
    "attachment": (_("File"), None),
    "file": (_("File"), None),
    "size": (_("File size"), None),
    "progress": (_("Progress"), None),
    "returns": (_("School returns"), COUNT),
}


# Values named by a registry of a higher app rather than by a field's choices (the kinds of
# document): the app registers them from its ``AppConfig.ready`` with ``register_choices``.
CHOICES: dict = {}


def register_choices(model_label: str, key: str, choices) -> None:
    """Names the values of ``key`` on ``model_label`` ("documents.document") with ``choices()``."""
    CHOICES[(model_label, key)] = choices


@dataclass(frozen=True)
class Spec:
    label: object
    field: models.Field | None = None
    how: str | None = None
    choices: object = None


def _field(model, key):
    if model is None:
        return None
    for f in model._meta.get_fields():
        if f.name == key or getattr(f, "attname", None) == key:
            return f
    return None


def _label_of(field):
    if field.is_relation and (field.auto_created and not field.concrete):
        return field.related_model._meta.verbose_name_plural
    label = getattr(field, "verbose_name", None)
    return label if isinstance(label, Promise) else None


def key_spec(key: str, models_: list) -> Spec | None:
    """How ``key`` reads for an event about ``models_`` (target first), or None when it does not."""
    known = KEYS.get(key)
    if known == HIDDEN:
        return Spec(None, how=HIDDEN)
    for model in models_:
        field = _field(model, key)
        if field is not None and (label := _label_of(field)) is not None:
            return Spec(label, field, COUNT if field.auto_created and not field.concrete else None,
                        CHOICES.get((model._meta.label_lower, key)))
    if isinstance(known, tuple):
        return Spec(known[0], how=known[1])
    if isinstance(known, str):
        app_model, _dot, name = known.rpartition(".")
        from django.apps import apps

        field = apps.get_model(app_model)._meta.get_field(name)
        return Spec(field.verbose_name, field)
    return None


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _plain(value) -> str:
    """A value with no field to read it by: dates in the locale's format, yes/no, lists joined."""
    if isinstance(value, str) and ISO_DATE.match(value):
        value = parse_date(value) or value
    elif isinstance(value, str) and ISO_DATETIME.match(value):
        value = parse_datetime(value) or value
    if isinstance(value, (list, tuple)):
        return _join(_plain(v) for v in value) or "—"
    if isinstance(value, dict):
        return str(_("{count} items")).format(count=len(value))
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        from django.utils import timezone

        value = timezone.make_aware(value)
    return str(cell(value))


def _join(items) -> str:
    return pgettext("list separator", ", ").join(str(i) for i in items)


def _short(text: str, limit: int | None) -> str:
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


class _Names:
    """The names of the rows the events refer to, read once per model within the user's scope."""

    def __init__(self, user):
        self.user = user
        self.wanted: dict = {}
        self.found: dict = {}

    def want(self, model, value):
        ids = value if isinstance(value, (list, tuple)) else [value]
        for pk in ids:
            if isinstance(pk, int) and not isinstance(pk, bool):
                self.wanted.setdefault(model, set()).add(pk)

    def load(self):
        for model, ids in self.wanted.items():
            manager = model._default_manager
            qs = manager.for_user(self.user) if hasattr(manager, "for_user") else manager.all()
            self.found[model] = {obj.pk: str(obj) for obj in qs.filter(pk__in=ids)}

    def name(self, model, pk) -> str:
        if not isinstance(pk, int) or isinstance(pk, bool):
            return _plain(pk)
        return self.found.get(model, {}).get(pk) or f"#{pk}"


def _value(spec: Spec, value, names: _Names) -> str:
    if value is None or value == "":
        return "—"
    if spec.how == COUNT:
        return str(len(value)) if isinstance(value, (list, tuple, dict)) else _plain(value)
    if spec.how == PAIRS and isinstance(value, dict):
        return _join(f"{k} {v}" for k, v in value.items())
    if spec.choices is not None:
        return str(dict(spec.choices()).get(value, value))
    field = spec.field
    if field is not None and field.is_relation and field.concrete:
        if isinstance(value, (list, tuple)):
            return _join(names.name(field.related_model, v) for v in value) or "—"
        return names.name(field.related_model, value)
    if field is not None and field.choices:
        choices = dict(field.flatchoices)
        if isinstance(value, (list, tuple)):
            return _join(choices.get(v, v) for v in value)
        return str(choices.get(value, value))
    if isinstance(field, models.FileField) and isinstance(value, str):
        return value.rsplit("/", 1)[-1]
    return _plain(value)


def _models_of(event) -> list:
    out = []
    target = event.target_ct.model_class() if event.target_ct_id else None
    for model in (target, code_model(event.action)):
        if model is not None and model not in out:
            out.append(model)
    return out


def describe(events, *, user, limit: int | None = None):
    """Sets ``change_rows`` (label, old, new) on every event; values cut at ``limit`` characters."""
    events = list(events)
    names = _Names(user)
    planned = []
    for event in events:
        models_ = _models_of(event)
        rows = []
        for key, pair in (event.changes or {}).items():
            spec = key_spec(key, models_) or Spec(_("Other"))
            if spec.how == HIDDEN:
                continue
            old, new = (list(pair) + [None, None])[:2] if isinstance(pair, (list, tuple)) else (None, pair)
            if spec.field is not None and spec.field.is_relation and spec.field.concrete and spec.how is None:
                names.want(spec.field.related_model, old)
                names.want(spec.field.related_model, new)
            rows.append((spec, old, new))
        planned.append((event, rows))
    names.load()
    for event, rows in planned:
        event.change_rows = [(str(spec.label), _short(_value(spec, old, names), limit),
                              _short(_value(spec, new, names), limit)) for spec, old, new in rows]
    return events


def summary(event) -> str:
    """One line for a list: "label: old → new; …" (a new value alone when there was none)."""
    parts = []
    for label, old, new in getattr(event, "change_rows", []):
        if old == "—":
            parts.append(str(_("{label}: {value}")).format(label=label, value=new))
        else:
            parts.append(str(_("{label}: {old} → {new}")).format(label=label, old=old, new=new))
    return pgettext("list separator", "; ").join(parts)
